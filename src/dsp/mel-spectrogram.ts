/**
 * Mel spectrograms with librosa's conventions (`librosa.feature.melspectrogram`): a centred STFT
 * (zero padding by default, as librosa ≥ 0.10), |X|^power, and a Slaney or HTK mel filter bank.
 * The Whisper log-mel runs on the same STFT and filter bank code.
 */
import type { FeatureMatrix } from './matrix.js';
import { MelFilterBank, type MelScale } from './mel.js';
import { forEachSpectrum, type PadMode, type StftOptions, stftFrameCount } from './stft.js';
import {
  evenInteger,
  finiteSamples,
  invalidParameter,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from './validate.js';
import type { WindowName } from './window.js';

export interface SpectrumOptions {
  sampleRate: number;
  /** FFT size (even). Default 2048. */
  nFft?: number;
  /** Default `winLength / 4`. */
  hopLength?: number;
  /** Default `nFft`. */
  winLength?: number;
  /** Default Hann (periodic). */
  window?: WindowName | Float64Array;
  /** Default true. */
  center?: boolean;
  /** Padding used when centring. Default `'constant'` (zeros), as librosa ≥ 0.10. */
  padMode?: PadMode;
}

export interface MelSpectrogramOptions extends SpectrumOptions {
  /** Exponent of the magnitude: 2 for power (default), 1 for magnitude. */
  power?: number;
  /** Default 128. */
  nMels?: number;
  /** Default 0. */
  fMin?: number;
  /** Default `sampleRate / 2`. */
  fMax?: number;
  /** Default `'slaney'`. */
  scale?: MelScale;
  /** Default `'slaney'` (unit-area triangles); `null` keeps unit peaks. */
  norm?: 'slaney' | null;
}

/** Fills in librosa's defaults and checks every value. */
export function resolveStftOptions(options: SpectrumOptions): StftOptions & { sampleRate: number } {
  const sampleRate = positiveNumber('sampleRate', options.sampleRate);
  const nFft = evenInteger('nFft', options.nFft ?? 2048);
  const winLength = positiveInteger('winLength', options.winLength ?? nFft);
  if (winLength > nFft) invalidParameter('winLength', `at most nFft (${nFft})`, winLength);
  const hopLength = positiveInteger('hopLength', options.hopLength ?? Math.floor(winLength / 4));
  return {
    sampleRate,
    nFft,
    hopLength,
    winLength,
    window: options.window ?? 'hann',
    center: options.center ?? true,
    padMode: options.padMode ?? 'constant',
  };
}

/** The mel filter bank `melSpectrogram` uses for these options. */
export function melFilterBankFor(options: MelSpectrogramOptions): MelFilterBank {
  const sampleRate = positiveNumber('sampleRate', options.sampleRate);
  const fMin = nonNegativeNumber('fMin', options.fMin ?? 0);
  const fMax = positiveNumber('fMax', options.fMax ?? sampleRate / 2);
  if (fMin >= fMax) invalidParameter('fMin', `below fMax (${fMax})`, fMin);
  return new MelFilterBank({
    sampleRate,
    nFft: evenInteger('nFft', options.nFft ?? 2048),
    nMels: positiveInteger('nMels', options.nMels ?? 128),
    fMin,
    fMax,
    scale: options.scale ?? 'slaney',
    norm: options.norm === undefined ? 'slaney' : options.norm,
  });
}

/** Mel spectrogram, frame-major (`frames × nMels`), as `librosa.feature.melspectrogram`. */
export function melSpectrogram(
  samples: Float32Array,
  options: MelSpectrogramOptions,
): FeatureMatrix {
  finiteSamples(samples);
  const stftOptions = resolveStftOptions(options);
  const bank = melFilterBankFor(options);
  const power = positiveNumber('power', options.power ?? 2);
  const frames = stftFrameCount(samples.length, stftOptions);
  const data = new Float32Array(frames * bank.nMels);
  const spectrum = new Float64Array(bank.nBins);
  const mel = new Float64Array(bank.nMels);
  forEachSpectrum(samples, stftOptions, (t, re, im) => {
    for (let k = 0; k < spectrum.length; k++) {
      const squared = (re[k] as number) ** 2 + (im[k] as number) ** 2;
      spectrum[k] = power === 2 ? squared : squared ** (power / 2);
    }
    bank.apply(spectrum, mel);
    data.set(mel, t * bank.nMels);
  });
  return { data, frames, size: bank.nMels };
}
