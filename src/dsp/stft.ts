/**
 * Short-time Fourier transform with the conventions of librosa and torch: optional centring with
 * reflect, constant or edge padding, a window shorter than the FFT centred inside it, and frames
 * visited one at a time so that callers reduce each spectrum at once instead of storing them all.
 */
import { RealFft } from './fft.js';
import { createWindow, type WindowName } from './window.js';

export type PadMode = 'reflect' | 'constant' | 'edge';

export interface StftOptions {
  nFft: number;
  hopLength: number;
  /** Window length; shorter windows are centred in the FFT frame. Default: `nFft`. */
  winLength?: number;
  /** A window name (periodic form) or the window's values. Default: Hann. */
  window?: WindowName | Float64Array;
  /** Pad `nFft / 2` samples on both sides so that frame t is centred on sample t·hop. Default true. */
  center?: boolean;
  padMode?: PadMode;
}

/** Index into a signal of length n reflected about its ends without repeating them (numpy "reflect"). */
function reflectIndex(index: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let i = index % period;
  if (i < 0) i += period;
  return i < n ? i : period - i;
}

/** The signal with the padding `center` asks for. */
export function padSignal(samples: Float32Array, padding: number, mode: PadMode): Float32Array {
  const n = samples.length;
  const padded = new Float32Array(n + 2 * padding);
  padded.set(samples, padding);
  if (n === 0) return padded;
  for (let i = 0; i < padding; i++) {
    let before: number;
    let after: number;
    if (mode === 'reflect') {
      before = samples[reflectIndex(-padding + i, n)] as number;
      after = samples[reflectIndex(n + i, n)] as number;
    } else if (mode === 'edge') {
      before = samples[0] as number;
      after = samples[n - 1] as number;
    } else {
      before = 0;
      after = 0;
    }
    padded[i] = before;
    padded[padding + n + i] = after;
  }
  return padded;
}

function resolveWindow(options: StftOptions): Float64Array {
  const winLength = options.winLength ?? options.nFft;
  const window = options.window ?? 'hann';
  const values = typeof window === 'string' ? createWindow(window, winLength) : window;
  if (values.length > options.nFft)
    throw new RangeError(`Window length ${values.length} exceeds nFft ${options.nFft}`);
  if (values.length === options.nFft) return values;
  const centred = new Float64Array(options.nFft);
  centred.set(values, Math.floor((options.nFft - values.length) / 2));
  return centred;
}

/** Number of frames `forEachSpectrum` visits for a signal of `length` samples. */
export function stftFrameCount(length: number, options: StftOptions): number {
  const padded = (options.center ?? true) ? length + 2 * Math.floor(options.nFft / 2) : length;
  return padded < options.nFft ? 0 : 1 + Math.floor((padded - options.nFft) / options.hopLength);
}

/**
 * Calls `visit(frame, re, im)` with bins 0…nFft/2 of each frame's spectrum. The arrays are reused
 * between calls; copy what must outlive the call.
 */
export function forEachSpectrum(
  samples: Float32Array,
  options: StftOptions,
  visit: (frame: number, re: Float64Array, im: Float64Array) => void,
): number {
  const { nFft, hopLength } = options;
  const signal =
    (options.center ?? true)
      ? padSignal(samples, Math.floor(nFft / 2), options.padMode ?? 'reflect')
      : samples;
  const frames = stftFrameCount(samples.length, options);
  const window = resolveWindow(options);
  const fft = new RealFft(nFft);
  const frame = new Float64Array(nFft);
  const re = new Float64Array(nFft / 2 + 1);
  const im = new Float64Array(nFft / 2 + 1);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    for (let i = 0; i < nFft; i++) frame[i] = (signal[start + i] as number) * (window[i] as number);
    fft.forward(frame, re, im);
    visit(t, re, im);
  }
  return frames;
}

export interface Spectrogram {
  /** Frame-major values: `data[frame * bins + bin]`. */
  data: Float32Array;
  frames: number;
  bins: number;
}

/** |STFT|^power for every frame (power 2 gives the power spectrum, 1 the magnitude). */
export function spectrogram(
  samples: Float32Array,
  options: StftOptions & { power?: number },
): Spectrogram {
  const bins = Math.floor(options.nFft / 2) + 1;
  const frames = stftFrameCount(samples.length, options);
  const data = new Float32Array(frames * bins);
  const power = options.power ?? 2;
  forEachSpectrum(samples, options, (t, re, im) => {
    for (let k = 0; k < bins; k++) {
      const squared = (re[k] as number) ** 2 + (im[k] as number) ** 2;
      data[t * bins + k] = power === 2 ? squared : squared ** (power / 2);
    }
  });
  return { data, frames, bins };
}

/** A complex STFT, frame-major: bin k of frame t is `(re, im)[t * bins + k]`. */
export interface ComplexSpectrogram {
  re: Float32Array;
  im: Float32Array;
  frames: number;
  bins: number;
}

/** The complex STFT of every frame (librosa `stft` / `torch.stft` with `onesided`). */
export function stft(samples: Float32Array, options: StftOptions): ComplexSpectrogram {
  const bins = Math.floor(options.nFft / 2) + 1;
  const frames = stftFrameCount(samples.length, options);
  const re = new Float32Array(frames * bins);
  const im = new Float32Array(frames * bins);
  forEachSpectrum(samples, options, (t, frameRe, frameIm) => {
    re.set(frameRe.subarray(0, bins), t * bins);
    im.set(frameIm.subarray(0, bins), t * bins);
  });
  return { re, im, frames, bins };
}
