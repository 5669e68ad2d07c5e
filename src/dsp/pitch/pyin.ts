/**
 * Probabilistic YIN (Mauch & Dixon 2014) as `librosa.pyin` implements it (which follows the
 * authors' software rather than the paper): for every frame, YIN troughs are weighted over 100
 * thresholds drawn from a beta(2, 18) prior with a Boltzmann prior favouring short periods;
 * their probabilities are binned at 0.1 semitone; a two-layer (voiced/unvoiced) HMM with a
 * triangular pitch transition of at most 35.92 octaves per second is decoded by Viterbi.
 *
 * Frame t is nominally centred on sample t·hop, but (as in librosa) the difference function
 * integrates over the first half of the frame, so it describes the signal about frameLength/4
 * earlier. `analyzeProsody` compensates for this; callers aligning f0 with other tracks should too.
 */
import {
  invalidParameter,
  nonNegativeNumber,
  numberInRange,
  positiveInteger,
  positiveNumber,
} from '../validate.js';
import { betaCdf } from './distributions.js';
import {
  forEachCmnd,
  type PitchFrameOptions,
  pitchFrameCount,
  resolvePitchFrames,
} from './frames.js';
import { localTransition, logProbability, TwoLayerViterbi } from './viterbi.js';
import type { PitchTrack } from './yin.js';

