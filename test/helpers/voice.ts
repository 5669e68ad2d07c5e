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

export interface PulseTrain {
  samples: Float32Array;
  /** The true pulse times (s) and amplitudes. */
  pulses: number[];
  amplitudes: number[];
}

/**
 * A voice as a train of glottal pulses with known per-cycle period jitter and amplitude shimmer
 * (relative standard deviations): each pulse is a short Gabor wavelet (Gaussian σ 0.6 ms times
 * a 500 Hz cosine) whose peak sits exactly at the pulse time with exactly the pulse amplitude.
 */
export function pulseTrain(options: {
  sampleRate: number;
  f0: number;
  jitter: number;
  shimmer: number;
  startS: number;
  endS: number;
  durationS: number;
  snrDb?: number;
  seed?: number;
  /** Frequency of the wavelet's cosine, Hz. Default 500. */
  carrierHz?: number;
}): PulseTrain {
  const { sampleRate, f0, jitter, shimmer } = options;
  const random = normalRandom(options.seed ?? 11);
  const pulses: number[] = [];
  const amplitudes: number[] = [];
  for (let time = options.startS; time < options.endS; ) {
    pulses.push(time);
    amplitudes.push(0.5 * (1 + shimmer * random()));
    time += (1 / f0) * (1 + jitter * random());
  }
  const signal = new Float64Array(Math.round(options.durationS * sampleRate));
  const sigma = 0.0006;
  pulses.forEach((pulse, i) => {
    const centre = Math.round(pulse * sampleRate);
    for (let k = centre - 40; k <= centre + 40; k++) {
      if (k < 0 || k >= signal.length) continue;
      const dt = k / sampleRate - pulse;
      signal[k] =
        (signal[k] as number) +
        (amplitudes[i] as number) *
          Math.exp(-(dt * dt) / (2 * sigma * sigma)) *
          Math.cos(2 * Math.PI * (options.carrierHz ?? 500) * dt);
    }
  });
  if (options.snrDb !== undefined) {
    let power = 0;
    const first = Math.round(options.startS * sampleRate);
    const last = Math.round(options.endS * sampleRate);
    for (let k = first; k < last; k++) power += (signal[k] as number) ** 2;
    const noiseRms = Math.sqrt(power / (last - first) / 10 ** (options.snrDb / 10));
    for (let k = 0; k < signal.length; k++) signal[k] = (signal[k] as number) + noiseRms * random();
  }
  return { samples: Float32Array.from(signal), pulses, amplitudes };
}

/**
 * A sustained vowel from a source–filter model: an impulse train (0.5 % jitter) through a
 * two-pole glottal low-pass, a cascade of two-pole resonators at the given formants (Hz,
 * bandwidth Hz) and a first difference for lip radiation.
 */
export function vowel(
  formants: [number, number][],
  f0: number,
  sampleRate: number,
  durationS: number,
): Float32Array {
  const n = Math.round(sampleRate * durationS);
  const random = normalRandom(5);
  let signal = new Float64Array(n);
  for (let i = 0, next = 0; i < n; i++) {
    if (i >= next) {
      signal[i] = 1;
      next += sampleRate / (f0 * (1 + 0.005 * random()));
    }
  }
  for (let pass = 0; pass < 2; pass++) {
    let y = 0;
    for (let i = 0; i < n; i++) {
      y = (signal[i] as number) + 0.97 * y;
      signal[i] = y;
    }
  }
  for (const [frequency, bandwidth] of formants) {
    const r = Math.exp((-Math.PI * bandwidth) / sampleRate);
    const a1 = 2 * r * Math.cos((2 * Math.PI * frequency) / sampleRate);
    const a2 = -r * r;
    const out = new Float64Array(n);
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < n; i++) {
      const y = (1 - a1 - a2) * (signal[i] as number) + a1 * y1 + a2 * y2;
      out[i] = y;
      y2 = y1;
      y1 = y;
    }
    signal = out;
  }
  const result = new Float32Array(n);
  let peak = 0;
  for (let i = 1; i < n; i++) {
    result[i] = (signal[i] as number) - (signal[i - 1] as number);
    peak = Math.max(peak, Math.abs(result[i] as number));
  }
  return result.map((x) => (0.5 * x) / peak);
}
