/**
 * Incremental raw PCM (signed 16-bit little-endian, interleaved) to 16 kHz mono: bytes may arrive
 * in pieces of any size, split anywhere, even inside a frame.
 */
import { Resampler } from '../audio/resample.js';
import { s16leToChannels } from '../audio/wav.js';
import { WHISPER_SAMPLE_RATE } from '../dsp/whisper-mel.js';
import { AudioDecodeError } from '../errors.js';

export interface PcmFormat {
  sampleRate: number;
  /** Interleaved channels, averaged to mono. Default 1. */
  channels?: number;
}

/** Refuses a layout raw PCM cannot have, with the same messages as `loadAudio`. */
export function checkPcmFormat(format: PcmFormat): Required<PcmFormat> {
  const channels = format.channels ?? 1;
  const rate = format.sampleRate;
  if (!(Number.isInteger(rate) && rate >= 1000 && rate <= 768_000)) {
    throw new AudioDecodeError(
      'audio_invalid_pcm',
      `Raw PCM sample rate must be an integer between 1000 and 768000 Hz, got ${rate}.`,
    );
  }
  if (!(Number.isInteger(channels) && channels >= 1 && channels <= 32)) {
    throw new AudioDecodeError(
      'audio_invalid_pcm',
      `Raw PCM channel count must be between 1 and 32, got ${channels}.`,
    );
  }
  return { sampleRate: rate, channels };
}

export class PcmDecoder {
  private readonly channels: number;
  private readonly frameBytes: number;
  private readonly resampler: Resampler | null;
  private pending = new Uint8Array(0);

  constructor(format: PcmFormat) {
    const checked = checkPcmFormat(format);
    this.channels = checked.channels;
    this.frameBytes = 2 * checked.channels;
    this.resampler =
      checked.sampleRate === WHISPER_SAMPLE_RATE
        ? null
        : new Resampler(checked.sampleRate, WHISPER_SAMPLE_RATE);
  }

  /** Decodes the whole frames now available; keeps a partial frame for the next call. */
  push(bytes: Uint8Array): Float32Array {
    const joined = this.pending.length === 0 ? bytes : concat(this.pending, bytes);
    const whole = joined.length - (joined.length % this.frameBytes);
    this.pending = joined.slice(whole);
    if (whole === 0) return new Float32Array(0);
    const mono = toMono(s16leToChannels(joined.subarray(0, whole), this.channels));
    return this.resampler ? this.resampler.push(mono) : mono;
  }

  /** The input ended: returns the resampler's tail; a partial frame left over is an error. */
  flush(): Float32Array {
    if (this.pending.length > 0) {
      throw new AudioDecodeError(
        'audio_invalid_pcm',
        `Raw s16le PCM with ${this.channels} channel(s) must come in frames of ${this.frameBytes} bytes; the stream ended ${this.pending.length} byte(s) into a frame.`,
      );
    }
    return this.resampler ? this.resampler.flush() : new Float32Array(0);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function toMono(channels: Float32Array[]): Float32Array {
  const first = channels[0] as Float32Array;
  if (channels.length === 1) return first;
  const mono = new Float32Array(first.length);
  for (const channel of channels) {
    for (let i = 0; i < mono.length; i++) mono[i] = (mono[i] as number) + (channel[i] as number);
  }
  for (let i = 0; i < mono.length; i++) mono[i] = (mono[i] as number) / channels.length;
  return mono;
}
