/**
 * Viterbi decoding for pYIN's hidden Markov model, without its dense transition matrix. The
 * states are `2 × n` (voiced and unvoiced copies of n pitch bins); the transition is
 * `kron(S, T)` with S a 2 × 2 voicing switch and T a banded (triangular) pitch transition, so each
 * step costs far less than the dense O(4n²). Results equal `librosa.sequence.viterbi` on the
 * dense matrix (up to the choice between exactly tied paths), including its rule that a zero
 * transition counts as log(tiny): a jump outside the band is taken when it beats every jump
 * inside it. The forward pass runs one frame at a time, so only the back-pointers (one byte per
 * state and frame for the default band) are kept.
 */

/** log(x + tiny), as librosa takes logs of probabilities. */
const TINY = 2.2250738585072014e-308;
export function logProbability(x: number): number {
  return Math.log(x + TINY);
}

/** Rows of a banded transition matrix: row k is non-zero on `starts[k] … starts[k] + length − 1`. */
export interface BandedMatrix {
  n: number;
  starts: Int32Array;
  /** Log weights of each row, from its first non-zero column. */
  logRows: Float64Array[];
}

/** scipy.signal.windows.triang(width, sym=True). */
function triangle(width: number): Float64Array {
  const window = new Float64Array(width);
  const half = Math.floor((width + 1) / 2);
  for (let i = 0; i < half; i++) {
    const value = width % 2 === 0 ? (2 * (i + 1) - 1) / width : (2 * (i + 1)) / (width + 1);
    window[i] = value;
    window[width - 1 - i] = value;
  }
  return window;
}

/**
 * `librosa.sequence.transition_local(n, width, window='triangle', wrap=False)` as a banded
 * matrix: each row a centred triangle, cut at the edges, normalised to sum 1.
 */
export function localTransition(n: number, width: number): BandedMatrix {
  const window = triangle(width);
  const leftPad = Math.floor((n - width) / 2);
  const starts = new Int32Array(n);
  const logRows: Float64Array[] = [];
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    const shift = Math.floor(n / 2) + i + 1;
    const low = Math.max(0, i - Math.floor(width / 2));
    const high = Math.min(n, i + Math.floor(width / 2) + 1);
    for (let w = 0; w < width; w++) {
      const position = (leftPad + w + shift) % n;
      if (position >= low && position < high) row[position] = window[w] as number;
    }
    let sum = 0;
    let first = -1;
    let last = -1;
    for (let j = 0; j < n; j++) {
      const value = row[j] as number;
      sum += value;
      if (value !== 0) {
        if (first < 0) first = j;
        last = j;
      }
    }
    starts[i] = first;
    logRows.push(
      Float64Array.from({ length: last - first + 1 }, (_, d) =>
        logProbability((row[first + d] as number) / sum),
      ),
    );
  }
  return { n, starts, logRows };
}

type Pointers = Uint8Array | Uint16Array | Uint32Array;

const CHUNK_FRAMES = 512;

export class TwoLayerViterbi {
  private readonly n: number;
  private readonly band: BandedMatrix;
  /** logSwitch[from * 2 + to]. */
  private readonly logSwitch: Float64Array;
  private readonly logInit: Float64Array;
  /** Largest log weight of each row of the band. */
  private readonly rowMax: Float64Array;
  private readonly reach: number;
  /** Widest row of the band. */
  private readonly reachWidth: number;
  private readonly outOfBand: number;
  private value: Float64Array;
  private next: Float64Array;
  private readonly bestIn: Float64Array;
  /** All rows' log weights in one array: T[k][j] is at `rowBase[k] + j`. */
  private readonly flatWeights: Float64Array;
  private readonly rowBase: Int32Array;
  /** Values of the sources still in play, for the layer being searched. */
  private readonly source: Float64Array;
  /** Sources whose row reaches target j: columnStart[j] … columnEnd[j]. */
  private readonly columnStart: Int32Array;
  private readonly columnEnd: Int32Array;
  private readonly stack: Int32Array;
  private readonly argIn: Int32Array;
  private readonly chunks: Pointers[] = [];
  private readonly fallback: number[] = [];
  private frames = 0;

