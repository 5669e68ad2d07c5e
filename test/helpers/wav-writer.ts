/** Writes WAV files with any sample encoding, for tests of the WAV reader (independent of it). */

export type WavEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

const BITS: Record<WavEncoding, number> = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 };

export interface WavWriteOptions {
  encoding: WavEncoding;
  sampleRate: number;
  /** Use WAVE_FORMAT_EXTENSIBLE with a sub-format GUID instead of the plain format tag. */
  extensible?: boolean;
  /** Override the data chunk's declared size (0xFFFFFFFF = unknown, as streaming recorders write). */
  declaredDataSize?: number;
  /** Insert a chunk of this many bytes (odd sizes test padding) before `fmt `. */
  extraChunkBytes?: number;
}

/** Interleaves `channels` and writes them as a WAV file. */
export function writeWav(channels: Float32Array[], options: WavWriteOptions): Buffer {
  const bits = BITS[options.encoding];
  const bytesPerSample = bits / 8;
  const frames = channels[0]?.length ?? 0;
  const channelCount = channels.length;
  const float = options.encoding === 'f32' || options.encoding === 'f64';
  const data = Buffer.alloc(frames * channelCount * bytesPerSample);
  let offset = 0;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const value = Math.max(-1, Math.min(1, channel[i] as number));
      switch (options.encoding) {
        case 'u8':
          data.writeUInt8(Math.max(0, Math.min(255, Math.round(value * 128 + 128))), offset);
          break;
        case 's16':
          data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(value * 32768))), offset);
          break;
        case 's24':
          data.writeIntLE(
            Math.max(-8388608, Math.min(8388607, Math.round(value * 8388608))),
            offset,
            3,
          );
          break;
        case 's32':
          data.writeInt32LE(
            Math.max(-2147483648, Math.min(2147483647, Math.round(value * 2147483648))),
            offset,
          );
          break;
        case 'f32':
          data.writeFloatLE(value, offset);
          break;
        case 'f64':
          data.writeDoubleLE(value, offset);
          break;
      }
      offset += bytesPerSample;
    }
  }
  const fmtSize = options.extensible ? 40 : 16;
  const fmt = Buffer.alloc(8 + fmtSize);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(fmtSize, 4);
  const tag = float ? 3 : 1;
  fmt.writeUInt16LE(options.extensible ? 0xfffe : tag, 8);
  fmt.writeUInt16LE(channelCount, 10);
  fmt.writeUInt32LE(options.sampleRate, 12);
  fmt.writeUInt32LE(options.sampleRate * channelCount * bytesPerSample, 16);
  fmt.writeUInt16LE(channelCount * bytesPerSample, 20);
  fmt.writeUInt16LE(bits, 22);
  if (options.extensible) {
    fmt.writeUInt16LE(22, 24);
    fmt.writeUInt16LE(bits, 26);
    fmt.writeUInt32LE(channelCount === 2 ? 3 : 4, 28);
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: the tag followed by the fixed GUID tail.
    fmt.writeUInt16LE(tag, 32);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 34);
  }
  const extra = options.extraChunkBytes
    ? Buffer.concat([
        Buffer.from('LIST'),
        uint32(options.extraChunkBytes),
        Buffer.alloc(options.extraChunkBytes + (options.extraChunkBytes % 2), 0x41),
      ])
    : Buffer.alloc(0);
  const dataHeader = Buffer.concat([
    Buffer.from('data'),
    uint32(options.declaredDataSize ?? data.length),
  ]);
  const body = Buffer.concat([Buffer.from('WAVE'), extra, fmt, dataHeader, data]);
  return Buffer.concat([Buffer.from('RIFF'), uint32(body.length), body]);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
}
