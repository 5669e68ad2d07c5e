/**
 * Level measurements: sample peak, RMS and integrated loudness after ITU-R BS.1770-4 / EBU R128
 * (K-weighting, 400 ms blocks with 75 % overlap, absolute gate at −70 LUFS, relative gate at
 * −10 LU). K-weighting coefficients are derived for any sample rate from the analogue prototype
 * parameters that reproduce the standard's 48 kHz filters.
 */

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

function highShelf(sampleRate: number): Biquad {
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const q = 0.7071752369554196;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  const a0 = 1 + k / q + k * k;
  return {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
}

function highPass(sampleRate: number): Biquad {
  const f0 = 38.13547087602444;
  const q = 0.5003270373238773;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const a0 = 1 + k / q + k * k;
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
}

function filter(
  samples: Float32Array | Float64Array,
  { b0, b1, b2, a1, a2 }: Biquad,
): Float64Array {
  const out = new Float64Array(samples.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] as number;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    out[i] = y;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
  }
  return out;
}

/** The signal through BS.1770's K-weighting filter (high shelf, then high pass). */
export function kWeighted(samples: Float32Array | Float64Array, sampleRate: number): Float64Array {
  return filter(filter(samples, highShelf(sampleRate)), highPass(sampleRate));
}

/**
 * Integrated loudness of a mono signal in LUFS, or `-Infinity` when every block is below the
 * absolute gate (silence, or audio shorter than one 400 ms block).
 */
export function integratedLoudness(samples: Float32Array, sampleRate: number): number {
  const weighted = kWeighted(samples, sampleRate);
  const block = Math.round(0.4 * sampleRate);
  const step = Math.round(0.1 * sampleRate);
  const powers: number[] = [];
  // Prefix sums of squares make every block's mean square O(1).
  const cumulative = new Float64Array(weighted.length + 1);
  for (let i = 0; i < weighted.length; i++)
    cumulative[i + 1] = (cumulative[i] as number) + (weighted[i] as number) ** 2;
  for (let start = 0; start + block <= weighted.length; start += step) {
    powers.push(((cumulative[start + block] as number) - (cumulative[start] as number)) / block);
  }
  const loudness = (power: number) => -0.691 + 10 * Math.log10(power);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const aboveAbsolute = powers.filter((power) => loudness(power) > -70);
  if (aboveAbsolute.length === 0) return Number.NEGATIVE_INFINITY;
  const relativeGate = loudness(mean(aboveAbsolute)) - 10;
  const gated = aboveAbsolute.filter((power) => loudness(power) > relativeGate);
  return loudness(mean(gated));
}

/** Largest absolute sample value in dB relative to full scale (`-Infinity` for silence). */
export function peakDbfs(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i] as number));
  return 20 * Math.log10(peak);
}

/** Root-mean-square level in dB relative to full scale. */
export function rmsDbfs(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) ** 2;
  return 10 * Math.log10(sum / Math.max(1, samples.length));
}
