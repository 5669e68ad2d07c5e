/**
 * Live transcription on speech paced in real time (eSpeak NG sentences with pauses; 5 minutes, or
 * EARSHOT_BENCH_LIVE_S seconds, 40 with --quick): tiny-dimension drafts with base-dimension
 * confirmations (random weights, fixed token budgets) against a whisper_streaming-style baseline
 * (the base model alone re-transcribing the whole buffer every second, LocalAgreement-2, no
 * drafts), in the same harness. Latency, real-time factor and memory over time come from the
 * event stream (`liveMetrics`) and from the process. A third run repeats ours with confirms on
 * their own audio too (`live.confirmAudioContext = content`). Ours runs the confirm model in a
 * worker thread, as `earshot live` does; the baseline's single model runs on the main thread. The contenders run one after the other:
 * each takes the audio's duration, so they cannot be interleaved round by round; instead one
 * pass of each model alone is timed before, between and after them, with the load average, so
 * that a change in what else the machine was doing shows in the result.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { TranscribeOptions } from '../../src/asr/types.js';
import { WhisperModel } from '../../src/asr/whisper/whisper-model.js';
import { WorkerTranscriptionModel } from '../../src/asr/worker/worker-model.js';
import { loadConfig } from '../../src/config/index.js';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool, sessionPoolOptions } from '../../src/models/session-pool.js';
import { type LatencySummary, liveMetrics } from '../../src/stream/metrics.js';
import { type PassRole, runPass } from '../../src/stream/pass-runner.js';
import { BENCH_FIXTURES, whisperFixtureFolder } from '../lib/fixtures.js';
import {
  type ContenderRun,
  round,
  runContender,
  slope,
  speechWithPauses,
} from '../lib/live-harness.js';
import { summarize } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const DRAFT_TOKENS = 8;
const CONFIRM_TOKENS = 32;

function budget(tokens: number): TranscribeOptions {
  // Random weights decide nothing meaningful: fixed budgets make every pass cost the same; the
  // no-speech gate is off so that random "silence" verdicts do not skip passes; and the bare space
  // token (220), which random decoders favour, is suppressed so that passes write words.
  return {
    language: 'en',
    withoutTimestamps: true,
    minNewTokens: tokens,
    maxNewTokens: tokens,
    noSpeechThreshold: null,
    suppressTokens: [-1, 220],
  };
}

function ms(summary: LatencySummary): string {
  return summary.count === 0
    ? 'n/a'
    : `p50 ${summary.p50} ms, p95 ${summary.p95} ms (n=${summary.count})`;
}

function report(name: string, run: ContenderRun, durationS: number) {
  const wall = liveMetrics(run.events);
  const unaware = liveMetrics(run.events, { clock: 'unaware' });
  // Memory after the first minute (start-up and JIT settled), in MB per minute.
  const settled = run.memory.filter((sample) => sample.atS >= Math.min(60, durationS / 4));
  const memory = {
    rssStartMB: settled[0]?.rssMB ?? null,
    rssEndMB: run.memory.at(-1)?.rssMB ?? null,
    rssSlopeMBPerMin: round(slope(settled.map((s) => [s.atS / 60, s.rssMB] as const)), 2),
    heapSlopeMBPerMin: round(slope(settled.map((s) => [s.atS / 60, s.heapMB] as const)), 2),
    maxBufferS: Math.max(...run.memory.map((sample) => sample.bufferS)),
  };
  const count = (type: string) => run.events.filter((event) => event.type === type).length;
  const stream = {
    draftWords: count('token'),
    finalWords: wall.finalWords,
    overloaded: run.events.filter(
      (event) => event.type === 'error' && event.error.code === 'overloaded',
    ).length,
  };
  const lines = [
    `${name}: draft passes ${ms(wall.latency.draftWindow)}; ${wall.passes.draft.done} run, ${wall.passes.draft.dropped} dropped`,
    `${name}: confirm passes ${ms(wall.latency.confirmWindow)}; ${wall.passes.confirm.done} run`,
    `${name}: per word, first text ${ms(wall.latency.firstDraft)}; confirmed ${ms(wall.latency.confirm)}; final ${ms(wall.latency.final)}`,
    `${name}: RTF draft ${wall.passes.draft.rtf}, confirm ${wall.passes.confirm.rtf}; memory RSS ${memory.rssStartMB} → ${memory.rssEndMB} MB (${memory.rssSlopeMBPerMin} MB/min), heap ${memory.heapSlopeMBPerMin} MB/min, buffer ≤ ${memory.maxBufferS} s`,
    `${name}: ${stream.draftWords} draft words shown, ${stream.finalWords} final words, ${stream.overloaded} overload skips`,
  ];
  return {
    lines,
    data: { wall, unaware, stream, memory, memorySeries: run.memory, wallS: run.wallS },
  };
}

export const suite: BenchSuite = {
  name: 'live',
  description:
    'Live transcription of paced speech: tiny drafts + base confirms vs whisper_streaming-style base',
  async run({ quick }) {
    const durationS = Number(process.env['EARSHOT_BENCH_LIVE_S'] ?? (quick ? 40 : 300));
    const config = loadConfig({ env: process.env }).config;
    const pool = new SessionPool({ ...sessionPoolOptions(config), idleTtlS: 0 });
    const store = new ModelStore({
      dir: join(BENCH_FIXTURES, 'cache'),
      hubUrl: 'http://127.0.0.1:9',
      offline: true,
      token: null,
      timeoutS: 5,
    });
    // fp32 by default; EARSHOT_BENCH_LIVE_DTYPE=q8 runs the weights `asr.dtype` loads by default.
    const dtype = process.env['EARSHOT_BENCH_LIVE_DTYPE'] === 'q8' ? 'q8' : 'fp32';
    const resolve = (size: 'tiny' | 'base') =>
      store.resolve(whisperFixtureFolder(size), { kind: 'whisper', dtype });
    const open = async (size: 'tiny' | 'base') => WhisperModel.load(await resolve(size), pool);
    const tiny = await open('tiny');
    const base = await open('base');
    // Ours runs its confirm model in a worker thread, as `earshot live` does with two models.
    const baseInWorker = await WorkerTranscriptionModel.open(await resolve('base'), pool.options);
    const samples = await speechWithPauses(durationS);
    const draft = { model: tiny, options: budget(DRAFT_TOKENS) };
    const confirm = { model: base, options: budget(CONFIRM_TOKENS) };

    // One pass of each model alone (as the pipeline runs it), warm: the floor under any pass
    // latency on this machine.
    const clip = samples.subarray(0, 3 * 16_000);
    const signal = new AbortController().signal;
    const alone = async (pass: typeof draft, role: PassRole) => {
      await runPass(pass, role, clip, 0, '', signal);
      const times: number[] = [];
      for (let i = 0; i < (quick ? 2 : 5); i++) {
        const started = performance.now();
        await runPass(pass, role, clip, 0, '', signal);
        times.push(performance.now() - started);
      }
      return summarize(times);
    };
    // The machine is shared: the floor is taken before, between and after the contenders, so a
    // change of load during the runs shows.
    const probe = async () => ({
      draft: await alone(draft, 'draft'),
      confirm: await alone(confirm, 'confirm'),
      load: round(loadavg()[0] ?? 0, 2),
    });
    const floors = [await probe()];
    const confirmInWorker = { ...confirm, model: baseInWorker };
    const ours = report(
      'tiny+base',
      await runContender(samples, { draft, confirm: confirmInWorker }),
      durationS,
    );
    floors.push(await probe());
    const baseline = report(
      'baseline',
      await runContender(samples, { draft: null, confirm, confirmStepMs: 1000, agreement: 2 }),
      durationS,
    );
    floors.push(await probe());
    // The same pair with confirms on their own audio too (live.confirmAudioContext = content):
    // faster confirms for less accuracy on real weights.
    const fast = report(
      'tiny+base, content confirms',
      await runContender(samples, {
        draft,
        confirm: {
          ...confirmInWorker,
          options: { ...confirm.options, audioContext: 'content' },
        },
      }),
      durationS,
    );
    floors.push(await probe());
    const floor = floors[0] as Awaited<ReturnType<typeof probe>>;
    await Promise.all([tiny.close(), base.close(), baseInWorker.close()]);
    await pool.close();

    const draftP50 = ours.data.wall.latency.draftWindow.p50;
    const confirmP50 = ours.data.wall.latency.confirmWindow.p50;
    const summary = [
      `audio: ${durationS} s of eSpeak speech with pauses, paced in real time; no VAD; ${dtype} random weights; drafts on their own audio (audioContext content), confirms on 30 s windows unless said; budgets ${DRAFT_TOKENS} (draft) and ${CONFIRM_TOKENS} (confirm) tokens, space token suppressed`,
      `one pass alone on 3 s (before / between / after the contenders): tiny ${floors.map((f) => round(f.draft.median, 0)).join(' / ')} ms, base ${floors.map((f) => round(f.confirm.median, 0)).join(' / ')} ms (medians of ${floor.draft.runs}); load average ${floors.map((f) => f.load).join(' / ')}`,
      ...ours.lines,
      ...baseline.lines,
      ...fast.lines,
      `targets: draft p50 ≤ 300 ms: ${draftP50 !== null && draftP50 <= 300 ? 'met' : 'not met'} (${draftP50} ms); confirm p50 ≤ 1500 ms: ${confirmP50 !== null && confirmP50 <= 1500 ? 'met' : 'not met'} (${confirmP50} ms); flat memory: ${Math.abs(ours.data.memory.heapSlopeMBPerMin) < 2 ? 'yes' : 'no'} (heap ${ours.data.memory.heapSlopeMBPerMin} MB/min)`,
      `first text per word: ours ${ours.data.wall.latency.firstDraft.p50} ms vs baseline ${baseline.data.wall.latency.firstDraft.p50} ms (p50)`,
      `with content confirms: draft p50 ${fast.data.wall.latency.draftWindow.p50} ms, confirm p50 ${fast.data.wall.latency.confirmWindow.p50} ms, first text per word p50 ${fast.data.wall.latency.firstDraft.p50} ms`,
    ];
    return {
      summary,
      data: {
        durationS,
        dtype,
        budgets: { draft: DRAFT_TOKENS, confirm: CONFIRM_TOKENS },
        threads: { intraOp: config.onnx.intraOpThreads, interOp: config.onnx.interOpThreads },
        passAloneMs: floors,
        ours: ours.data,
        baseline: baseline.data,
        contentConfirms: fast.data,
      },
    };
  },
};
