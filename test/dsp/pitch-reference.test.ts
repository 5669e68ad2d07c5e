import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { betaCdf, boltzmannPmf } from '../../src/dsp/pitch/distributions.js';
import { defaultPitchFrameLength } from '../../src/dsp/pitch/frames.js';
import { pyin, pyinPitchBins } from '../../src/dsp/pitch/pyin.js';
import { localTransition, logProbability, TwoLayerViterbi } from '../../src/dsp/pitch/viterbi.js';
import { frameTimes, yin } from '../../src/dsp/pitch/yin.js';
import { readNpz } from '../helpers/npz.js';
import { GOLDEN } from '../helpers/paths.js';
import { normalRandom } from '../helpers/voice.js';

// Golden values: test/reference/librosa_pitch.py (numpy from librosa 0.10's yin/pyin, with its
// dense Viterbi) on the first 4 s of test/golden/jfk-16k.f32.
const golden = readNpz(join(GOLDEN, 'librosa-pitch.npz'));
const bytes = readFileSync(join(GOLDEN, 'jfk-16k.f32'));
const jfk = new Float32Array(
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
).slice(0, 4 * 16000);

function values(name: string): Float64Array {
  return golden[name]?.data as Float64Array;
}

describe('yin and pyin against numpy (librosa definitions)', () => {
  it('scale librosa’s 2048-sample frame at 22050 Hz to the sample rate', () => {
    expect(defaultPitchFrameLength(22050)).toBe(2048);
    expect(defaultPitchFrameLength(16000)).toBe(1486);
    expect(defaultPitchFrameLength(44100)).toBe(4096);
  });

  it('yin gives librosa’s f0 on every frame of real speech', () => {
    const track = yin(jfk, { sampleRate: 16000 });
    const expected = values('yin_16k');
    expect(track.f0.length).toBe(expected.length);
    for (let t = 0; t < expected.length; t++)
      expect(track.f0[t]).toBeCloseTo(expected[t] as number, 6);
  });

  it.each([
    ['16k', { sampleRate: 16000 }],
    ['22k', { sampleRate: 22050, fmin: 65.40639132514966, fmax: 2093.004522404789 }],
  ])(
    'pyin (%s) decodes the same voicing and f0 as librosa’s dense Viterbi, frame by frame',
    (name, options) => {
      const track = pyin(jfk, options);
      const f0 = values(`pyin_${name}_f0`);
      const voiced = values(`pyin_${name}_voiced`);
      const probability = values(`pyin_${name}_prob`);
      expect(track.f0.length).toBe(f0.length);
      for (let t = 0; t < f0.length; t++) {
        expect(track.voicedFlag[t]).toBe(voiced[t]);
        if (voiced[t]) expect(track.f0[t]).toBeCloseTo(f0[t] as number, 9);
        else expect(track.f0[t]).toBeNaN();
        expect(track.voicedProbability[t]).toBeCloseTo(probability[t] as number, 12);
      }
      expect(frameTimes(track)[10]).toBeCloseTo((10 * track.hopLength) / options.sampleRate, 12);
    },
  );

  it('keeps the best pitch guess of unvoiced frames when fillNa is null', () => {
    const track = pyin(jfk, { sampleRate: 16000, fillNa: null });
    expect(track.f0.every(Number.isFinite)).toBe(true);
    const bins = pyinPitchBins(50, 600);
    for (const f of track.f0) expect(bins).toContain(f);
  });
});

const bands = new Map<string, ReturnType<typeof localTransition>>();

/** log A[from][to] of the dense kron(switch, band) matrix, zero entries as log(tiny). */
function transitionLog(
  n: number,
  width: number,
  switchProbability: number,
  from: number,
  to: number,
): number {
  const key = `${n}/${width}`;
  const band = bands.get(key) ?? localTransition(n, width);
  bands.set(key, band);
  const [vf, pf] = [Math.floor(from / n), from % n];
  const [vt, pt] = [Math.floor(to / n), to % n];
  const s = vf === vt ? 1 - switchProbability : switchProbability;
  const start = band.starts[pf] as number;
  const row = band.logRows[pf] as Float64Array;
  const inBand = pt >= start && pt < start + row.length;
  return inBand ? Math.log(s * Math.exp(row[pt - start] as number)) : logProbability(0);
}

