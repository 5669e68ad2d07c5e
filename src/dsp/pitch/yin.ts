/**
 * YIN (de Cheveigné & Kawahara 2002) as `librosa.yin` computes it: the first lag whose CMND is a
 * local minimum below `troughThreshold`, else the global minimum, refined by parabolic
 * interpolation. librosa returns f0 only; the voicing here is YIN's own: a frame is voiced when a
 * trough below the threshold exists, and its voiced probability is 1 − d′ at the chosen lag.
 */
import { numberInRange } from '../validate.js';
import {
  forEachCmnd,
  isLocalMin,
  type PitchFrameOptions,
  pitchFrameCount,
  resolvePitchFrames,
} from './frames.js';

export interface YinOptions extends PitchFrameOptions {
  /** Absolute threshold on the CMND. Default 0.1. */
  troughThreshold?: number;
}

export interface PitchTrack {
  /** Fundamental frequency per frame, Hz (NaN where unvoiced, unless asked otherwise). */
  f0: Float64Array;
  /** 1 where the frame is voiced. */
  voicedFlag: Uint8Array;
  /** Probability that the frame is voiced, 0…1. */
  voicedProbability: Float64Array;
  sampleRate: number;
  /** Frame t is centred on sample t·hopLength (when centred). */
  hopLength: number;
  frameLength: number;
}

/** Time of the centre of each frame, in seconds. */
export function frameTimes(
  track: Pick<PitchTrack, 'f0' | 'sampleRate' | 'hopLength'>,
): Float64Array {
  return Float64Array.from(
    { length: track.f0.length },
    (_, t) => (t * track.hopLength) / track.sampleRate,
  );
}

/** YIN pitch of every frame. f0 is given for every frame, voiced or not, as librosa does. */
export function yin(samples: Float32Array, options: YinOptions): PitchTrack {
  const frames = resolvePitchFrames(options);
  const threshold = numberInRange('troughThreshold', options.troughThreshold ?? 0.1, 0, 1);
  const count = pitchFrameCount(samples.length, frames);
  const f0 = new Float64Array(count);
  const voicedFlag = new Uint8Array(count);
  const voicedProbability = new Float64Array(count);
  forEachCmnd(samples, frames, (t, cmnd, shifts) => {
    let chosen = -1;
    let globalMin = 0;
    for (let i = 0; i < cmnd.length; i++) {
      if ((cmnd[i] as number) < (cmnd[globalMin] as number)) globalMin = i;
      if (chosen < 0 && (cmnd[i] as number) < threshold && isLocalMin(cmnd, i)) chosen = i;
    }
    voicedFlag[t] = chosen >= 0 ? 1 : 0;
    if (chosen < 0) chosen = globalMin;
    f0[t] = frames.sampleRate / (frames.minPeriod + chosen + (shifts[chosen] as number));
    voicedProbability[t] = Math.min(1, Math.max(0, 1 - (cmnd[chosen] as number)));
  });
  return {
    f0,
    voicedFlag,
    voicedProbability,
    sampleRate: frames.sampleRate,
    hopLength: frames.hopLength,
    frameLength: frames.frameLength,
  };
}
