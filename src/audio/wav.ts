/**
 * WAV (RIFF/RF64 WAVE) reading and writing in pure TypeScript: the fast path that needs no
 * ffmpeg. Reads PCM 8/16/24/32-bit and IEEE float 32/64-bit, plain and WAVE_FORMAT_EXTENSIBLE.
 */
import { AudioDecodeError } from '../errors.js';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Sizes written by recorders that stream before they know the length. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

export interface WavFormat {
  /** `pcm_s16le`, `pcm_f32le`, … as ffmpeg names the codecs. */
  codec: string;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  float: boolean;
  /** Byte offset of the sample data inside the file. */
  dataOffset: number;
  /** Length of the data chunk as its header declares it; `null` when a recorder left it unknown. */
  declaredDataLength: number | null;
}

function codecName(float: boolean, bits: number): string {
  if (float) return `pcm_f${bits}le`;
  return bits === 8 ? 'pcm_u8' : `pcm_s${bits}le`;
}

/** True when the bytes start like a RIFF/RF64 WAVE file. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const riff = String.fromCharCode(...bytes.subarray(0, 4));
  const wave = String.fromCharCode(...bytes.subarray(8, 12));
  return (riff === 'RIFF' || riff === 'RF64') && wave === 'WAVE';
}

/**
 * Reads a WAV header from the first bytes of a file (at least up to the start of the data chunk);
 * throws `AudioDecodeError` on malformed input.
 */
export function parseWavHeader(bytes: Uint8Array): WavFormat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!looksLikeWav(bytes)) {
    throw new AudioDecodeError('audio_corrupt', 'Not a WAV file: the RIFF/WAVE header is missing.');
  }
  const rf64 = bytes[0] === 0x52 && bytes[1] === 0x46 && bytes[2] === 0x36 && bytes[3] === 0x34;
  let rf64DataSize: number | null = null;
  let format: Omit<WavFormat, 'dataOffset' | 'declaredDataLength'> | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    let size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'ds64' && rf64 && body + 16 <= bytes.length) {
      rf64DataSize = Number(view.getBigUint64(body + 8, true));
    } else if (id === 'fmt ') {
      if (size < 16)
        throw new AudioDecodeError('audio_corrupt', 'WAV file has a malformed "fmt " chunk.');
      if (body + 16 > bytes.length) {
        throw new AudioDecodeError('audio_truncated', 'WAV file ends inside its "fmt " chunk.');
      }
      let tag = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (tag === FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) {
        tag = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
        throw new AudioDecodeError(
          'audio_unsupported_format',
          `WAV file uses compression format 0x${tag.toString(16)}; only PCM and IEEE float WAV are read directly.`,
          { details: { formatTag: tag } },
        );
      }
      const float = tag === FORMAT_FLOAT;
      const validBits = float ? [32, 64] : [8, 16, 24, 32];
      if (!validBits.includes(bitsPerSample)) {
        throw new AudioDecodeError(
          'audio_unsupported_format',
          `WAV file has ${bitsPerSample}-bit ${float ? 'float' : 'integer'} samples, which are not supported.`,
        );
      }
      if (channels < 1 || sampleRate < 1) {
        throw new AudioDecodeError(
          'audio_corrupt',
          `WAV header is invalid (${channels} channels at ${sampleRate} Hz).`,
        );
      }
      format = {
        codec: codecName(float, bitsPerSample),
        channels,
        sampleRate,
        bitsPerSample,
        float,
      };
    } else if (id === 'data') {
      if (!format)
        throw new AudioDecodeError(
          'audio_corrupt',
          'WAV file has a data chunk before its "fmt " chunk.',
        );
      if (rf64 && size === 0xffffffff && rf64DataSize !== null) size = rf64DataSize;
      return {
        ...format,
        dataOffset: body,
        declaredDataLength: UNKNOWN_SIZES.has(size) ? null : size,
      };
    }
    offset = body + size + (size % 2); // chunks are padded to an even length
  }
  if (!format)
    throw new AudioDecodeError('audio_truncated', 'WAV file ends before its "fmt " chunk.');
  throw new AudioDecodeError('audio_truncated', 'WAV file ends before its data chunk.');
}

/**
 * Converts interleaved sample bytes to one Float32Array per channel, scaled to [-1, 1).
 * `bytes` must hold whole frames.
 */
export function deinterleaveWavData(
  bytes: Uint8Array,
  format: Pick<WavFormat, 'channels' | 'bitsPerSample' | 'float'>,
): Float32Array[] {
  const { channels, bitsPerSample, float } = format;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bytesPerSample = bitsPerSample / 8;
  const frames = Math.floor(bytes.byteLength / (bytesPerSample * channels));
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  let position = 0;
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channels; channel++) {
      let value: number;
      if (float) {
        value =
          bitsPerSample === 32 ? view.getFloat32(position, true) : view.getFloat64(position, true);
        if (!Number.isFinite(value)) value = 0;
      } else if (bitsPerSample === 16) {
        value = view.getInt16(position, true) / 32768;
      } else if (bitsPerSample === 24) {
        const low = view.getUint16(position, true);
        const high = view.getInt8(position + 2);
        value = (high * 65536 + low) / 8388608;
      } else if (bitsPerSample === 32) {
        value = view.getInt32(position, true) / 2147483648;
      } else {
        value = ((bytes[position] as number) - 128) / 128;
      }
      (out[channel] as Float32Array)[frame] = value;
      position += bytesPerSample;
    }
  }
  return out;
}

export type WavSampleFormat = 's16' | 'f32';

/** Encodes mono samples as a WAV file (16-bit PCM by default, or 32-bit float). */
export function encodeWav(
  samples: Float32Array,
  sampleRate: number,
  sampleFormat: WavSampleFormat = 's16',
): Buffer {
  const float = sampleFormat === 'f32';
  const bytesPerSample = float ? 4 : 2;
  const dataLength = samples.length * bytesPerSample;
  const buffer = Buffer.alloc(44 + dataLength);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataLength, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(float ? FORMAT_FLOAT : FORMAT_PCM, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * bytesPerSample, 28);
  buffer.writeUInt16LE(bytesPerSample, 32);
  buffer.writeUInt16LE(bytesPerSample * 8, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataLength, 40);
  if (float) {
    for (let i = 0; i < samples.length; i++) buffer.writeFloatLE(samples[i] as number, 44 + i * 4);
  } else {
    floatToS16le(samples, buffer.subarray(44));
  }
  return buffer;
}

/** Writes samples as signed 16-bit little-endian PCM with rounding and clipping. */
export function floatToS16le(
  samples: Float32Array,
  into: Buffer = Buffer.alloc(samples.length * 2),
): Buffer {
  for (let i = 0; i < samples.length; i++) {
    const clipped = Math.max(-1, Math.min(1, samples[i] as number));
    into.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(clipped * 32768))), i * 2);
  }
  return into;
}

/** Reads signed 16-bit little-endian PCM, interleaved over `channels`, as one array per channel. */
export function s16leToChannels(bytes: Uint8Array, channels: number): Float32Array[] {
  return deinterleaveWavData(bytes, { channels, bitsPerSample: 16, float: false });
}
