/**
 * Harmonics-to-noise ratio per voiced frame, in the spirit of Praat's "To Harmonicity (cc)":
 * r is the normalised cross-correlation between the signal around the frame and the same
 * stretch one period later, and HNR = 10·log10(r / (1 − r)). For a periodic signal plus
 * independent white noise r = S/(S+N), so the HNR equals the signal-to-noise ratio. The period is
 * rarely a whole number of samples, so the correlation's terms are computed at integer lags and
 * interpolated between them with a Lanczos-windowed sinc (they are band-limited like the
 * signal) before the maximum is taken; a parabola instead would cost several dB above 20 dB.
 * Clamped to ±60 dB.
 */
import type { PitchContour } from './pulses.js';

export interface HnrOptions {
  /** Periods in the correlation window. Default 3. */
  periodsPerWindow?: number;
}

const LIMIT_DB = 60;
/** Lanczos kernel half-width, in lags. */
const TAPS = 8;

function lanczos(d: number): number {
  if (d === 0) return 1;
  if (Math.abs(d) >= TAPS) return 0;
  const x = Math.PI * d;
  return ((Math.sin(x) / x) * Math.sin(x / TAPS)) / (x / TAPS);
}

/** HNR in dB for each frame of the contour (NaN where unvoiced). */
export function harmonicsToNoise(
  samples: Float32Array,
  sampleRate: number,
  contour: PitchContour,
  options: HnrOptions = {},
): Float64Array {
  const periods = options.periodsPerWindow ?? 3;
  const result = new Float64Array(contour.f0.length).fill(Number.NaN);
  const span = 2 * TAPS + 5;
  const cross = new Float64Array(span);
  const energy = new Float64Array(span);
  for (let t = 0; t < contour.f0.length; t++) {
    const f0 = contour.f0[t] as number;
    if (!Number.isFinite(f0) || f0 <= 0) continue;
    const period = sampleRate / f0;
    const length = Math.round(periods * period);
    const centre = (contour.times[t] as number) * sampleRate;
    const start = Math.round(centre - period / 2 - length / 2);
    const nearest = Math.round(period);
    const firstLag = nearest - TAPS - 2;
    if (firstLag < 1) continue;
    let reference = 0;
    for (let i = 0; i < length; i++) reference += (samples[start + i] ?? 0) ** 2;
    if (!(reference > 0)) continue;
    for (let j = 0; j < span; j++) {
      let ab = 0;
      let bb = 0;
      for (let i = 0; i < length; i++) {
        const y = samples[start + i + firstLag + j] ?? 0;
        ab += (samples[start + i] ?? 0) * y;
        bb += y * y;
      }
      cross[j] = ab;
      energy[j] = bb;
    }
    const correlation = (lag: number): number => {
      let ab = 0;
      let bb = 0;
      const base = Math.floor(lag);
      for (let k = base - TAPS + 1; k <= base + TAPS; k++) {
        const w = lanczos(lag - k);
        ab += w * (cross[k - firstLag] as number);
        bb += w * (energy[k - firstLag] as number);
      }
      return bb > 0 ? ab / Math.sqrt(reference * bb) : 0;
    };
    // Coarse grid over ±1.5 lags, then a ternary search around the best point.
    let bestLag = nearest;
    let best = Number.NEGATIVE_INFINITY;
    for (let d = -1.5; d <= 1.5; d += 0.1) {
      const r = correlation(nearest + d);
      if (r > best) {
        best = r;
        bestLag = nearest + d;
      }
    }
    let low = bestLag - 0.1;
    let high = bestLag + 0.1;
    for (let i = 0; i < 20; i++) {
      const a = low + (high - low) / 3;
      const b = high - (high - low) / 3;
      if (correlation(a) < correlation(b)) low = a;
      else high = b;
    }
    const r = Math.max(best, correlation((low + high) / 2));
    const clamped = Math.min(1 - 1e-6, Math.max(1e-6, r));
    result[t] = Math.max(-LIMIT_DB, Math.min(LIMIT_DB, 10 * Math.log10(clamped / (1 - clamped))));
  }
  return result;
}