  /**
   * @param band pitch transition T (n × n, banded)
   * @param switchProbability probability of changing voicing between frames
   * @param init initial probabilities of the 2n states
   */
  constructor(band: BandedMatrix, switchProbability: number, init: Float64Array) {
    this.n = band.n;
    this.band = band;
    const stay = logProbability(1 - switchProbability);
    const change = logProbability(switchProbability);
    this.logSwitch = Float64Array.from([stay, change, change, stay]);
    this.logInit = init.map(logProbability);
    this.rowMax = Float64Array.from(band.logRows, (row) => Math.max(...row));
    let reach = 0;
    for (let k = 0; k < band.n; k++) {
      const start = band.starts[k] as number;
      const length = (band.logRows[k] as Float64Array).length;
      reach = Math.max(reach, Math.abs(start - k), Math.abs(start + length - 1 - k));
    }
    this.reach = reach;
    this.reachWidth = Math.max(...band.logRows.map((row) => row.length));
    this.outOfBand = 2 * (2 * reach + 1);
    this.value = new Float64Array(2 * this.n);
    this.next = new Float64Array(2 * this.n);
    this.bestIn = new Float64Array(2 * this.n);
    this.argIn = new Int32Array(2 * this.n);
    this.source = new Float64Array(this.n);
    this.flatWeights = new Float64Array(band.logRows.reduce((total, row) => total + row.length, 0));
    this.rowBase = new Int32Array(this.n);
    let position = 0;
    for (let k = 0; k < band.n; k++) {
      const row = band.logRows[k] as Float64Array;
      this.flatWeights.set(row, position);
      this.rowBase[k] = position - (band.starts[k] as number);
      position += row.length;
    }
    this.columnStart = new Int32Array(this.n).fill(this.n);
    this.columnEnd = new Int32Array(this.n).fill(-1);
    for (let k = 0; k < band.n; k++) {
      const start = band.starts[k] as number;
      const end = start + (band.logRows[k] as Float64Array).length - 1;
      for (let j = start; j <= end; j++) {
        this.columnStart[j] = Math.min(this.columnStart[j] as number, k);
        this.columnEnd[j] = Math.max(this.columnEnd[j] as number, k);
      }
    }
    this.stack = new Int32Array(4 * 2 * (Math.ceil(Math.log2(this.n + 1)) + 2) + 16);
  }

  private newChunk(): Pointers {
    const size = 2 * this.n * CHUNK_FRAMES;
    if (this.outOfBand <= 0xff) return new Uint8Array(size);
    if (this.outOfBand <= 0xffff) return new Uint16Array(size);
    return new Uint32Array(size);
  }

  /**
   * For every target j of one layer: the largest `value[k] + log T[k][j]` over sources k and its
   * smallest k, into bestIn/argIn. The rows of T are shifted copies of a log-concave kernel (a
   * triangle), which makes `value[k] + log T[k][j]` a Monge array: the best k never decreases
   * as j grows. Divide and conquer over j then needs O((n + band)·log n) instead of O(n·band).
   */
  private bestPredecessors(offset: number, cutoff: number): void {
    const n = this.n;
    const value = this.value;
    const source = this.source;
    const weights = this.flatWeights;
    const rowBase = this.rowBase;
    let active = 0;
    for (let k = 0; k < n; k++) {
      const v = value[offset + k] as number;
      const kept = v + (this.rowMax[k] as number) >= cutoff;
      source[k] = kept ? v : Number.NEGATIVE_INFINITY;
      if (kept) active++;
    }
    const bestIn = this.bestIn;
    const argIn = this.argIn;
    if (active * this.reachWidth < 4 * n) {
      // Few sources left (the voiced layer, usually): push each along its row instead.
      bestIn.fill(Number.NEGATIVE_INFINITY, offset, offset + n);
      argIn.fill(-1, offset, offset + n);
      const { starts, logRows } = this.band;
      for (let k = 0; k < n; k++) {
        const v = source[k] as number;
        if (v === Number.NEGATIVE_INFINITY) continue;
        const start = starts[k] as number;
        const length = (logRows[k] as Float64Array).length;
        const base = rowBase[k] as number;
        for (let j = start; j < start + length; j++) {
          const candidate = v + (weights[base + j] as number);
          if (candidate > (bestIn[offset + j] as number)) {
            bestIn[offset + j] = candidate;
            argIn[offset + j] = k;
          }
        }
      }
      return;
    }
    const stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    stack[top++] = n - 1;
    stack[top++] = 0;
    stack[top++] = n - 1;
    while (top > 0) {
      const kHigh = stack[--top] as number;
      const kLow = stack[--top] as number;
      const jHigh = stack[--top] as number;
      const jLow = stack[--top] as number;
      if (jLow > jHigh) continue;
      const j = (jLow + jHigh) >> 1;
      const from = Math.max(kLow, this.columnStart[j] as number);
      const to = Math.min(kHigh, this.columnEnd[j] as number);
      let best = Number.NEGATIVE_INFINITY;
      let arg = -1;
      for (let k = from; k <= to; k++) {
        const v = source[k] as number;
        if (v === Number.NEGATIVE_INFINITY) continue;
        const candidate = v + (weights[(rowBase[k] as number) + j] as number);
        if (candidate > best) {
          best = candidate;
          arg = k;
        }
      }
      bestIn[offset + j] = best;
      argIn[offset + j] = arg;
      // A row with no candidate says nothing about its neighbours' best sources.
      const split = arg < 0;
      stack[top++] = jLow;
      stack[top++] = j - 1;
      stack[top++] = kLow;
      stack[top++] = split ? kHigh : arg;
      stack[top++] = j + 1;
      stack[top++] = jHigh;
      stack[top++] = split ? kLow : arg;
      stack[top++] = kHigh;
    }
  }

