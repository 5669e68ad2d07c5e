/**
 * `analyzeProsody`: per-frame tracks of pitch, voicing, loudness, voice quality, formants and
 * spectral shape on one time grid, and utterance functionals in the spirit of eGeMAPS.
 *
 * Pitch is pYIN with librosa's defaults (frames of 2048 samples at 22050 Hz scaled to the rate,
 * hop a quarter of that: 23.2 ms). pYIN's frame t describes the signal about frameLength/4
 * before its nominal centre, so it runs on the signal advanced by that much: every track's frame
 * t then describes the time t·hop. Loudness, level and spectral features use a window about as
 * long as pYIN's integration window (half its frame), centred on the same times. Frames more
 * than 30 dB below the loudest (99th percentile) count as silence, not voiced speech.
 */

import { frameFeatures } from '../features/frame.js';
import { fastFftLength } from '../fft.js';
import { rmsDbfs } from '../loudness.js';
import { resolvePitchFrames } from '../pitch/frames.js';
import { pyin } from '../pitch/pyin.js';
import { finiteSamples } from '../validate.js';
import { formantTracks } from '../voice-quality/formants.js';
import { harmonicsToNoise } from '../voice-quality/hnr.js';
import { perturbation } from '../voice-quality/perturbation.js';
import { glottalPulses } from '../voice-quality/pulses.js';
import { speakingRate } from '../voice-quality/speaking-rate.js';
import { type ProsodyFunctionals, prosodyFunctionals } from './functionals.js';
import { percentile } from './statistics.js';

export interface ProsodyOptions {
  sampleRate: number;
  /** Pitch range, Hz. Default 50–600. */
  fmin?: number;
  fmax?: number;
  /** Highest formant looked for, Hz. Default 5500. */
  maxFormantHz?: number;
  /**
   * Frames quieter than the 99th percentile of loudness plus this (dB) are silence, never voiced
   * speech, whatever their periodicity (mains hum is periodic). Default −30; null turns it off.
   */
  silenceDb?: number | null;
}

/** Per-frame tracks; frame t describes time `times[t]`. */
export interface ProsodyTracks {
  /** Seconds. */
  times: Float64Array;
  /** Hz; NaN where unvoiced. */
  f0: Float64Array;
  /** 1 where voiced. */
  voiced: Uint8Array;
  voicedProbability: Float64Array;
  /** K-weighted level, LUFS (floored at −120). */
  loudness: Float64Array;
  /** RMS level, dBFS (floored at −120). */
  rmsDb: Float64Array;
  /** Harmonics-to-noise ratio, dB; NaN where unvoiced. */
  hnr: Float64Array;
  /** Formant frequencies, Hz; NaN where unvoiced or not found. */
  f1: Float64Array;
  f2: Float64Array;
  f3: Float64Array;
  /** Hz. */
  spectralCentroid: Float64Array;
  spectralFlux: Float64Array;
  zeroCrossingRate: Float64Array;
}

export interface ProsodyAnalysis {
  sampleRate: number;
  durationS: number;
  /** Seconds between frames. */
  hopS: number;
  tracks: ProsodyTracks;
  functionals: ProsodyFunctionals;
  /** Glottal pulse times, seconds (the cycles jitter and shimmer are measured on). */
  pulses: Float64Array;
  /** Syllable nucleus times, seconds. */
  syllableNuclei: Float64Array;
}

export function analyzeProsody(samples: Float32Array, options: ProsodyOptions): ProsodyAnalysis {
  finiteSamples(samples);
  const frames = resolvePitchFrames(options);
  const { sampleRate, hopLength, frameLength, winLength } = frames;
  const lead = Math.floor(frameLength / 4);
  const advanced = new Float32Array(samples.length);
  advanced.set(samples.subarray(Math.min(lead, samples.length)));
  const pitch = pyin(advanced, {
    sampleRate,
    fmin: frames.fmin,
    fmax: frames.fmax,
    frameLength,
    hopLength,
  });
  const features = frameFeatures(samples, {
    sampleRate,
    // About pYIN's integration window, at a length the FFT handles fast.
    frameLength: fastFftLength(winLength),
    hopLength,
  });
  const count = Math.min(pitch.f0.length, features.times.length);
  const times = features.times.slice(0, count);
  const f0 = pitch.f0.slice(0, count);
  const voiced = pitch.voicedFlag.slice(0, count);
  const loudness = features.loudness.slice(0, count);
  const silenceDb = options.silenceDb === undefined ? -30 : options.silenceDb;
  if (silenceDb !== null) {
    const floor = percentile(loudness, 0.99) + silenceDb;
    for (let t = 0; t < count; t++) {
      if ((loudness[t] as number) < floor) {
        voiced[t] = 0;
        f0[t] = Number.NaN;
      }
    }
  }
  const contour = { f0, times };
  const formants = formantTracks(
    samples,
    sampleRate,
    times,
    options.maxFormantHz === undefined ? {} : { maxFormantHz: options.maxFormantHz },
    (t) => voiced[t] === 1,
  );
  const pulses = glottalPulses(samples, sampleRate, contour);
  const rate = speakingRate(samples, sampleRate, { fmin: frames.fmin, fmax: frames.fmax });
  const tracks: ProsodyTracks = {
    times,
    f0,
    voiced,
    voicedProbability: pitch.voicedProbability.slice(0, count),
    loudness,
    rmsDb: features.rms.slice(0, count).map((rms) => Math.max(-120, 20 * Math.log10(rms))),
    hnr: harmonicsToNoise(samples, sampleRate, contour),
    f1: formants.f1,
    f2: formants.f2,
    f3: formants.f3,
    spectralCentroid: features.centroid.slice(0, count),
    spectralFlux: features.flux.slice(0, count),
    zeroCrossingRate: features.zcr.slice(0, count),
  };
  const durationS = samples.length / sampleRate;
  const level = samples.length > 0 ? rmsDbfs(samples) : Number.NaN;
  const functionals = prosodyFunctionals({
    stepS: hopLength / sampleRate,
    durationS,
    f0,
    voiced,
    loudness: tracks.loudness,
    hnr: tracks.hnr,
    f1: tracks.f1,
    f2: tracks.f2,
    f3: tracks.f3,
    spectralCentroid: tracks.spectralCentroid,
    spectralFlux: tracks.spectralFlux,
    perturbation: perturbation(pulses),
    rate,
    equivalentSoundLevelDb: Number.isFinite(level) ? level : Number.NaN,
  });
  return {
    sampleRate,
    durationS,
    hopS: hopLength / sampleRate,
    tracks,
    functionals,
    pulses: pulses.times,
    syllableNuclei: rate.nuclei,
  };
}