function pathStart(observations: Float64Array[], init: Float64Array, path: Int32Array): number {
  const first = path[0] as number;
  return (
    ((observations[0] as Float64Array)[first] as number) + logProbability(init[first] as number)
  );
}

/** librosa's Viterbi on the dense kron(switch, band) matrix, written plainly as the reference. */
function denseViterbi(
  logObservations: Float64Array[],
  n: number,
  width: number,
  switchProbability: number,
  init: Float64Array,
): Int32Array {
  const table = Array.from({ length: 2 * n }, (_, from) =>
    Float64Array.from({ length: 2 * n }, (_, to) =>
      transitionLog(n, width, switchProbability, from, to),
    ),
  );
  const logA = (from: number, to: number): number => (table[from] as Float64Array)[to] as number;
  const steps = logObservations.length;
  let value = Float64Array.from(
    logObservations[0] as Float64Array,
    (x, s) => x + logProbability(init[s] as number),
  );
  const pointers: Int32Array[] = [];
  for (let t = 1; t < steps; t++) {
    const next = new Float64Array(2 * n);
    const pointer = new Int32Array(2 * n);
    for (let j = 0; j < 2 * n; j++) {
      let best = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < 2 * n; k++) {
        const candidate = (value[k] as number) + logA(k, j);
        if (candidate > best) {
          best = candidate;
          pointer[j] = k;
        }
      }
      next[j] = ((logObservations[t] as Float64Array)[j] as number) + best;
    }
    pointers.push(pointer);
    value = next;
  }
  const states = new Int32Array(steps);
  let state = 0;
  for (let s = 1; s < 2 * n; s++) if ((value[s] as number) > (value[state] as number)) state = s;
  for (let t = steps - 1; t >= 0; t--) {
    states[t] = state;
    if (t > 0) state = (pointers[t - 1] as Int32Array)[state] as number;
  }
  return states;
}

describe('banded two-layer Viterbi', () => {
  it.each([
    [40, 11, 1],
    [60, 21, 2],
    [33, 10, 3],
  ])(
    'finds the dense decoder’s path on sparse random observations (n=%i, width=%i, seed %i)',
    (n, width, seed) => {
      const random = normalRandom(seed);
      const steps = 120;
      // Like pYIN: most voiced states have probability zero, the unvoiced layer is uniform.
      const observations = Array.from({ length: steps }, () => {
        const p = new Float64Array(2 * n);
        let voiced = 0;
        const peaks = Math.floor(Math.abs(random()) * 4);
        for (let i = 0; i < peaks; i++) {
          const bin = Math.floor(Math.abs(random() * n * 0.4) + n * 0.3) % n;
          const mass = Math.abs(random()) * 0.3;
          p[bin] = mass;
          voiced += mass;
        }
        p.fill(Math.max(0, 1 - voiced) / n, n);
        return p.map(logProbability);
      });
      const init = new Float64Array(2 * n).fill(1 / n, n);
      const expected = denseViterbi(observations, n, width, 0.01, init);
      const viterbi = new TwoLayerViterbi(localTransition(n, width), 0.01, init);
      for (const observation of observations) viterbi.step(observation);
      const states = viterbi.decode();
      // Flat unvoiced stretches hold exactly tied paths, which either decoder may pick; the
      // path's likelihood and its voicing must be the dense decoder's.
      const score = (path: Int32Array) => {
        let total = pathStart(observations, init, path);
        for (let t = 1; t < steps; t++)
          total +=
            transitionLog(n, width, 0.01, path[t - 1] as number, path[t] as number) +
            ((observations[t] as Float64Array)[path[t] as number] as number);
        return total;
      };
      expect(score(states)).toBeCloseTo(score(expected), 9);
      const layer = (path: Int32Array) => Array.from(path, (state) => (state < n ? 1 : 0));
      expect(layer(states)).toEqual(layer(expected));
    },
  );

  it('builds librosa’s triangular band: rows sum to 1 and peak on the diagonal', () => {
    const band = localTransition(50, 11);
    for (let k = 0; k < 50; k++) {
      const row = band.logRows[k] as Float64Array;
      const sum = row.reduce((total, value) => total + Math.exp(value), 0);
      expect(sum).toBeCloseTo(1, 12);
      const peak = (band.starts[k] as number) + row.indexOf(Math.max(...row));
      expect(peak).toBe(k);
    }
  });
});