  /** Advances one frame with the log observation probabilities of the 2n states. */
  step(logObservation: Float64Array): void {
    const n = this.n;
    if (this.frames === 0) {
      for (let s = 0; s < 2 * n; s++)
        this.value[s] = (logObservation[s] as number) + (this.logInit[s] as number);
      this.frames = 1;
      this.fallback.push(0);
      return;
    }
    const value = this.value;
    const bestIn = this.bestIn;
    const argIn = this.argIn;
    let globalBest = 0;
    for (let s = 1; s < 2 * n; s++)
      if ((value[s] as number) > (value[globalBest] as number)) globalBest = s;
    const outside = (value[globalBest] as number) + logProbability(0);
    // Best predecessor within each source layer. A source whose best jump cannot beat the
    // out-of-band jump from the global best state is left out: it could never be chosen. That
    // removes most voiced states, whose observation probability is zero in almost every frame.
    for (let layer = 0; layer < 2; layer++) {
      const cutoff =
        outside -
        Math.max(this.logSwitch[2 * layer] as number, this.logSwitch[2 * layer + 1] as number);
      this.bestPredecessors(layer * n, cutoff);
    }
    const frame = this.frames;
    const chunkIndex = Math.floor(frame / CHUNK_FRAMES);
    if (chunkIndex >= this.chunks.length) this.chunks.push(this.newChunk());
    const pointers = this.chunks[chunkIndex] as Pointers;
    const base = (frame % CHUNK_FRAMES) * 2 * n;
    const width = 2 * this.reach + 1;
    const next = this.next;
    for (let to = 0; to < 2; to++) {
      const fromVoiced = this.logSwitch[to] as number;
      const fromUnvoiced = this.logSwitch[2 + to] as number;
      for (let j = 0; j < n; j++) {
        const viaVoiced = (bestIn[j] as number) + fromVoiced;
        const viaUnvoiced = (bestIn[n + j] as number) + fromUnvoiced;
        let best: number;
        let code: number;
        if (viaVoiced >= viaUnvoiced) {
          best = viaVoiced;
          code = (argIn[j] as number) - j + this.reach;
        } else {
          best = viaUnvoiced;
          code = width + (argIn[n + j] as number) - j + this.reach;
        }
        if (outside > best) {
          best = outside;
          code = this.outOfBand;
        }
        const state = to * n + j;
        next[state] = (logObservation[state] as number) + best;
        pointers[base + state] = code;
      }
    }
    this.fallback.push(globalBest);
    this.value = next;
    this.next = value;
    this.frames++;
  }

  /** The most likely state sequence. */
  decode(): Int32Array {
    const n = this.n;
    const states = new Int32Array(this.frames);
    if (this.frames === 0) return states;
    let state = 0;
    for (let s = 1; s < 2 * n; s++)
      if ((this.value[s] as number) > (this.value[state] as number)) state = s;
    const width = 2 * this.reach + 1;
    for (let t = this.frames - 1; t >= 0; t--) {
      states[t] = state;
      if (t === 0) break;
      const pointers = this.chunks[Math.floor(t / CHUNK_FRAMES)] as Pointers;
      const code = pointers[(t % CHUNK_FRAMES) * 2 * n + state] as number;
      if (code === this.outOfBand) {
        state = this.fallback[t] as number;
      } else {
        const layer = code >= width ? 1 : 0;
        const j = state % n;
        state = layer * n + j + (code - layer * width) - this.reach;
      }
    }
    return states;
  }
}
