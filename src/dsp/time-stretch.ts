/**
 * Changes the tempo of speech without changing its pitch, by WSOLA (waveform-similarity
 * overlap-add; Verhelst & Roelands, 1993). Frames of 30 ms are taken from the input at the
 * analysis rate and overlap-added at half a frame apart; each frame's position is nudged by up
 * to ±10 ms to where it best continues the waveform already written, so periods line up and no
 * phasiness or clicks appear. Used where a synthesiser cannot reach the requested speed itself.
 */
import { createWindow } from './window.js';

export interface TimeStretchOptions {
  /** Frame length in seconds. Default 0.03. */
  frameS?: number;
  /** How far a frame may move to match the waveform, in seconds. Default 0.01. */
  toleranceS?: number;
}

/** Cross-correlation of `x` at `a` and `b` over `length` samples, every `step`-th sample. */
function correlation(x: Float32Array, a: number, b: number, length: number, step: number): number {
  let sum = 0;
  for (let i = 0; i < length; i += step) sum += (x[a + i] as number) * (x[b + i] as number);
  return sum;
}

/**
 * Returns `samples` played `rate` times as fast (2 → half as long; 0.5 → twice as long) at
 * the same pitch. Output length is round(length / rate). `rate` must be between 0.1 and 10.
 */
export function timeStretch(
  samples: Float32Array,
  sampleRate: number,
  rate: number,
  options: TimeStretchOptions = {},
): Float32Array {
  if (!(rate >= 0.1 && rate <= 10)) throw new RangeError(`rate must be in [0.1, 10], got ${rate}`);
  if (rate === 1 || samples.length === 0) return samples.slice();
  const frame = Math.max(16, 2 * Math.round((sampleRate * (options.frameS ?? 0.03)) / 2));
  const hop = frame / 2;
  const tolerance = Math.max(1, Math.round(sampleRate * (options.toleranceS ?? 0.01)));
  const outputLength = Math.round(samples.length / rate);
  const window = createWindow('hann', frame);

  // Zero padding on both sides, so every candidate frame lies inside the buffer.
  const pad = tolerance + frame + hop;
  const x = new Float32Array(samples.length + 2 * pad);
  x.set(samples, pad);
  const out = new Float64Array(outputLength + frame);
  const weight = new Float64Array(outputLength + frame);

  let previous = pad; // input position of the last frame written
  for (let k = 0; k * hop < outputLength; k++) {
    const target = pad + Math.round(k * hop * rate);
    let position = target;
    if (k > 0) {
      // Search coarsely (every second lag, every second sample), then refine around the best.
      const natural = previous + hop;
      let best = target;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let lag = -tolerance; lag <= tolerance; lag += 2) {
        const score = correlation(x, natural, target + lag, frame, 2);
        if (score > bestScore) {
          bestScore = score;
          best = target + lag;
        }
      }
      position = best;
      bestScore = Number.NEGATIVE_INFINITY;
      for (let candidate = best - 1; candidate <= best + 1; candidate++) {
        const score = correlation(x, natural, candidate, frame, 1);
        if (score > bestScore) {
          bestScore = score;
          position = candidate;
        }
      }
    }
    const start = k * hop;
    for (let i = 0; i < frame; i++) {
      const w = window[i] as number;
      out[start + i] = (out[start + i] as number) + w * (x[position + i] as number);
      weight[start + i] = (weight[start + i] as number) + w;
    }
    previous = position;
  }

  const result = new Float32Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const w = weight[i] as number;
    result[i] = w > 1e-3 ? (out[i] as number) / w : (out[i] as number);
  }
  return result;
}
