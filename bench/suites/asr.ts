/**
 * End-to-end transcription of 60 s of audio with real-size random Whisper models (tiny and base
 * dimensions), Earshot against the transformers.js ASR pipeline on the same files and the same
 * fixed decoding budget: end of text is forbidden until N tokens per 30-second window (both
 * engines), no timestamps, greedy, no fallback. transformers.js runs with 30 s chunks and no
 * stride so both decode the same two windows. Each run is a fresh process (so peak RSS is its
 * own), alternated A B A B; model load time is reported apart from transcription time.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadAudio } from '../../src/audio/load.js';
import { encodeWav } from '../../src/audio/wav.js';
import { BENCH_FIXTURES, whisperFixtureFolder } from '../lib/fixtures.js';
import { compare, formatMs } from '../lib/harness.js';
import { round, summarize } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = join(ROOT, 'bench', 'workers', 'asr-run.ts');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

async function speechFile(seconds: number): Promise<string> {
  const path = join(BENCH_FIXTURES, `speech-${seconds}s.wav`);
  if (!existsSync(path)) {
    const speech = (await loadAudio(join(ROOT, '..', 'shared', 'data', 'audio', 'jfk.flac')))
      .samples;
    const samples = new Float32Array(seconds * 16000);
    for (let i = 0; i < samples.length; i++) samples[i] = speech[i % speech.length] as number;
    writeFileSync(path, encodeWav(samples, 16000));
  }
  return path;
}

interface WorkerResult {
  loadMs: number;
  transcribeMs: number;
  maxRssMb: number;
  tokens?: number;
  decoderStepMedianMs?: number;
}

async function once(
  engine: 'earshot' | 'transformers',
  folder: string,
  dtype: string,
  wav: string,
  tokens: number,
): Promise<WorkerResult> {
  const { stdout } = await run(TSX, [WORKER, engine, folder, dtype, wav, String(tokens)], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').at(-1) as string;
  return JSON.parse(line) as WorkerResult;
}

export const suite: BenchSuite = {
  name: 'asr',
  description:
    'End-to-end Whisper transcription (60 s, fixed token budget) vs the transformers.js ASR pipeline',
  async run({ quick }) {
    const seconds = 60;
    const tokens = quick ? 16 : 64;
    const rounds = quick ? 1 : 3;
    const dtype = 'fp32';
    const wav = await speechFile(seconds);
    const lines: string[] = [
      `audio: ${seconds} s, ${tokens} tokens per window, greedy, ${dtype}, ${rounds} alternated rounds`,
    ];
    const data: Record<string, unknown> = { seconds, tokensPerWindow: tokens, dtype, rounds };
    for (const size of ['tiny', 'base'] as const) {
      const folder = whisperFixtureFolder(size);
      const runs: Record<'earshot' | 'transformers', WorkerResult[]> = {
        earshot: [],
        transformers: [],
      };
      for (let r = 0; r < rounds; r++) {
        const order =
          r % 2 === 0
            ? (['earshot', 'transformers'] as const)
            : (['transformers', 'earshot'] as const);
        for (const engine of order)
          runs[engine].push(await once(engine, folder, dtype, wav, tokens));
      }
      const earshot = summarize(runs.earshot.map((result) => result.transcribeMs));
      const peer = summarize(runs.transformers.map((result) => result.transcribeMs));
      const ratio = compare(earshot, peer);
      const stepMs = summarize(runs.earshot.map((result) => result.decoderStepMedianMs ?? 0));
      const rss = (results: WorkerResult[]) =>
        round(Math.max(...results.map((result) => result.maxRssMb)), 0);
      lines.push(
        `${size}: earshot ${formatMs(earshot)} → ${round((seconds * 1000) / earshot.median, 1)}× real time`,
        `${size}: transformers.js ${formatMs(peer)} → ${round((seconds * 1000) / peer.median, 1)}× real time`,
        `${size}: speed-up ${ratio.medianRatio}× (per-round range ${ratio.worstCaseRatio}×–${ratio.bestCaseRatio}×); earshot decoder step median ${stepMs.median.toFixed(1)} ms/token; peak RSS earshot ${rss(runs.earshot)} MB, transformers.js ${rss(runs.transformers)} MB`,
      );
      data[size] = {
        earshot: {
          transcribeMs: earshot,
          loadMs: summarize(runs.earshot.map((result) => result.loadMs)),
          decoderStepMs: stepMs,
          peakRssMb: rss(runs.earshot),
        },
        transformersJs: {
          transcribeMs: peer,
          loadMs: summarize(runs.transformers.map((result) => result.loadMs)),
          peakRssMb: rss(runs.transformers),
        },
        speedup: ratio,
      };
    }
    return { summary: lines, data: { ...data, target: 'earshot ≥ 2× faster end to end' } };
  },
};
