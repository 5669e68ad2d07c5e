import { AudioDecodeError } from '../errors.js';
import { Resampler } from './resample.js';

/**
 * Where decoded audio goes: channels are averaged to mono, converted to the target rate, and
 * gathered, with the duration limit enforced as samples arrive rather than after memory is spent.
 */
export class MonoSink {
  private readonly resampler: Resampler | null;
  private readonly chunks: Float32Array[] = [];
  private length = 0;
  /** Source frames received so far. */
  frames = 0;

  constructor(
    readonly sourceRate: number,
    readonly targetRate: number,
    private readonly maxDurationS: number,
  ) {
    this.resampler = sourceRate === targetRate ? null : new Resampler(sourceRate, targetRate);
  }

  /** Adds one block of audio given as one array per channel, all of the same length. */
  push(channels: Float32Array[]): void {
    const first = channels[0];
    if (!first || first.length === 0) return;
    this.frames += first.length;
    if (this.frames / this.sourceRate > this.maxDurationS) {
      throw new AudioDecodeError(
        'audio_too_long',
        `Audio is longer than the ${this.maxDurationS} s limit (EARSHOT_MAX_AUDIO_DURATION_S).`,
        {
          details: { maxDurationS: this.maxDurationS },
        },
      );
    }
    const mono = channels.length === 1 ? first : downmix(channels);
    this.add(this.resampler ? this.resampler.push(mono) : mono);
  }

  /** Adds interleaved float samples. */
  pushInterleaved(interleaved: Float32Array, channelCount: number): void {
    if (channelCount === 1) {
      this.push([interleaved]);
      return;
    }
    const frames = Math.floor(interleaved.length / channelCount);
    const mono = new Float32Array(frames);
    const scale = 1 / channelCount;
    for (let frame = 0, index = 0; frame < frames; frame++) {
      let sum = 0;
      for (let channel = 0; channel < channelCount; channel++)
        sum += interleaved[index++] as number;
      mono[frame] = sum * scale;
    }
    this.push([mono]);
  }

  finish(): Float32Array {
    if (this.resampler) this.add(this.resampler.flush());
    const out = new Float32Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    this.chunks.length = 0;
    return out;
  }

  private add(chunk: Float32Array): void {
    if (chunk.length === 0) return;
    // Keep a copy: callers may reuse the buffer the chunk views.
    this.chunks.push(chunk.slice());
    this.length += chunk.length;
  }
}

/** Averages channels into one; all channels must have the same length. */
export function downmix(channels: Float32Array[]): Float32Array {
  const length = channels[0]?.length ?? 0;
  const mono = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i] = (mono[i] as number) + (channel[i] as number);
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < length; i++) mono[i] = (mono[i] as number) * scale;
  return mono;
}
