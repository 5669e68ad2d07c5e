/**
 * Ogg carries no total length in its headers, so a cut Ogg file looks like a shorter complete
 * one to a decoder. Its pages tell the difference: a finished stream ends with a whole page that
 * has the end-of-stream flag set.
 */

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const HEADER_BYTES = 27;
const END_OF_STREAM = 0x04;

/** Bytes to read from the end of a file to judge it: more than one maximum-size page. */
export const OGG_TAIL_BYTES = 70 * 1024;

function pageLengthAt(bytes: Uint8Array, offset: number): number | null {
  if (offset + HEADER_BYTES > bytes.length) return null;
  if (!CAPTURE.every((byte, index) => bytes[offset + index] === byte) || bytes[offset + 4] !== 0)
    return null;
  const segments = bytes[offset + 26] as number;
  if (offset + HEADER_BYTES + segments > bytes.length) return null;
  let body = 0;
  for (let i = 0; i < segments; i++) body += bytes[offset + HEADER_BYTES + i] as number;
  return HEADER_BYTES + segments + body;
}

/**
 * Given the last bytes of an Ogg file, tells whether it ends with a whole page that closes the
 * stream. `false` means the file was cut off (or the recorder never finished it).
 */
export function oggEndsCleanly(tail: Uint8Array): boolean {
  for (let offset = tail.length - HEADER_BYTES; offset >= 0; offset--) {
    const length = pageLengthAt(tail, offset);
    if (length !== null && offset + length === tail.length) {
      return ((tail[offset + 5] as number) & END_OF_STREAM) !== 0;
    }
  }
  return false;
}
