/** Where sound is in a signal, for checking what a voice activity detector reports. */
import { rms } from './signals.js';

export interface Span {
  startS: number;
  endS: number;
}

/** From the first to the last 20 ms frame above `threshold` RMS. */
export function audibleExtent(samples: Float32Array, sampleRate: number, threshold = 0.01): Span {
  const frame = Math.round(sampleRate * 0.02);
  let first = -1;
  let last = -1;
  for (let start = 0; start + frame <= samples.length; start += frame) {
    if (rms(samples, start, start + frame) > threshold) {
      if (first < 0) first = start;
      last = start + frame;
    }
  }
  return first < 0
    ? { startS: 0, endS: 0 }
    : { startS: first / sampleRate, endS: last / sampleRate };
}

/** Seconds of `span` covered by the (non-overlapping) `regions`. */
export function overlapS(regions: readonly Span[], span: Span): number {
  let total = 0;
  for (const region of regions) {
    total += Math.max(0, Math.min(region.endS, span.endS) - Math.max(region.startS, span.startS));
  }
  return total;
}
