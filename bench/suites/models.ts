/**
 * Whisper encoder cost at real sizes, on random-weight fixtures loaded the way real models are
 * (model store → session pool → contract check): session load time and encoder time per
 * 30-second window at tiny, base and small dimensions, fp32 and q8 (dynamic int8 MatMul),
 * alternated A B A B. Next to them, this machine's fp32 matrix-multiply rate, measured through
 * onnxruntime on a MatMul of the encoder's feed-forward shape, gives the FLOP floor: the time the
 * encoder's arithmetic alone would take at that rate.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { acquireModelSession } from '../../src/models/model-sessions.js';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { encodeModel, Graph } from '../../test/fixtures/onnx/graph.js';
import { Rng } from '../../test/fixtures/onnx/random.js';
import { float32 } from '../../test/fixtures/onnx/tensor.js';
import { encoderFlops, WHISPER_DIMS, type WhisperSize } from '../../test/fixtures/whisper/index.js';
import { BENCH_FIXTURES, whisperFixtureFolder } from '../lib/fixtures.js';
import { alternate, compare, formatMs } from '../lib/harness.js';
import { round, type Summary } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const DTYPES = ['fp32', 'q8'] as const;
const POOL_OPTIONS = {
  executionProvider: 'cpu' as const,
  intraOpThreads: 0,
  interOpThreads: 1,
  idleTtlS: 0,
};

/** fp32 GFLOP/s of onnxruntime's MatMul on [1500, d] × [d, 4d], the encoder's largest product. */
async function matmulRate(d: number, rounds: number) {
  const g = new Graph('matmul');
  const x = g.input('x', 'float32', [1500, d]);
  const w = g.initializer('w', float32(new Rng(1).weights(d * 4 * d, 0.05), [d, 4 * d]));
  g.output(g.op1('MatMul', [x, w]), 'y', 'float32', [1500, 4 * d]);
  const session = await InferenceSession.create(encodeModel(g), {
    executionProviders: ['cpu'],
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const input = new Tensor('float32', new Rng(2).weights(1500 * d, 1), [1500, d]);
  const { run } = await alternate({ run: () => session.run({ x: input }) }, { rounds, warmup: 2 });
  await session.release();
  const flops = 2 * 1500 * d * 4 * d;
  const timing = run as Summary;
  return {
    shape: `[1500, ${d}] x [${d}, ${4 * d}]`,
    flops,
    timingMs: timing,
    medianGflops: round(flops / timing.median / 1e6, 1),
    bestGflops: round(flops / timing.min / 1e6, 1),
  };
}

export const suite: BenchSuite = {
  name: 'models',
  description:
    'Whisper encoder load time and time per 30 s window (tiny/base/small, fp32 and q8) vs the fp32 matmul FLOP floor',
  async run({ quick }) {
    const sizes: WhisperSize[] = quick ? ['tiny'] : ['tiny', 'base', 'small'];
    const rate = await matmulRate(768, quick ? 5 : 15);
    const lines = [
      `fp32 MatMul ${rate.shape}: median ${rate.medianGflops} GFLOP/s, best ${rate.bestGflops} GFLOP/s (${formatMs(rate.timingMs)})`,
    ];
    const results: Record<string, unknown> = {};
    const features = new Tensor('float32', new Rng(3).weights(80 * 3000, 1), [1, 80, 3000]);

    for (const size of sizes) {
      const folder = whisperFixtureFolder(size);
      const store = new ModelStore({
        dir: BENCH_FIXTURES,
        hubUrl: 'http://127.0.0.1:9',
        offline: true,
        token: null,
        timeoutS: 1,
      });
      const models = {
        fp32: await store.resolve(folder, { kind: 'whisper', dtype: 'fp32' }),
        q8: await store.resolve(folder, { kind: 'whisper', dtype: 'q8' }),
      };
      const rounds = quick ? 2 : size === 'small' ? 3 : 5;

      // Load: a fresh pool each time, so every round reads, checks and optimises the graph.
      const loadOnce = (dtype: (typeof DTYPES)[number]) => async () => {
        const pool = new SessionPool(POOL_OPTIONS);
        const lease = await acquireModelSession(pool, models[dtype], 'encoder');
        lease.release();
        await pool.close();
      };
      const load = await alternate(
        { fp32: loadOnce('fp32'), q8: loadOnce('q8') },
        { rounds, warmup: 1 },
      );

      const pool = new SessionPool(POOL_OPTIONS);
      const fp32 = await acquireModelSession(pool, models.fp32, 'encoder');
      const q8 = await acquireModelSession(pool, models.q8, 'encoder');
      const encode = await alternate(
        {
          fp32: () => fp32.session.run({ input_features: features }),
          q8: () => q8.session.run({ input_features: features }),
        },
        { rounds, warmup: 1 },
      );
      fp32.release();
      q8.release();
      await pool.close();

      const flops = encoderFlops(WHISPER_DIMS[size], 80);
      const floorMs = flops / (rate.bestGflops * 1e6);
      const perDtype = Object.fromEntries(
        DTYPES.map((dtype) => {
          const timing = encode[dtype] as Summary;
          return [
            dtype,
            {
              loadMs: load[dtype],
              encoderMs: timing,
              achievedGflops: round(flops / timing.median / 1e6, 1),
              timesFloor: round(timing.median / floorMs, 2),
              realTimeFactor: round(30_000 / timing.median, 1),
            },
          ];
        }),
      );
      results[size] = {
        encoderGflop: round(flops / 1e9, 1),
        fp32FloorMs: round(floorMs, 1),
        ...perDtype,
      };
      const speedup = compare(encode['q8'] as Summary, encode['fp32'] as Summary);
      lines.push(
        `${size}: encoder ${round(flops / 1e9, 1)} GFLOP per window; fp32 floor at ${rate.bestGflops} GFLOP/s: ${floorMs.toFixed(0)} ms`,
        ...DTYPES.map((dtype) => {
          const entry = perDtype[dtype] as {
            achievedGflops: number;
            timesFloor: number;
            realTimeFactor: number;
          };
          return `  ${dtype.padEnd(4)} load ${formatMs(load[dtype] as Summary)}; encode ${formatMs(encode[dtype] as Summary)} = ${entry.achievedGflops} GFLOP/s, ${entry.timesFloor}× the floor, ${entry.realTimeFactor}× real time`;
        }),
        `  q8 vs fp32 encode: ${speedup.medianRatio}× (per-round range ${speedup.worstCaseRatio}×–${speedup.bestCaseRatio}×)`,
      );
    }
    return {
      summary: lines,
      data: {
        threads: { intraOp: 'onnxruntime default (0)', interOp: 1 },
        input: '[1, 80, 3000] log-mel window (30 s)',
        matmul: rate,
        sizes: results,
      },
    };
  },
};
