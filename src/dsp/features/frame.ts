/**
 * Frame-level features with librosa's definitions and defaults (frames of 2048, hop 512,
 * centred): RMS energy (`feature.rms`, zero padding), zero-crossing rate
 * (`feature.zero_crossing_rate`, edge padding, |x| ≤ 1e-10 counts as zero), and from the Hann
 * STFT magnitude: spectral centroid, bandwidth (p = 2), roll-off (85 %) and flatness (of the
 * power, amin 1e-10). Two more: spectral flux, the squared distance between consecutive
 * L2-normalised magnitude spectra (0 = same shape, 2 = no common energy; level-independent, 0
 * for the first frame), and loudness, the BS.1770 K-weighted level of each frame in LUFS
 * (ungated; floored at −120).
 */
import { kWeighted } from '../loudness.js';
import { resolveStftOptions } from '../mel-spectrogram.js';
import { forEachSpectrum, stftFrameCount } from '../stft.js';
import { finiteSamples, numberInRange } from '../validate.js';
import type { WindowName } from '../window.js';

export interface FrameFeatureOptions {
  sampleRate: number;
  /** Frame and FFT length (even). Default 2048. */
  frameLength?: number;
  /** Default 512. */
  hopLength?: number;
  /** Frames centred on t·hop (default true). */
  center?: boolean;
  /** Window of the STFT for the spectral features. Default Hann. */
  window?: WindowName;
  /** Fraction of the spectral magnitude below the roll-off frequency. Default 0.85. */
  rollPercent?: number;
}

export interface FrameFeatures {
  /** Centre of each frame, seconds. */
  times: Float64Array;
  rms: Float64Array;
  /** Zero crossings per sample, 0…1. */
  zcr: Float64Array;
  /** Hz. */
  centroid: Float64Array;
  /** Hz. */
  bandwidth: Float64Array;
  /** Hz. */
  rolloff: Float64Array;
  /** Geometric over arithmetic mean of the power spectrum, 0…1 (1 for white noise). */
  flatness: Float64Array;
  flux: Float64Array;
  /** LUFS. */
  loudness: Float64Array;
  sampleRate: number;
  frameLength: number;
  hopLength: number;
}

const TINY = 2.2250738585072014e-308;
const LOUDNESS_FLOOR = -120;

/** Every frame feature in one pass over the signal. */
export function frameFeatures(samples: Float32Array, options: FrameFeatureOptions): FrameFeatures {
  finiteSamples(samples);
  const stftOptions = resolveStftOptions({
    sampleRate: options.sampleRate,
    nFft: options.frameLength ?? 2048,
    hopLength: options.hopLength ?? 512,
    center: options.center ?? true,
    window: options.window ?? 'hann',
    padMode: 'constant',
  });
  const { sampleRate, nFft: frameLength, hopLength } = stftOptions;
  const rollPercent = numberInRange('rollPercent', options.rollPercent ?? 0.85, 0, 1);
  const center = stftOptions.center ?? true;
  const frames = stftFrameCount(samples.length, stftOptions);
  const offset = center ? Math.floor(frameLength / 2) : 0;
  const n = samples.length;
  const weighted = kWeighted(samples, sampleRate);
  const result: FrameFeatures = {
    times: Float64Array.from(
      { length: frames },
      (_, t) => (t * hopLength + (center ? 0 : frameLength / 2)) / sampleRate,
    ),
    rms: new Float64Array(frames),
    zcr: new Float64Array(frames),
    centroid: new Float64Array(frames),
    bandwidth: new Float64Array(frames),
    rolloff: new Float64Array(frames),
    flatness: new Float64Array(frames),
    flux: new Float64Array(frames),
    loudness: new Float64Array(frames),
    sampleRate,
    frameLength,
    hopLength,
  };
  // Sign bit per sample (|x| ≤ 1e-10 counts as zero, hence positive), and whether it changes
  // from the previous sample; the edge padding repeats the end samples, so it adds no changes.
  const changes = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    const a = samples[i - 1] as number;
    const b = samples[i] as number;
    changes[i] = a < -1e-10 !== b < -1e-10 ? 1 : 0;
  }
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength - offset;
    let energy = 0;
    let weightedEnergy = 0;
    const from = Math.max(0, start);
    const to = Math.min(n, start + frameLength);
    for (let i = from; i < to; i++) {
      energy += (samples[i] as number) ** 2;
      weightedEnergy += (weighted[i] as number) ** 2;
    }
    result.rms[t] = Math.sqrt(energy / frameLength);
    const meanSquare = weightedEnergy / frameLength;
    result.loudness[t] =
      meanSquare > 0
        ? Math.max(LOUDNESS_FLOOR, -0.691 + 10 * Math.log10(meanSquare))
        : LOUDNESS_FLOOR;
    // Zero crossings over the edge-padded frame; its first sample has no predecessor.
    let crossings = 0;
    const last = Math.min(n - 1, start + frameLength - 1);
    for (let i = Math.max(1, start + 1); i <= last; i++) crossings += changes[i] as number;
    result.zcr[t] = crossings / frameLength;
  }

  const bins = frameLength / 2 + 1;
  const binHz = sampleRate / frameLength;
  const magnitude = new Float64Array(bins);
  const previousUnit = new Float64Array(bins);
  forEachSpectrum(samples, stftOptions, (t, re, im) => {
    // One pass for the sums every feature needs. Σ log(power) is taken as the log of running
    // products of the floored powers, logged whenever they leave 1e±200: the same sum with a
    // small fraction of the logarithms.
    let sum = 0;
    let weighted = 0;
    let weightedSquare = 0;
    let squares = 0;
    let logPower = 0;
    let meanPower = 0;
    let product = 1;
    for (let k = 0; k < bins; k++) {
      const power = (re[k] as number) ** 2 + (im[k] as number) ** 2;
      const value = Math.sqrt(power);
      const frequency = k * binHz;
      magnitude[k] = value;
      sum += value;
      weighted += value * frequency;
      weightedSquare += value * frequency * frequency;
      squares += power;
      const floored = Math.max(power, 1e-10);
      meanPower += floored;
      product *= floored;
      if (product < 1e-200 || product > 1e200) {
        logPower += Math.log(product);
        product = 1;
      }
    }
    logPower += Math.log(product);
    const norm = sum < TINY ? 1 : sum;
    const centroid = weighted / norm;
    // Σ p(f − c)² expanded; p sums to 1 unless the frame is silent (then everything is 0).
    const spread = Math.max(
      0,
      weightedSquare / norm - 2 * centroid * (weighted / norm) + centroid * centroid * (sum / norm),
    );
    const threshold = rollPercent * sum;
    let cumulative = 0;
    let rolloff = 0;
    for (let k = 0; k < bins; k++) {
      cumulative += magnitude[k] as number;
      if (cumulative >= threshold) {
        rolloff = k * binHz;
        break;
      }
    }
    const length = Math.sqrt(squares);
    const scale = length > 0 ? 1 / length : 0;
    let flux = 0;
    for (let k = 0; k < bins; k++) {
      const unit = (magnitude[k] as number) * scale;
      const change = unit - (previousUnit[k] as number);
      flux += change * change;
      previousUnit[k] = unit;
    }
    result.centroid[t] = centroid;
    result.bandwidth[t] = Math.sqrt(spread);
    result.rolloff[t] = rolloff;
    result.flatness[t] = Math.exp(logPower / bins) / (meanPower / bins);
    result.flux[t] = t === 0 ? 0 : flux;
  });
  return result;
}
