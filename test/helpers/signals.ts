/** Synthetic test signals and the measurements tests make on them. */

export function tone(
  frequency: number,
  sampleRate: number,
  durationS: number,
  amplitude = 0.5,
): Float32Array {
  const samples = new Float32Array(Math.round(sampleRate * durationS));
  for (let i = 0; i < samples.length; i++)
    samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return samples;
}

/** Deterministic white noise (a linear congruential generator, so runs are repeatable). */
export function noise(length: number, amplitude = 0.1, seed = 1): Float32Array {
  const samples = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    samples[i] = amplitude * (state / 2 ** 32 - 0.5) * 2;
  }
  return samples;
}

/** Amplitude of the component at `frequency` (Goertzel over the whole signal, Hann-windowed). */
export function amplitudeAt(
  samples: Float32Array,
  sampleRate: number,
  frequency: number,
  from = 0,
  to = samples.length,
): number {
  const n = to - from;
  const omega = (2 * Math.PI * frequency) / sampleRate;
  let re = 0;
  let im = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    const x = (samples[from + i] as number) * w;
    re += x * Math.cos(omega * (from + i));
    im -= x * Math.sin(omega * (from + i));
    windowSum += w;
  }
  return (2 * Math.hypot(re, im)) / windowSum;
}

/** The strongest frequency among candidates, found by Goertzel. */
export function dominantFrequency(
  samples: Float32Array,
  sampleRate: number,
  candidates: number[],
): number {
  let best = candidates[0] as number;
  let bestAmplitude = -1;
  for (const frequency of candidates) {
    const amplitude = amplitudeAt(samples, sampleRate, frequency);
    if (amplitude > bestAmplitude) {
      bestAmplitude = amplitude;
      best = frequency;
    }
  }
  return best;
}

export function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}