export interface PyinOptions extends PitchFrameOptions {
  /** Default 100. */
  nThresholds?: number;
  /** Shape of the beta prior over thresholds. Default [2, 18]. */
  betaParameters?: [number, number];
  /** Default 2. */
  boltzmannParameter?: number;
  /** Pitch bin width in semitones. Default 0.1. */
  resolution?: number;
  /** Fastest pitch change, octaves per second. Default 35.92. */
  maxTransitionRate?: number;
  /** Probability of switching between voiced and unvoiced. Default 0.01. */
  switchProb?: number;
  /** Probability given to the global minimum when no trough is below a threshold. Default 0.01. */
  noTroughProb?: number;
  /** f0 of unvoiced frames: a number (default NaN), or null for the best pitch guess. */
  fillNa?: number | null;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The pitch grid pYIN decodes on: `fmin·2^(b / (12·binsPerSemitone))`. */
export function pyinPitchBins(fmin: number, fmax: number, resolution = 0.1): Float64Array {
  const perSemitone = Math.ceil(1 / resolution);
  const count = Math.floor(12 * perSemitone * Math.log2(fmax / fmin)) + 1;
  return Float64Array.from({ length: count }, (_, b) => fmin * 2 ** (b / (12 * perSemitone)));
}

export function pyin(samples: Float32Array, options: PyinOptions): PitchTrack {
  const frames = resolvePitchFrames(options);
  const nThresholds = positiveInteger('nThresholds', options.nThresholds ?? 100);
  const [alpha, beta] = options.betaParameters ?? [2, 18];
  positiveNumber('betaParameters[0]', alpha);
  positiveNumber('betaParameters[1]', beta);
  const lambda = positiveNumber('boltzmannParameter', options.boltzmannParameter ?? 2);
  const resolution = positiveNumber('resolution', options.resolution ?? 0.1);
  const maxRate = nonNegativeNumber('maxTransitionRate', options.maxTransitionRate ?? 35.92);
  const switchProb = numberInRange('switchProb', options.switchProb ?? 0.01, 0, 1);
  const noTroughProb = numberInRange('noTroughProb', options.noTroughProb ?? 0.01, 0, 1);
  const fillNa = options.fillNa === undefined ? Number.NaN : options.fillNa;
  const { sampleRate, fmin, hopLength, minPeriod } = frames;

  // Prior over thresholds: np.diff(beta.cdf(np.linspace(0, 1, nThresholds + 1))).
  const step = 1 / nThresholds;
  const thresholds = Float64Array.from({ length: nThresholds + 1 }, (_, i) =>
    i === nThresholds ? 1 : i * step,
  );
  const betaProbs = Float64Array.from(
    { length: nThresholds },
    (_, i) =>
      betaCdf(thresholds[i + 1] as number, alpha, beta) -
      betaCdf(thresholds[i] as number, alpha, beta),
  );
  const perSemitone = Math.ceil(1 / resolution);
  const freqs = pyinPitchBins(fmin, frames.fmax, resolution);
  const nBins = freqs.length;
  const maxSemitonesPerFrame = roundHalfEven((maxRate * 12 * hopLength) / sampleRate);
  const width = maxSemitonesPerFrame * perSemitone + 1;
  if (width > nBins) {
    invalidParameter(
      'maxTransitionRate',
      `small enough for a band within ${nBins} pitch bins`,
      maxRate,
    );
  }
  const init = new Float64Array(2 * nBins);
  init.fill(1 / nBins, nBins);
  const viterbi = new TwoLayerViterbi(localTransition(nBins, width), switchProb, init);

  const count = pitchFrameCount(samples.length, frames);
  const voicedProbability = new Float64Array(count);
  const boltzmannFront = 1 - Math.exp(-lambda);
  const troughs: number[] = [];
  let probs = new Float64Array(0);
  let decay = new Float64Array(0);
  const observation = new Float64Array(nBins);
  const logObservation = new Float64Array(2 * nBins);
  /** Bins written in the current frame, each once. */
  const touched: number[] = [];
  const isTouched = new Uint8Array(nBins);
  forEachCmnd(samples, frames, (t, cmnd, shifts) => {
    // Troughs: local minima, the first lag counting when it is below the second.
    troughs.length = 0;
    const last = cmnd.length - 1;
    for (let i = 0; i <= last; i++) {
      const here = cmnd[i] as number;
      const isTrough =
        i === 0
          ? here < (cmnd[1] as number)
          : here < (cmnd[i - 1] as number) && (i === last || here <= (cmnd[i + 1] as number));
      if (isTrough) troughs.push(i);
    }
    for (const bin of touched) {
      observation[bin] = 0;
      isTouched[bin] = 0;
    }
    touched.length = 0;
    if (troughs.length > 0) {
      if (probs.length < troughs.length) probs = new Float64Array(2 * troughs.length);
      probs.fill(0, 0, troughs.length);
      // For each threshold, the troughs below it share its prior mass by Boltzmann rank.
      if (decay.length <= troughs.length) {
        decay = Float64Array.from({ length: 2 * troughs.length + 1 }, (_, k) =>
          Math.exp(-lambda * k),
        );
      }
      for (let i = 0; i < nThresholds; i++) {
        const threshold = thresholds[i + 1] as number;
        let below = 0;
        for (const index of troughs) if ((cmnd[index] as number) < threshold) below++;
        if (below === 0) continue;
        const scale = (boltzmannFront / (1 - (decay[below] as number))) * (betaProbs[i] as number);
        let rank = 0;
        for (let r = 0; r < troughs.length; r++) {
          if ((cmnd[troughs[r] as number] as number) < threshold) {
            probs[r] = (probs[r] as number) + scale * (decay[rank] as number);
            rank++;
          }
        }
      }
      let globalMin = 0;
      for (let r = 1; r < troughs.length; r++) {
        if ((cmnd[troughs[r] as number] as number) < (cmnd[troughs[globalMin] as number] as number))
          globalMin = r;
      }
      const minHeight = cmnd[troughs[globalMin] as number] as number;
      let notBelow = 0;
      for (let i = 1; i <= nThresholds; i++)
        if (!(minHeight < (thresholds[i] as number))) notBelow++;
      let noTroughMass = 0;
      for (let i = 0; i < notBelow; i++) noTroughMass += betaProbs[i] as number;
      probs[globalMin] = (probs[globalMin] as number) + noTroughProb * noTroughMass;
      // Candidates in ascending period order; a later one in the same bin overwrites (numpy).
      for (let r = 0; r < troughs.length; r++) {
        const p = probs[r] as number;
        if (p === 0) continue;
        const index = troughs[r] as number;
        const f0 = sampleRate / (minPeriod + index + (shifts[index] as number));
        const bin = Math.min(
          nBins,
          Math.max(0, roundHalfEven(12 * perSemitone * Math.log2(f0 / fmin))),
        );
        if (bin >= nBins) continue; // above the grid: librosa lets it fall into the unvoiced layer
        observation[bin] = p;
        if (!isTouched[bin]) {
          isTouched[bin] = 1;
          touched.push(bin);
        }
      }
    }
    let voiced = 0;
    for (const bin of touched) voiced += observation[bin] as number;
    voiced = Math.min(1, Math.max(0, voiced));
    voicedProbability[t] = voiced;
    const unvoiced = logProbability((1 - voiced) / nBins);
    const floor = logProbability(0);
    for (let b = 0; b < nBins; b++) logObservation[b] = floor;
    for (const bin of touched) logObservation[bin] = logProbability(observation[bin] as number);
    logObservation.fill(unvoiced, nBins);
    viterbi.step(logObservation);
  });

  const states = viterbi.decode();
  const f0 = new Float64Array(count);
  const voicedFlag = new Uint8Array(count);
  for (let t = 0; t < count; t++) {
    const state = states[t] as number;
    const isVoiced = state < nBins;
    voicedFlag[t] = isVoiced ? 1 : 0;
    f0[t] = isVoiced || fillNa === null ? (freqs[state % nBins] as number) : fillNa;
  }
  return {
    f0,
    voicedFlag,
    voicedProbability,
    sampleRate,
    hopLength,
    frameLength: frames.frameLength,
  };
}
