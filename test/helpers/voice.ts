/**
 * Synthetic voiced signals with a known truth, for pitch and voice-quality tests: harmonic
 * series whose f0 follows any contour (vibrato, glides), with optional per-cycle period jitter
 * and amplitude shimmer, separated by unvoiced gaps, plus white Gaussian noise at a chosen SNR.
 */

export interface VoicedSegment {
  startS: number;
  endS: number;
  /** f0 in Hz at time t (seconds from the segment's start). */
  f0: (t: number) => number;
  /** Relative standard deviation of each cycle's period (0.01 = 1 % jitter). */
  jitter?: number;
  /** Relative standard deviation of each cycle's amplitude. */
  shimmer?: number;
}

export interface VoiceOptions {
  sampleRate: number;
  durationS: number;
  segments: VoicedSegment[];
  /** Signal-to-noise ratio of the voiced parts in dB; omit for no noise. */
  snrDb?: number;
  amplitude?: number;
  seed?: number;
}

export interface SyntheticVoice {
  samples: Float32Array;
  /** True f0 at time t (NaN outside voiced segments). */
  f0At(t: number): number;
}

/** Deterministic standard normal numbers (xorshift32 + Box–Muller). */
export function normalRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function synthesizeVoice(options: VoiceOptions): SyntheticVoice {
  const { sampleRate, segments } = options;
  const amplitude = options.amplitude ?? 0.3;
  const random = normalRandom(options.seed ?? 7);
  const samples = new Float64Array(Math.round(options.durationS * sampleRate));
  let voicedPower = 0;
  let voicedCount = 0;
  for (const segment of segments) {
    const first = Math.round(segment.startS * sampleRate);
    const last = Math.min(samples.length, Math.round(segment.endS * sampleRate));
    let phase = 0; // in cycles
    let periodScale = 1 + (segment.jitter ?? 0) * random();
    let gain = 1 + (segment.shimmer ?? 0) * random();
    for (let i = first; i < last; i++) {
      const t = (i - first) / sampleRate;
      const f0 = segment.f0(t) / periodScale;
      const harmonics = Math.floor((0.45 * sampleRate) / f0);
      let value = 0;
      for (let h = 1; h <= harmonics; h++) value += Math.sin(2 * Math.PI * h * phase) / h;
      // Short fades keep the segment edges from clicking.
      const fade = Math.min(
        1,
        (i - first) / (0.01 * sampleRate),
        (last - 1 - i) / (0.01 * sampleRate),
      );
      samples[i] = amplitude * gain * fade * value * 0.5;
      voicedPower += (samples[i] as number) ** 2;
      voicedCount++;
      phase += f0 / sampleRate;
      if (phase >= 1) {
        phase -= 1;
        periodScale = 1 + (segment.jitter ?? 0) * random();
        gain = 1 + (segment.shimmer ?? 0) * random();
      }
    }
  }
  if (options.snrDb !== undefined) {
    const noiseRms = Math.sqrt(voicedPower / Math.max(1, voicedCount) / 10 ** (options.snrDb / 10));
    for (let i = 0; i < samples.length; i++)
      samples[i] = (samples[i] as number) + noiseRms * random();
  }
  return {
    samples: Float32Array.from(samples),
    f0At(t: number) {
      for (const segment of segments)
        if (t >= segment.startS && t < segment.endS) return segment.f0(t - segment.startS);
      return Number.NaN;
    },
  };
}

export interface PitchScores {
  /** Fraction of frames voiced in both truth and estimate whose f0 is off by more than 20 %. */
  grossPitchError: number;
  /** Fraction of frames whose voiced/unvoiced decision differs from the truth. */
  voicingDecisionError: number;
  frames: number;
  voicedInBoth: number;
}

/** Scores an f0 track against the truth at each frame's centre time. */
export function scorePitch(
  f0: Float64Array,
  voicedFlag: Uint8Array,
  frameTime: (t: number) => number,
  truth: (t: number) => number,
): PitchScores {
  let gross = 0;
  let both = 0;
  let voicingErrors = 0;
  for (let t = 0; t < f0.length; t++) {
    const expected = truth(frameTime(t));
    const truthVoiced = Number.isFinite(expected);
    const voiced = voicedFlag[t] === 1;
    if (truthVoiced !== voiced) voicingErrors++;
    if (truthVoiced && voiced) {
      both++;
      if (Math.abs((f0[t] as number) / expected - 1) > 0.2) gross++;
    }
  }
  return {
    grossPitchError: gross / Math.max(1, both),
    voicingDecisionError: voicingErrors / Math.max(1, f0.length),
    frames: f0.length,
    voicedInBoth: both,
  };
}
