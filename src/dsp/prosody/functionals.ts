/**
 * Utterance functionals in the spirit of eGeMAPS (Eyben et al. 2016): for pitch (in semitones
 * from 27.5 Hz, and in Hz) and loudness the mean, coefficient of variation, 20th/50th/80th
 * percentiles, the 20–80 range and the mean and spread of rising and falling slopes; means and
 * variation of voice quality, formants and spectral shape over voiced frames; and the temporal
 * ones: voiced and unvoiced segment lengths, segments per second, speaking rate.
 */
import type { Perturbation } from '../voice-quality/perturbation.js';
import type { SpeakingRate } from '../voice-quality/speaking-rate.js';
import {
  coefficientOfVariation,
  mean,
  percentile,
  runLengths,
  slopes,
  stddev,
} from './statistics.js';

export interface ContourFunctionals {
  mean: number;
  stddev: number;
  /**
   * Standard deviation over mean. For loudness, whose LUFS have no meaningful zero, it is taken
   * on the sone-like scale 2^(LUFS/10) (perceived loudness doubles every 10 LU), where the
   * reference level cancels out.
   */
  cov: number;
  p20: number;
  p50: number;
  p80: number;
  /** p80 − p20. */
  range2080: number;
  /** Units per second. */
  risingSlopeMean: number;
  risingSlopeStddev: number;
  /** Units per second, as positive numbers. */
  fallingSlopeMean: number;
  fallingSlopeStddev: number;
}

export interface Spread {
  mean: number;
  stddev: number;
  cov: number;
}

export interface ProsodyFunctionals {
  /** f0 in semitones above 27.5 Hz, voiced frames. */
  f0Semitones: ContourFunctionals;
  /** f0 in Hz, voiced frames. */
  f0Hz: ContourFunctionals;
  /** Loudness in LUFS, all frames. */
  loudness: ContourFunctionals;
  /** RMS level of the whole input, dBFS (eGeMAPS' equivalent sound level). */
  equivalentSoundLevelDb: number;
  hnrDb: Spread;
  jitterLocal: number;
  jitterRap: number;
  shimmerLocal: number;
  shimmerApq3: number;
  /** Hz, voiced frames. */
  f1: Spread;
  f2: Spread;
  f3: Spread;
  spectralCentroid: Spread;
  spectralFlux: Spread;
  /** Fraction of frames that are voiced. */
  voicedFraction: number;
  voicedSegmentsPerSecond: number;
  voicedSegmentMeanS: number;
  voicedSegmentStddevS: number;
  /** Unvoiced stretches between voiced ones (leading and trailing silence left out). */
  unvoicedSegmentMeanS: number;
  unvoicedSegmentStddevS: number;
  syllables: number;
  /** Syllables per second over the whole input. */
  speechRate: number;
  /** Syllables per second of phonation. */
  articulationRate: number;
  pauses: number;
}

export function contourFunctionals(
  values: Float64Array,
  stepS: number,
  covScale: (value: number) => number = (value) => value,
): ContourFunctionals {
  const { rising, falling } = slopes(values, stepS);
  const p20 = percentile(values, 0.2);
  const p80 = percentile(values, 0.8);
  return {
    mean: mean(values),
    stddev: stddev(values),
    cov: coefficientOfVariation(values.map(covScale)),
    p20,
    p50: percentile(values, 0.5),
    p80,
    range2080: p80 - p20,
    risingSlopeMean: mean(rising),
    risingSlopeStddev: stddev(rising),
    fallingSlopeMean: mean(falling),
    fallingSlopeStddev: stddev(falling),
  };
}

export function spread(values: ArrayLike<number>): Spread {
  return { mean: mean(values), stddev: stddev(values), cov: coefficientOfVariation(values) };
}

export interface FunctionalInputs {
  stepS: number;
  durationS: number;
  f0: Float64Array;
  voiced: Uint8Array;
  loudness: Float64Array;
  hnr: Float64Array;
  f1: Float64Array;
  f2: Float64Array;
  f3: Float64Array;
  spectralCentroid: Float64Array;
  spectralFlux: Float64Array;
  perturbation: Perturbation;
  rate: SpeakingRate;
  equivalentSoundLevelDb: number;
}

/** Keeps the values of voiced frames, NaN elsewhere. */
function voicedOnly(values: Float64Array, voiced: Uint8Array): Float64Array {
  return values.map((value, t) => (voiced[t] ? value : Number.NaN));
}

export function prosodyFunctionals(input: FunctionalInputs): ProsodyFunctionals {
  const { stepS, voiced } = input;
  const semitones = input.f0.map((f0) => 12 * Math.log2(f0 / 27.5));
  const runs = runLengths(voiced);
  const seconds = (frames: number[]) => frames.map((count) => count * stepS);
  const frameCount = voiced.length;
  return {
    f0Semitones: contourFunctionals(semitones, stepS),
    f0Hz: contourFunctionals(input.f0, stepS),
    loudness: contourFunctionals(input.loudness, stepS, (lufs) => 2 ** (lufs / 10)),
    equivalentSoundLevelDb: input.equivalentSoundLevelDb,
    hnrDb: spread(input.hnr),
    jitterLocal: input.perturbation.jitterLocal,
    jitterRap: input.perturbation.jitterRap,
    shimmerLocal: input.perturbation.shimmerLocal,
    shimmerApq3: input.perturbation.shimmerApq3,
    f1: spread(input.f1),
    f2: spread(input.f2),
    f3: spread(input.f3),
    spectralCentroid: spread(voicedOnly(input.spectralCentroid, voiced)),
    spectralFlux: spread(voicedOnly(input.spectralFlux, voiced)),
    voicedFraction:
      frameCount > 0 ? runs.on.reduce((sum, n) => sum + n, 0) / frameCount : Number.NaN,
    voicedSegmentsPerSecond: input.durationS > 0 ? runs.on.length / input.durationS : Number.NaN,
    voicedSegmentMeanS: mean(seconds(runs.on)),
    voicedSegmentStddevS: stddev(seconds(runs.on)),
    unvoicedSegmentMeanS: mean(seconds(runs.between)),
    unvoicedSegmentStddevS: stddev(seconds(runs.between)),
    syllables: input.rate.syllables,
    speechRate: input.rate.speechRate,
    articulationRate: input.rate.articulationRate,
    pauses: input.rate.pauses,
  };
}
