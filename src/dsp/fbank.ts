/**
 * Kaldi-compatible log mel filter bank features (`compute-fbank-feats`, and
 * `torchaudio.compliance.kaldi.fbank`), which speaker-embedding models are trained on. Per frame:
 * optional dither, DC removal, raw log energy, pre-emphasis, window (Povey by default), zero
 * padding to a power of two, |X|², Kaldi's mel bank (triangles in mel, 1127·ln(1 + f/700)),
 * log floored at float32 epsilon. Computed in double precision.
 */
import { RealFft } from './fft.js';
import type { FeatureMatrix } from './matrix.js';
import { MelFilterBank } from './mel.js';
import {
  finiteSamples,
  invalidParameter,
  nonNegativeNumber,
  numberInRange,
  positiveInteger,
  positiveNumber,
} from './validate.js';
import { createWindow } from './window.js';

export type KaldiWindow = 'povey' | 'hamming' | 'hanning' | 'rectangular' | 'blackman';

export interface KaldiFbankOptions {
  /** Default 16000. Kaldi reads 16-bit integers: multiply [−1, 1] samples by 32768 to match it. */
  sampleRate?: number;
  /** Default 25. */
  frameLengthMs?: number;
  /** Default 10. */
  frameShiftMs?: number;
  /** Gaussian dither amplitude. Default 0 (off, as for inference). */
  dither?: number;
  /** Seed of the dither noise, so runs are repeatable. */
  ditherSeed?: number;
  /** Default 0.97. */
  preemphasisCoefficient?: number;
  /** Default true. */
  removeDcOffset?: boolean;
  /** Default `'povey'`. */
  windowType?: KaldiWindow;
  /** Default 0.42. */
  blackmanCoeff?: number;
  /** Zero-pad frames to the next power of two. Default true. */
  roundToPowerOfTwo?: boolean;
  /** Only frames that fit entirely in the signal (default true); false centres frames as Kaldi. */
  snipEdges?: boolean;
  /** Default 23 (Kaldi); speaker models use 80. */
  numMelBins?: number;
  /** Default 20 Hz. */
  lowFreq?: number;
  /** Upper edge; ≤ 0 means that much below Nyquist. Default 0 (Nyquist). */
  highFreq?: number;
  /** Power (default) or magnitude spectrum. */
  usePower?: boolean;
  /** Log of the mel energies (default true). */
  useLogFbank?: boolean;
  /** Prepend the frame's log energy as column 0. Default false. */
  useEnergy?: boolean;
  /** Log energy from before pre-emphasis and windowing (default true), else after. */
  rawEnergy?: boolean;
  /** Floor of the energy (not its log) when `useEnergy`; 0 (default) for none. */
  energyFloor?: number;
}

/** Kaldi's mel scale. */
export function kaldiMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

const FLOAT_EPSILON = 2 ** -23;

function frameSamples(sampleRate: number, milliseconds: number): number {
  // Kaldi truncates; the tiny nudge keeps 16000·0.001·25 = 400.00000000000006 at 400.
  return Math.floor(sampleRate * 0.001 * milliseconds + 1e-9);
}

/** Kaldi's mel filters over FFT bins 0…paddedLength/2 (the Nyquist bin gets no weight). */
export function kaldiMelBank(
  numBins: number,
  paddedLength: number,
  sampleRate: number,
  lowFreq: number,
  highFreq: number,
): MelFilterBank {
  const nyquist = sampleRate / 2;
  const high = highFreq > 0 ? highFreq : nyquist + highFreq;
  if (!(lowFreq >= 0 && lowFreq < nyquist && high > 0 && high <= nyquist && lowFreq < high)) {
    invalidParameter(
      'lowFreq/highFreq',
      `0 ≤ lowFreq < highFreq ≤ ${nyquist}`,
      `${lowFreq}/${high}`,
    );
  }
  const nBins = paddedLength / 2 + 1;
  const binWidth = sampleRate / paddedLength;
  const melLow = kaldiMel(lowFreq);
  const melHigh = kaldiMel(high);
  const delta = (melHigh - melLow) / (numBins + 1);
  const weights = new Float64Array(numBins * nBins);
  for (let b = 0; b < numBins; b++) {
    const left = melLow + b * delta;
    const centre = melLow + (b + 1) * delta;
    const right = melLow + (b + 2) * delta;
    for (let i = 0; i < paddedLength / 2; i++) {
      const mel = kaldiMel(binWidth * i);
      if (mel > left && mel < right) {
        weights[b * nBins + i] =
          mel <= centre ? (mel - left) / (centre - left) : (right - mel) / (right - centre);
      }
    }
  }
  return new MelFilterBank({ weights, nMels: numBins });
}

function kaldiWindow(type: KaldiWindow, length: number, blackmanCoeff: number): Float64Array {
  switch (type) {
    case 'povey':
      return createWindow('povey', length);
    case 'hamming':
      return createWindow('hamming', length, { periodic: false });
    case 'hanning':
      return createWindow('hann', length, { periodic: false });
    case 'rectangular':
      return createWindow('rectangular', length);
    case 'blackman': {
      const window = new Float64Array(length);
      const a = (2 * Math.PI) / (length - 1);
      for (let i = 0; i < length; i++)
        window[i] =
          blackmanCoeff - 0.5 * Math.cos(a * i) + (0.5 - blackmanCoeff) * Math.cos(2 * a * i);
      return window;
    }
  }
}

