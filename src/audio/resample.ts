/**
 * Band-limited sample-rate conversion: a Kaiser-windowed sinc low-pass evaluated in polyphase
 * form for the exact rational ratio L/M between the two rates. It streams (state is carried
 * between `push` calls), so a long file is converted in bounded memory.
 *
 * Default design: pass band flat to 90 % of the lower Nyquist frequency, stop band from the lower
 * Nyquist frequency on, 100 dB Kaiser attenuation. `test/audio/resample.test.ts` measures the
 * real ripple and attenuation by pushing tones through it.
 */

export interface ResamplerOptions {
  /** Edge of the pass band as a fraction of the lower Nyquist frequency. Default 0.9. */
  passband?: number;
  /** Stop-band attenuation the Kaiser window is designed for, in dB. Default 100. */
  attenuationDb?: number;
}

/** Above this many table entries, coefficients are computed per output sample instead. */
const MAX_TABLE_ENTRIES = 4_000_000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21)
    return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Up-sampling factor of the reduced ratio. */
  private readonly up: number;
  /** Down-sampling factor of the reduced ratio. */
  private readonly down: number;
  /** Taps on each side of the output instant, in input samples. */
  private readonly halfTaps: number;
  private readonly cutoff: number;
  private readonly beta: number;
  private readonly i0Beta: number;
  private readonly table: Float64Array | null;
  private readonly scratch: Float64Array;

  /** Input samples not yet fully consumed; `history[0]` is input index `historyStart`. */
  private history = new Float32Array(0);
  private historyStart: number;
  private inputCount = 0;
  /** Next output index and the input position it maps to (integer part and phase). */
  private outputIndex = 0;
  private inputIndex = 0;
  private phase = 0;

  constructor(inputRate: number, outputRate: number, options: ResamplerOptions = {}) {
    if (
      !(
        Number.isInteger(inputRate) &&
        inputRate > 0 &&
        Number.isInteger(outputRate) &&
        outputRate > 0
      )
    ) {
      throw new RangeError(
        `Sample rates must be positive integers, got ${inputRate} → ${outputRate}`,
      );
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const divisor = gcd(inputRate, outputRate);
    this.up = outputRate / divisor;
    this.down = inputRate / divisor;

    const passband = options.passband ?? 0.9;
    const attenuationDb = options.attenuationDb ?? 100;
    const scale = Math.min(1, this.up / this.down);
    // Transition band [passband, 1] × lower Nyquist; the cutoff sits in its middle.
    const transition = (1 - passband) / 2; // in cycles per sample at the lower rate
    const tapsAtLowRate = Math.ceil((attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition));
    this.halfTaps = Math.ceil(tapsAtLowRate / 2 / scale) + 1;
    this.cutoff = ((1 + passband) / 2) * scale;
    this.beta = kaiserBeta(attenuationDb);
    this.i0Beta = besselI0(this.beta);
    this.historyStart = -this.halfTaps; // the signal is preceded by silence
    this.history = new Float32Array(this.halfTaps);
    this.scratch = new Float64Array(2 * this.halfTaps);

    const width = 2 * this.halfTaps;
    if (this.up * width <= MAX_TABLE_ENTRIES) {
      this.table = new Float64Array(this.up * width);
      for (let phase = 0; phase < this.up; phase++) {
        this.computePhase(phase, this.scratch);
        this.table.set(this.scratch, phase * width);
      }
    } else {
      this.table = null;
    }
  }

  /** Length the output will have once `inputLength` samples are pushed and flushed. */
  outputLengthFor(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down);
  }

  /** Coefficients for output instants `phase / up` input samples after an input sample. */
  private computePhase(phase: number, into: Float64Array): void {
    const fraction = phase / this.up;
    const halfWidth = this.halfTaps;
    let sum = 0;
    for (let tap = 0; tap < 2 * halfWidth; tap++) {
      // Tap `tap` multiplies input sample (i - halfWidth + 1 + tap); its distance from the output instant:
      const distance = fraction + halfWidth - 1 - tap;
      const x = this.cutoff * distance;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const ratio = distance / halfWidth;
      const window =
        Math.abs(ratio) >= 1 ? 0 : besselI0(this.beta * Math.sqrt(1 - ratio * ratio)) / this.i0Beta;
      const value = sinc * window;
      into[tap] = value;
      sum += value;
    }
    // Normalising every phase to unit DC gain removes the ripple that truncation would leave.
    for (let tap = 0; tap < 2 * halfWidth; tap++) into[tap] = (into[tap] as number) / sum;
  }

  /** Converts the next chunk of input; returns the output samples that are now complete. */
  push(input: Float32Array): Float32Array {
    this.append(input);
    return this.produce(this.inputCount);
  }

  /** Ends the stream: pads with silence and returns the remaining output. */
  flush(): Float32Array {
    const total = this.outputLengthFor(this.inputCount);
    const padded = this.inputCount;
    this.append(new Float32Array(this.halfTaps + 1));
    const tail = this.produce(padded + this.halfTaps + 1, total);
    return tail;
  }

  private append(input: Float32Array): void {
    if (input.length === 0) return;
    const merged = new Float32Array(this.history.length + input.length);
    merged.set(this.history);
    merged.set(input, this.history.length);
    this.history = merged;
    this.inputCount += input.length;
  }

  private produce(available: number, limit = Number.POSITIVE_INFINITY): Float32Array {
    const width = 2 * this.halfTaps;
    const lastNeeded = (inputIndex: number) => inputIndex + this.halfTaps;
    const count = Math.max(
      0,
      Math.min(limit - this.outputIndex, this.countReady(available, lastNeeded)),
    );
    const out = new Float32Array(count);
    const history = this.history;
    const table = this.table;
    const scratch = this.scratch;
    for (let n = 0; n < count; n++) {
      const start = this.inputIndex - this.halfTaps + 1 - this.historyStart;
      let coefficients: Float64Array;
      let offset = 0;
      if (table) {
        coefficients = table;
        offset = this.phase * width;
      } else {
        this.computePhase(this.phase, scratch);
        coefficients = scratch;
      }
      // Four independent accumulators let the JIT pipeline the multiply-adds.
      let acc0 = 0;
      let acc1 = 0;
      let acc2 = 0;
      let acc3 = 0;
      let tap = 0;
      for (; tap + 3 < width; tap += 4) {
        const h = start + tap;
        const c = offset + tap;
        acc0 += (history[h] as number) * (coefficients[c] as number);
        acc1 += (history[h + 1] as number) * (coefficients[c + 1] as number);
        acc2 += (history[h + 2] as number) * (coefficients[c + 2] as number);
        acc3 += (history[h + 3] as number) * (coefficients[c + 3] as number);
      }
      for (; tap < width; tap++) {
        acc0 += (history[start + tap] as number) * (coefficients[offset + tap] as number);
      }
      out[n] = acc0 + acc1 + acc2 + acc3;
      this.phase += this.down;
      if (this.phase >= this.up) {
        this.inputIndex += Math.floor(this.phase / this.up);
        this.phase %= this.up;
      }
      this.outputIndex++;
    }
    // Drop input that no future output instant can reach.
    const keepFrom = this.inputIndex - this.halfTaps + 1;
    const drop = keepFrom - this.historyStart;
    if (drop > 0) {
      this.history = this.history.slice(drop);
      this.historyStart = keepFrom;
    }
    return out;
  }

  /** How many further outputs can be computed with input samples [0, available). */
  private countReady(available: number, lastNeeded: (inputIndex: number) => number): number {
    // Output k (k ≥ 0 from now) sits at input position inputIndex + (phase + k·down) / up.
    // It is ready when its last tap index is below `available`.
    const maxIndex = available - 1 - this.halfTaps; // largest integer part allowed
    if (lastNeeded(this.inputIndex) > available - 1) return 0;
    // Largest k with floor((phase + k·down) / up) ≤ maxIndex - inputIndex.
    const room = maxIndex - this.inputIndex;
    return Math.floor(((room + 1) * this.up - 1 - this.phase) / this.down) + 1;
  }
}

/** Converts a whole signal in one call. Returns the input itself when the rates are equal. */
export function resample(
  samples: Float32Array,
  inputRate: number,
  outputRate: number,
  options?: ResamplerOptions,
): Float32Array {
  if (inputRate === outputRate) return samples;
  const resampler = new Resampler(inputRate, outputRate, options);
  const head = resampler.push(samples);
  const tail = resampler.flush();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
