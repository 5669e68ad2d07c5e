/**
 * Whisper's log-mel front-end, equal to OpenAI's `whisper/audio.py`: periodic Hann window of 400,
 * hop 160, centred STFT with reflect padding, last frame dropped, |X|², Slaney mel filters over
 * 0–8 kHz, log10 clamped at 1e-10, floored at (max − 8), then (x + 4) / 4.
 */
import { MelFilterBank } from './mel.js';
import { forEachSpectrum, type StftOptions, stftFrameCount } from './stft.js';

export const WHISPER_SAMPLE_RATE = 16_000;
export const WHISPER_N_FFT = 400;
export const WHISPER_HOP_LENGTH = 160;
export const WHISPER_CHUNK_SECONDS = 30;
/** Samples in one 30-second window. */
export const WHISPER_N_SAMPLES = WHISPER_CHUNK_SECONDS * WHISPER_SAMPLE_RATE;
/** Mel frames in one 30-second window. */
export const WHISPER_N_FRAMES = WHISPER_N_SAMPLES / WHISPER_HOP_LENGTH;

/** Mel-major log-mel features: `data[mel * nFrames + frame]`, the layout Whisper's encoder takes. */
export interface MelSpectrogram {
  data: Float32Array;
  nMels: number;
  nFrames: number;
}

export interface LogMelOptions {
  /** 80 for Whisper up to large-v2, 128 for large-v3. Default 80. */
  nMels?: 80 | 128;
  /** Zero samples appended before the transform (`transcribe.py` appends 30 s). Default 0. */
  padding?: number;
}

const STFT: StftOptions = {
  nFft: WHISPER_N_FFT,
  hopLength: WHISPER_HOP_LENGTH,
  window: 'hann',
  center: true,
  padMode: 'reflect',
};

const banks = new Map<number, MelFilterBank>();

/** Whisper's mel filters (librosa Slaney filters for 16 kHz, n_fft 400), built once per size. */
export function whisperMelFilters(nMels: 80 | 128): MelFilterBank {
  let bank = banks.get(nMels);
  if (!bank) {
    bank = new MelFilterBank({
      sampleRate: WHISPER_SAMPLE_RATE,
      nFft: WHISPER_N_FFT,
      nMels,
      scale: 'slaney',
      norm: 'slaney',
    });
    banks.set(nMels, bank);
  }
  return bank;
}

/** log10 of the mel energies of every frame but the last, mel-major, and their maximum. */
function log10Mel(samples: Float32Array, nMels: 80 | 128): MelSpectrogram & { max: number } {
  const bank = whisperMelFilters(nMels);
  const nFrames = Math.max(0, stftFrameCount(samples.length, STFT) - 1);
  const data = new Float32Array(nMels * nFrames);
  const power = new Float64Array(bank.nBins);
  const mel = new Float64Array(nMels);
  let max = Number.NEGATIVE_INFINITY;
  forEachSpectrum(samples, STFT, (t, re, im) => {
    if (t >= nFrames) return; // the last frame is dropped, as in audio.py
    for (let k = 0; k < power.length; k++)
      power[k] = (re[k] as number) ** 2 + (im[k] as number) ** 2;
    bank.apply(power, mel);
    for (let m = 0; m < nMels; m++) {
      const value = Math.log10(Math.max(mel[m] as number, 1e-10));
      data[m * nFrames + t] = value;
      if (value > max) max = value;
    }
  });
  return { data, nMels, nFrames, max };
}

function normalise(data: Float32Array, max: number): void {
  const floor = max - 8;
  for (let i = 0; i < data.length; i++) data[i] = (Math.max(data[i] as number, floor) + 4) / 4;
}

/**
 * Log-mel spectrogram of 16 kHz mono samples, normalised with one maximum over the whole input as
 * OpenAI's `log_mel_spectrogram` does (this is what long-form transcription uses).
 */
export function logMelSpectrogram(
  samples: Float32Array,
  options: LogMelOptions = {},
): MelSpectrogram {
  const nMels = options.nMels ?? 80;
  const padding = options.padding ?? 0;
  let input = samples;
  if (padding > 0) {
    input = new Float32Array(samples.length + padding);
    input.set(samples);
  }
  const { data, nFrames, max } = log10Mel(input, nMels);
  normalise(data, max);
  return { data, nMels, nFrames };
}

/**
 * The Hugging Face `WhisperFeatureExtractor` variant: the input is cut into 30-second windows, each
 * zero-padded to 30 s and normalised with its own maximum; every window gives `nMels × 3000`.
 */
export function logMelWindows(
  samples: Float32Array,
  options: Pick<LogMelOptions, 'nMels'> = {},
): MelSpectrogram[] {
  const nMels = options.nMels ?? 80;
  const windows: MelSpectrogram[] = [];
  const count = Math.max(1, Math.ceil(samples.length / WHISPER_N_SAMPLES));
  for (let w = 0; w < count; w++) {
    const window = new Float32Array(WHISPER_N_SAMPLES);
    window.set(samples.subarray(w * WHISPER_N_SAMPLES, (w + 1) * WHISPER_N_SAMPLES));
    const { data, nFrames, max } = log10Mel(window, nMels);
    normalise(data, max);
    windows.push({ data, nMels, nFrames });
  }
  return windows;
}