/** Seeded standard normal numbers (xorshift32 + Box–Muller), for repeatable dither. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Number of frames Kaldi extracts from `length` samples. */
export function kaldiFrameCount(
  length: number,
  windowSize: number,
  windowShift: number,
  snipEdges: boolean,
): number {
  if (snipEdges)
    return length < windowSize ? 0 : 1 + Math.floor((length - windowSize) / windowShift);
  return Math.floor((length + Math.floor(windowShift / 2)) / windowShift);
}

/** Log mel filter bank energies, frame-major (`frames × numMelBins`, plus energy first if asked). */
export function kaldiFbank(samples: Float32Array, options: KaldiFbankOptions = {}): FeatureMatrix {
  finiteSamples(samples);
  const sampleRate = positiveNumber('sampleRate', options.sampleRate ?? 16000);
  const windowSize = positiveInteger(
    'frameLengthMs',
    frameSamples(sampleRate, options.frameLengthMs ?? 25),
  );
  const windowShift = positiveInteger(
    'frameShiftMs',
    frameSamples(sampleRate, options.frameShiftMs ?? 10),
  );
  const dither = nonNegativeNumber('dither', options.dither ?? 0);
  const preemphasis = numberInRange(
    'preemphasisCoefficient',
    options.preemphasisCoefficient ?? 0.97,
    0,
    1,
  );
  const numBins = options.numMelBins ?? 23;
  if (!(Number.isInteger(numBins) && numBins >= 3))
    invalidParameter('numMelBins', 'an integer ≥ 3', numBins);
  const energyFloor = nonNegativeNumber('energyFloor', options.energyFloor ?? 0);
  const useEnergy = options.useEnergy ?? false;
  const rawEnergy = options.rawEnergy ?? true;
  const usePower = options.usePower ?? true;
  const useLog = options.useLogFbank ?? true;
  const removeDc = options.removeDcOffset ?? true;
  const snipEdges = options.snipEdges ?? true;
  const padded =
    (options.roundToPowerOfTwo ?? true) ? 2 ** Math.ceil(Math.log2(windowSize)) : windowSize;
  if (padded % 2 !== 0) invalidParameter('frame length', 'an even number of samples', padded);
  const bank = kaldiMelBank(
    numBins,
    padded,
    sampleRate,
    options.lowFreq ?? 20,
    options.highFreq ?? 0,
  );
  const window = kaldiWindow(
    options.windowType ?? 'povey',
    windowSize,
    options.blackmanCoeff ?? 0.42,
  );
  const fft = new RealFft(padded);
  const noise = gaussian(options.ditherSeed ?? 1);

  const frames = kaldiFrameCount(samples.length, windowSize, windowShift, snipEdges);
  const width = numBins + (useEnergy ? 1 : 0);
  const data = new Float32Array(frames * width);
  const frame = new Float64Array(padded);
  const re = new Float64Array(padded / 2 + 1);
  const im = new Float64Array(padded / 2 + 1);
  const spectrum = new Float64Array(padded / 2 + 1);
  const mel = new Float64Array(numBins);
  const logEnergyFloor = energyFloor > 0 ? Math.log(energyFloor) : Number.NEGATIVE_INFINITY;
  const n = samples.length;
  for (let t = 0; t < frames; t++) {
    const start = snipEdges
      ? t * windowShift
      : t * windowShift + Math.floor(windowShift / 2) - Math.floor(windowSize / 2);
    for (let i = 0; i < windowSize; i++) {
      let s = start + i;
      // Outside the signal Kaldi reflects without repeating the edge sample's neighbour.
      while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;
      frame[i] = samples[s] as number;
    }
    frame.fill(0, windowSize);
    if (dither > 0)
      for (let i = 0; i < windowSize; i++) frame[i] = (frame[i] as number) + dither * noise();
    if (removeDc) {
      let mean = 0;
      for (let i = 0; i < windowSize; i++) mean += frame[i] as number;
      mean /= windowSize;
      for (let i = 0; i < windowSize; i++) frame[i] = (frame[i] as number) - mean;
    }
    const logEnergy = () => {
      let energy = 0;
      for (let i = 0; i < windowSize; i++) energy += (frame[i] as number) ** 2;
      return Math.max(Math.log(Math.max(energy, FLOAT_EPSILON)), logEnergyFloor);
    };
    let energy = 0;
    if (useEnergy && rawEnergy) energy = logEnergy();
    if (preemphasis !== 0) {
      for (let i = windowSize - 1; i > 0; i--)
        frame[i] = (frame[i] as number) - preemphasis * (frame[i - 1] as number);
      frame[0] = (frame[0] as number) * (1 - preemphasis);
    }
    for (let i = 0; i < windowSize; i++) frame[i] = (frame[i] as number) * (window[i] as number);
    if (useEnergy && !rawEnergy) energy = logEnergy();
    fft.forward(frame, re, im);
    for (let k = 0; k < spectrum.length; k++) {
      const power = (re[k] as number) ** 2 + (im[k] as number) ** 2;
      spectrum[k] = usePower ? power : Math.sqrt(power);
    }
    bank.apply(spectrum, mel);
    const row = t * width;
    if (useEnergy) data[row] = energy;
    for (let b = 0; b < numBins; b++) {
      const value = mel[b] as number;
      data[row + (useEnergy ? 1 : 0) + b] = useLog
        ? Math.log(Math.max(value, FLOAT_EPSILON))
        : value;
    }
  }
  return { data, frames, size: width };
}
