/**
 * Cycle-to-cycle perturbation of the voice, as Praat defines it (Voice 2 and 3):
 * - jitter (local): mean |Tᵢ − Tᵢ₊₁| / mean T;
 * - jitter (rap): mean |Tᵢ − (Tᵢ₋₁ + Tᵢ + Tᵢ₊₁)/3| / mean T;
 * - shimmer (local): mean |Aᵢ − Aᵢ₊₁| / mean A;
 * - shimmer (apq3): mean |Aᵢ − (Aᵢ₋₁ + Aᵢ + Aᵢ₊₁)/3| / mean A.
 * Periods come from consecutive pulses of one voiced stretch; like Praat, periods outside
 * [0.1 ms, 20 ms], and pairs whose periods differ by more than a factor 1.3 (amplitudes by 1.6),
 * are left out. Values are fractions (0.01 = 1 %); NaN when there are too few cycles.
 */
import type { GlottalPulses } from './pulses.js';

export interface Perturbation {
  jitterLocal: number;
  jitterRap: number;
  shimmerLocal: number;
  shimmerApq3: number;
  /** Periods that entered the jitter measures. */
  periods: number;
}

const PERIOD_FLOOR = 0.0001;
const PERIOD_CEILING = 0.02;
const MAX_PERIOD_FACTOR = 1.3;
const MAX_AMPLITUDE_FACTOR = 1.6;

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

function withinFactor(a: number, b: number, factor: number): boolean {
  return Math.max(a, b) <= factor * Math.min(a, b);
}

/** Runs of consecutive valid periods (and the amplitude of the pulse that starts each). */
function cycleRuns(pulses: GlottalPulses): { periods: number[]; amplitudes: number[] }[] {
  const runs: { periods: number[]; amplitudes: number[] }[] = [];
  let current: { periods: number[]; amplitudes: number[] } | null = null;
  for (let i = 0; i + 1 < pulses.times.length; i++) {
    const period = (pulses.times[i + 1] as number) - (pulses.times[i] as number);
    const sameStretch = pulses.stretch[i] === pulses.stretch[i + 1];
    if (!sameStretch || period < PERIOD_FLOOR || period > PERIOD_CEILING) {
      current = null;
      continue;
    }
    if (!current) {
      current = { periods: [], amplitudes: [] };
      runs.push(current);
    }
    current.periods.push(period);
    current.amplitudes.push(pulses.amplitudes[i] as number);
  }
  return runs;
}

/** Jitter and shimmer over every voiced stretch of an utterance. */
export function perturbation(pulses: GlottalPulses): Perturbation {
  const runs = cycleRuns(pulses);
  const allPeriods = runs.flatMap((run) => run.periods);
  const allAmplitudes = runs.flatMap((run) => run.amplitudes);
  const localJitter: number[] = [];
  const rapJitter: number[] = [];
  const localShimmer: number[] = [];
  const apq3Shimmer: number[] = [];
  for (const { periods, amplitudes } of runs) {
    for (let i = 0; i + 1 < periods.length; i++) {
      const a = periods[i] as number;
      const b = periods[i + 1] as number;
      if (withinFactor(a, b, MAX_PERIOD_FACTOR)) localJitter.push(Math.abs(a - b));
      const x = amplitudes[i] as number;
      const y = amplitudes[i + 1] as number;
      if (x > 0 && y > 0 && withinFactor(x, y, MAX_AMPLITUDE_FACTOR))
        localShimmer.push(Math.abs(x - y));
    }
    for (let i = 1; i + 1 < periods.length; i++) {
      const [p, q, r] = [periods[i - 1] as number, periods[i] as number, periods[i + 1] as number];
      if (withinFactor(p, q, MAX_PERIOD_FACTOR) && withinFactor(q, r, MAX_PERIOD_FACTOR))
        rapJitter.push(Math.abs(q - (p + q + r) / 3));
      const [x, y, z] = [
        amplitudes[i - 1] as number,
        amplitudes[i] as number,
        amplitudes[i + 1] as number,
      ];
      if (
        x > 0 &&
        y > 0 &&
        z > 0 &&
        withinFactor(x, y, MAX_AMPLITUDE_FACTOR) &&
        withinFactor(y, z, MAX_AMPLITUDE_FACTOR)
      )
        apq3Shimmer.push(Math.abs(y - (x + y + z) / 3));
    }
  }
  const meanPeriod = mean(allPeriods);
  const meanAmplitude = mean(allAmplitudes);
  return {
    jitterLocal: mean(localJitter) / meanPeriod,
    jitterRap: mean(rapJitter) / meanPeriod,
    shimmerLocal: mean(localShimmer) / meanAmplitude,
    shimmerApq3: mean(apq3Shimmer) / meanAmplitude,
    periods: allPeriods.length,
  };
}