describe('distributions', () => {
  it('betaCdf equals the binomial closed form for integer parameters', () => {
    // I_x(a, b) = Σ_{j=a}^{a+b−1} C(a+b−1, j) x^j (1−x)^(a+b−1−j)
    const binomial = (n: number, k: number) => {
      let c = 1;
      for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
      return c;
    };
    for (const [a, b] of [
      [2, 18],
      [1, 1],
      [5, 3],
    ] as const) {
      for (const x of [0.01, 0.05, 0.1, 0.3, 0.5, 0.9]) {
        let expected = 0;
        for (let j = a; j <= a + b - 1; j++)
          expected += binomial(a + b - 1, j) * x ** j * (1 - x) ** (a + b - 1 - j);
        expect(betaCdf(x, a, b)).toBeCloseTo(expected, 12);
      }
    }
    expect(betaCdf(0, 2, 18)).toBe(0);
    expect(betaCdf(1, 2, 18)).toBe(1);
  });

  it('boltzmannPmf sums to 1 over its support and is 0 outside it', () => {
    let sum = 0;
    for (let k = 0; k < 7; k++) sum += boltzmannPmf(k, 2, 7);
    expect(sum).toBeCloseTo(1, 14);
    expect(boltzmannPmf(7, 2, 7)).toBe(0);
    expect(boltzmannPmf(0, 2, 0)).toBe(0);
  });
});

describe('pitch edge cases', () => {
  it('calls silence and white noise unvoiced', () => {
    const silence = pyin(new Float32Array(16000), { sampleRate: 16000 });
    expect(silence.voicedFlag.every((v) => v === 0)).toBe(true);
    expect(silence.voicedProbability.every((p) => p === 0)).toBe(true);
    const random = normalRandom(3);
    const noise = Float32Array.from({ length: 32000 }, () => 0.1 * random());
    const track = pyin(noise, { sampleRate: 16000 });
    const voiced = track.voicedFlag.reduce((total, v) => total + v, 0);
    expect(voiced / track.voicedFlag.length).toBeLessThan(0.05);
  });

  it('gives one frame for empty input and none when not centred', () => {
    expect(pyin(new Float32Array(0), { sampleRate: 16000 }).f0.length).toBe(1);
    expect(pyin(new Float32Array(100), { sampleRate: 16000, center: false }).f0.length).toBe(0);
  });

  it('refuses a pitch range that is empty, beyond Nyquist or too wide for the frame', () => {
    const samples = new Float32Array(16000);
    const invalid = expect.objectContaining({ code: 'invalid_parameter' });
    expect(() => pyin(samples, { sampleRate: 16000, fmin: 300, fmax: 200 })).toThrow(invalid);
    expect(() => yin(samples, { sampleRate: 16000, fmax: 9000 })).toThrow(invalid);
    expect(() => pyin(samples, { sampleRate: 16000, frameLength: 40 })).toThrow(invalid);
    expect(() => pyin(new Float32Array([Number.NaN]), { sampleRate: 16000 })).toThrow(
      expect.objectContaining({ code: 'signal_not_finite' }),
    );
  });
});
