import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** An array read from a .npy member: its shape and values as float64. */
export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

function parseNpy(bytes: Buffer): NpyArray {
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file');
  const major = bytes[6] as number;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
  if (/'fortran_order':\s*True/.test(header))
    throw new Error('fortran-order arrays are not supported');
  const body = bytes.subarray(headerStart + headerLength);
  const count = shape.reduce((product, dim) => product * dim, 1);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (descr === '<f4') data[i] = body.readFloatLE(i * 4);
    else if (descr === '<f8') data[i] = body.readDoubleLE(i * 8);
    else throw new Error(`unsupported dtype ${descr}`);
  }
  return { shape, data };
}

/** Reads every array of a NumPy .npz file (a ZIP of .npy files, stored or deflated). */
export function readNpz(path: string): Record<string, NpyArray> {
  const zip = readFileSync(path);
  const arrays: Record<string, NpyArray> = {};
  let offset = 0;
  while (offset + 30 <= zip.length && zip.readUInt32LE(offset) === 0x04034b50) {
    const method = zip.readUInt16LE(offset + 8);
    let compressedSize = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    const name = zip.toString('utf8', offset + 30, offset + 30 + nameLength);
    const dataStart = offset + 30 + nameLength + extraLength;
    if (compressedSize === 0xffffffff) {
      // ZIP64: sizes live in the extra field.
      compressedSize = Number(zip.readBigUInt64LE(offset + 30 + nameLength + 4 + 8));
    }
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    const content = method === 8 ? inflateRawSync(raw) : raw;
    arrays[name.replace(/\.npy$/, '')] = parseNpy(content);
    offset = dataStart + compressedSize;
  }
  return arrays;
}
