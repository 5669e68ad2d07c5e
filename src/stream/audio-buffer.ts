/**
 * The live session's audio: a window of the input, addressed by absolute sample index, that grows
 * at the end as audio arrives and is trimmed at the front at confirmed boundaries. Storage is
 * reused (compacted in place), so its size follows the longest window kept, not the session.
 */
export class LiveAudioBuffer {
  private data: Float32Array;
  /** Index in `data` of the first kept sample. */
  private offset = 0;
  private length = 0;
  private first = 0;

  constructor(initialCapacity = 16_000 * 8) {
    this.data = new Float32Array(initialCapacity);
  }

  /** Absolute index of the first sample kept. */
  get start(): number {
    return this.first;
  }

  /** Absolute index one past the last sample received. */
  get end(): number {
    return this.first + this.length;
  }

  /** Samples the storage can hold without growing. */
  get capacity(): number {
    return this.data.length;
  }

  append(samples: Float32Array): void {
    if (this.offset + this.length + samples.length > this.data.length) {
      const needed = this.length + samples.length;
      if (needed <= this.data.length) {
        this.data.copyWithin(0, this.offset, this.offset + this.length);
      } else {
        let capacity = this.data.length;
        while (capacity < needed) capacity *= 2;
        const grown = new Float32Array(capacity);
        grown.set(this.data.subarray(this.offset, this.offset + this.length));
        this.data = grown;
      }
      this.offset = 0;
    }
    this.data.set(samples, this.offset + this.length);
    this.length += samples.length;
  }

  /** Forgets the samples before absolute index `sample`. */
  trimTo(sample: number): void {
    const drop = Math.min(this.length, Math.max(0, Math.floor(sample) - this.first));
    this.offset += drop;
    this.length -= drop;
    this.first += drop;
  }

  /** A copy of the samples in [from, to), clamped to what is kept. */
  slice(from: number, to: number): Float32Array {
    const begin = Math.max(this.first, Math.floor(from));
    const finish = Math.min(this.end, Math.floor(to));
    if (finish <= begin) return new Float32Array(0);
    return this.data.slice(this.offset + begin - this.first, this.offset + finish - this.first);
  }
}
