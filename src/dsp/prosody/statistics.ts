/**
 * Statistics for utterance functionals, with openSMILE's conventions where eGeMAPS defines them:
 * population standard deviation, percentiles by linear interpolation, coefficient of variation
 * as standard deviation over mean, and slopes between consecutive turning points of a contour.
 * Every function ignores non-finite values and returns NaN when nothing is left.
 */

export function finite(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isFinite(value)) out.push(value);
  }
  return out;
}

export function mean(values: ArrayLike<number>): number {
  const kept = finite(values);
  return kept.length === 0 ? Number.NaN : kept.reduce((sum, v) => sum + v, 0) / kept.length;
}

export function stddev(values: ArrayLike<number>): number {
  const kept = finite(values);
  if (kept.length === 0) return Number.NaN;
  const m = kept.reduce((sum, v) => sum + v, 0) / kept.length;
  return Math.sqrt(kept.reduce((sum, v) => sum + (v - m) ** 2, 0) / kept.length);
}

/** Standard deviation over mean (eGeMAPS' "stddevNorm"). */
export function coefficientOfVariation(values: ArrayLike<number>): number {
  return stddev(values) / mean(values);
}

/** The q-quantile (0…1), interpolating linearly between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = finite(values).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return (
    (sorted[low] as number) +
    ((sorted[high] as number) - (sorted[low] as number)) * (position - low)
  );
}

export interface Slopes {
  /** Rises per second between a local minimum and the next maximum. */
  rising: number[];
  /** Falls per second (as positive numbers) between a local maximum and the next minimum. */
  falling: number[];
}

/**
 * Slopes of the rising and falling parts of a contour sampled every `stepS` seconds. Each run of
 * finite values is split at its turning points (and its ends); a run of one value has none.
 */
export function slopes(values: ArrayLike<number>, stepS: number): Slopes {
  const result: Slopes = { rising: [], falling: [] };
  let start = -1;
  const closeRun = (end: number) => {
    if (end - start < 1) return;
    const turning: number[] = [start];
    for (let i = start + 1; i < end; i++) {
      const before = values[i - 1] as number;
      const here = values[i] as number;
      const after = values[i + 1] as number;
      if ((here > before && here >= after) || (here < before && here <= after)) turning.push(i);
    }
    turning.push(end);
    for (let k = 0; k + 1 < turning.length; k++) {
      const from = turning[k] as number;
      const to = turning[k + 1] as number;
      const slope = ((values[to] as number) - (values[from] as number)) / ((to - from) * stepS);
      if (slope > 0) result.rising.push(slope);
      else if (slope < 0) result.falling.push(-slope);
    }
  };
  for (let i = 0; i <= values.length; i++) {
    const present = i < values.length && Number.isFinite(values[i] as number);
    if (present && start < 0) start = i;
    if (!present && start >= 0) {
      closeRun(i - 1);
      start = -1;
    }
  }
  return result;
}

/** Lengths in frames of the runs where `flags` is 1, and of the gaps strictly between them. */
export function runLengths(flags: ArrayLike<number>): { on: number[]; between: number[] } {
  const on: number[] = [];
  const between: number[] = [];
  let run = 0;
  let gap = 0;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]) {
      if (gap > 0 && on.length > 0) between.push(gap);
      gap = 0;
      run++;
    } else {
      if (run > 0) on.push(run);
      run = 0;
      gap++;
    }
  }
  if (run > 0) on.push(run);
  return { on, between };
}
