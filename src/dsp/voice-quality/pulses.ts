/**
 * Glottal pulse marks: one time and amplitude per vocal-fold cycle, found from an f0 track the
 * way Praat's "To PointProcess (periodic, peaks)" does. In each voiced stretch the largest
 * extremum near its middle anchors the search; from there the next pulse is the largest peak
 * (of the stretch's dominant polarity) 0.8–1.25 local periods away, walking both ways while the
 * waveform around each new peak still correlates with the previous cycle; where a walk stops
 * early, the rest of the stretch is searched again from a new anchor. Each peak is refined to
 * sub-sample time and amplitude with a parabola through its three samples.
 */

export interface PitchContour {
  /** f0 per frame, Hz; NaN (or any non-finite value) where unvoiced. */
  f0: ArrayLike<number>;
  /** Time each frame describes, seconds (evenly spaced). */
  times: ArrayLike<number>;
}

export interface GlottalPulses {
  /** Pulse times, seconds, ascending. */
  times: Float64Array;
  /** Peak amplitude at each pulse (absolute value). */
  amplitudes: Float64Array;
  /** Index of the run of regular cycles each pulse belongs to; periods never span two runs. */
  stretch: Int32Array;
}

interface Stretch {
  first: number;
  last: number;
}

function voicedStretches(contour: PitchContour): Stretch[] {
  const stretches: Stretch[] = [];
  let first = -1;
  for (let t = 0; t <= contour.f0.length; t++) {
    const voiced = t < contour.f0.length && Number.isFinite(contour.f0[t] as number);
    if (voiced && first < 0) first = t;
    if (!voiced && first >= 0) {
      stretches.push({ first, last: t - 1 });
      first = -1;
    }
  }
  return stretches;
}

/** Vertex of the parabola through x[i−1], x[i], x[i+1]: fractional index and value. */
function refinePeak(samples: Float32Array, i: number, sign: number): [number, number] {
  if (i <= 0 || i >= samples.length - 1) return [i, sign * (samples[i] as number)];
  const a = sign * (samples[i - 1] as number);
  const b = sign * (samples[i] as number);
  const c = sign * (samples[i + 1] as number);
  const curvature = a - 2 * b + c;
  if (curvature >= 0) return [i, b];
  const offset = (0.5 * (a - c)) / curvature;
  return [i + offset, b - 0.25 * (a - c) * offset];
}

/** Smallest correlation between consecutive cycles for a peak to count as the next pulse. */
const MIN_SIMILARITY = 0.5;

/** Normalised correlation of the samples around two positions (±half). */
function similarity(samples: Float32Array, a: number, b: number, half: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let d = -half; d <= half; d++) {
    const x = samples[a + d] ?? 0;
    const y = samples[b + d] ?? 0;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export function glottalPulses(
  samples: Float32Array,
  sampleRate: number,
  contour: PitchContour,
): GlottalPulses {
  const times: number[] = [];
  const amplitudes: number[] = [];
  const stretchOf: number[] = [];
  const step =
    contour.times.length > 1 ? (contour.times[1] as number) - (contour.times[0] as number) : 0.01;
  const stretches = voicedStretches(contour);
  let regionCount = 0;
  stretches.forEach((stretch) => {
    const startS = (contour.times[stretch.first] as number) - step / 2;
    const endS = (contour.times[stretch.last] as number) + step / 2;
    const start = Math.max(0, Math.ceil(startS * sampleRate));
    const end = Math.min(samples.length - 1, Math.floor(endS * sampleRate));
    if (end - start < 3) return;
    // Local period in samples, linear in time between frame centres.
    const period = (sample: number): number => {
      const position = (sample / sampleRate - (contour.times[stretch.first] as number)) / step;
      const t = Math.min(stretch.last - stretch.first, Math.max(0, position));
      const low = Math.floor(t);
      const high = Math.min(stretch.last - stretch.first, low + 1);
      const f0Low = contour.f0[stretch.first + low] as number;
      const f0High = contour.f0[stretch.first + high] as number;
      return sampleRate / (f0Low + (f0High - f0Low) * (t - low));
    };
    let max = 0;
    let min = 0;
    for (let i = start; i <= end; i++) {
      max = Math.max(max, samples[i] as number);
      min = Math.min(min, samples[i] as number);
    }
    const sign = max >= -min ? 1 : -1;
    const peakIn = (from: number, to: number, low: number, high: number): number => {
      let best = -1;
      let bestValue = Number.NEGATIVE_INFINITY;
      for (let i = Math.max(low, from); i <= Math.min(high, to); i++) {
        const value = sign * (samples[i] as number);
        if (value > bestValue) {
          bestValue = value;
          best = i;
        }
      }
      return best;
    };
    // A walk that stops before the end of its region (the waveform changed too much, say at a
    // phoneme boundary) leaves the rest as new regions, each with its own anchor; periods never
    // span the gap, because each region counts as a stretch of its own.
    const regions: [number, number][] = [[start, end]];
    while (regions.length > 0) {
      const [low, high] = regions.pop() as [number, number];
      const middle = Math.round((low + high) / 2);
      const span = period(middle);
      if (high - low < 2 * span) continue;
      const half = Math.round(span / 2);
      const anchor = peakIn(middle - half, middle + half, low, high);
      if (anchor < 0) continue;
      const found: number[] = [anchor];
      const reached = [anchor, anchor];
      for (const direction of [1, -1]) {
        let previous = anchor;
        for (;;) {
          const local = period(previous);
          const near = previous + direction * Math.ceil(0.8 * local);
          const far = previous + direction * Math.floor(1.25 * local);
          const next = direction > 0 ? peakIn(near, far, low, high) : peakIn(far, near, low, high);
          if (next < 0 || next === previous) break;
          // A pulse repeats the previous cycle's shape; this also ends the walk where voicing
          // ends (the voiced frames reach a little beyond it) instead of marking peaks of noise.
          if (similarity(samples, previous, next, Math.round(local / 2)) < MIN_SIMILARITY) break;
          found.push(next);
          previous = next;
        }
        reached[direction > 0 ? 1 : 0] = previous;
      }
      const [first, last] = reached as [number, number];
      regions.push([low, first - Math.round(period(first) / 2)]);
      regions.push([last + Math.round(period(last) / 2), high]);
      if (found.length < 2) continue;
      found.sort((a, b) => a - b);
      for (const peak of found) {
        const [position, value] = refinePeak(samples, peak, sign);
        times.push(position / sampleRate);
        amplitudes.push(value);
        stretchOf.push(regionCount);
      }
      regionCount++;
    }
  });
  const order = times.map((_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number));
  return {
    times: Float64Array.from(order, (i) => times[i] as number),
    amplitudes: Float64Array.from(order, (i) => amplitudes[i] as number),
    stretch: Int32Array.from(order, (i) => stretchOf[i] as number),
  };
}
