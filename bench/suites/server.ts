/**
 * The speech API server under load: autocannon POSTs a 5-second clip to
 * `/v1/audio/transcriptions` (`model=whisper-1`, `language=en`) with 1, 4 and 16 concurrent clients against an in-process server
 * on 127.0.0.1. The model is an ONNX Whisper fixture with a tiny-dimension random encoder and a
 * scripted decoder (a fixed transcript of 20 tokens), loaded through the model store like any model.
 * The server keeps its defaults except a queue of 8, so 16 clients overload it: requests beyond
 * the running one and the 8 queued must be refused with 429 at once, never fail with 5xx, and
 * memory must stay bounded. Reported per level: throughput, p50/p95 latency of answered
 * requests, status counts, and resident memory before, at peak and after. Requests still
 * unanswered when a level ends are not counted, which cuts the latency tail of the overloaded
 * level at its duration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadAudio } from '../../src/audio/load.js';
import { encodeWav } from '../../src/audio/wav.js';
import { loadConfig } from '../../src/config/index.js';
import { SessionPool, sessionPoolOptions } from '../../src/models/session-pool.js';
import { multipart } from '../../test/helpers/multipart.js';
import { whisperTokenizer } from '../../test/helpers/whisper-tokenizer.js';
import { startFixtureServer } from '../lib/fixture-server.js';
import { round } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const CLIP_S = 5;
const QUEUE = 8;
const TRANSCRIPT = 'And so, my fellow Americans, ask not what your country can do for you.';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

const rssMb = () => round(process.memoryUsage().rss / 2 ** 20, 0);

interface LevelResult {
  clients: number;
  durationS: number;
  answered: number;
  throughputPerS: number;
  audioSecondsPerS: number;
  latencyMs: { p50: number; p95: number; max: number };
  /** Latencies of answered requests in ms (pooled over rounds, not reported one by one). */
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
  rssMb: { before: number; peak: number; after: number };
}

async function level(
  url: string,
  body: Buffer,
  contentType: string,
  clients: number,
  durationS: number,
): Promise<LevelResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 100);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/audio/transcriptions`,
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
        connections: clients,
        duration: durationS,
        timeout: 120,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode === 200) latencies.push(responseTime);
    });
  });
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const answered = statuses['200'] ?? 0;
  return {
    clients,
    durationS: result.duration,
    answered,
    throughputPerS: round(answered / result.duration, 2),
    audioSecondsPerS: round((answered * CLIP_S) / result.duration, 1),
    latencyMs: {
      p50: round(percentile(latencies, 50), 0),
      p95: round(percentile(latencies, 95), 0),
      max: round(latencies.at(-1) ?? Number.NaN, 0),
    },
    latencies,
    statuses,
    errors: result.errors,
    rssMb: { before, peak: Math.max(peak, rssMb()), after: rssMb() },
  };
}

/** One result per level from its rounds: counts summed, latencies pooled, memory extremes. */
function combine(results: LevelResult[]): Omit<LevelResult, 'latencies'> & { rounds: number } {
  const first = results[0] as LevelResult;
  const durationS = results.reduce((sum, result) => sum + result.durationS, 0);
  const answered = results.reduce((sum, result) => sum + result.answered, 0);
  const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const result of results)
    for (const [status, count] of Object.entries(result.statuses))
      statuses[status] = (statuses[status] ?? 0) + count;
  return {
    clients: first.clients,
    rounds: results.length,
    durationS: round(durationS, 1),
    answered,
    throughputPerS: round(answered / durationS, 2),
    audioSecondsPerS: round((answered * CLIP_S) / durationS, 1),
    latencyMs: {
      p50: round(percentile(latencies, 50), 0),
      p95: round(percentile(latencies, 95), 0),
      max: round(latencies.at(-1) ?? Number.NaN, 0),
    },
    statuses,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    rssMb: {
      before: first.rssMb.before,
      peak: Math.max(...results.map((result) => result.rssMb.peak)),
      after: (results.at(-1) as LevelResult).rssMb.after,
    },
  };
}

export const suite: BenchSuite = {
  name: 'server',
  description:
    'Speech API server under load (autocannon, 5 s clips, 1/4/16 clients, queue 8): throughput, latency, 429s, memory',
  async run({ quick }) {
    const durationS = quick ? 5 : 30;
    const folder = mkdtempSync(join(tmpdir(), 'earshot-bench-server-'));
    const pool = new SessionPool(sessionPoolOptions(loadConfig({ env: {}, cwd: folder }).config));
    try {
      const { server, url, config } = await startFixtureServer(
        folder,
        pool,
        [[0, CLIP_S, TRANSCRIPT]],
        { queueLength: QUEUE },
      );
      const jfk = (
        await loadAudio(new URL('../../../shared/data/audio/jfk.flac', import.meta.url).pathname)
      ).samples;
      const clip = encodeWav(jfk.subarray(0, CLIP_S * 16_000), 16_000);
      const { body, contentType } = multipart([
        { name: 'model', data: 'whisper-1' },
        // With the language given, each request runs the encoder once (no detection pass).
        { name: 'language', data: 'en' },
        { name: 'file', filename: 'clip.wav', contentType: 'audio/wav', data: clip },
      ]);
      // One request first, so that model loading is not part of any level.
      const first = await fetch(`${url}/v1/audio/transcriptions`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      const transcript = ((await first.json()) as { text: string }).text;
      if (first.status !== 200 || transcript !== TRANSCRIPT)
        throw new Error(`the warm-up request failed: ${first.status} ${transcript}`);

      // Timestamps around the text, then end of text.
      const tokens = whisperTokenizer().encode(` ${TRANSCRIPT}`).length + 3;
      // Levels are interleaved over rounds (1 4 16, 16 4 1, …) so that load from other work on
      // the machine falls on all of them alike.
      const rounds = quick ? 1 : 2;
      const runs: Record<number, LevelResult[]> = { 1: [], 4: [], 16: [] };
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [1, 4, 16] : [16, 4, 1];
        for (const clients of order) {
          runs[clients]?.push(await level(url, body, contentType, clients, durationS));
          // Requests still running when the clients stop must not overlap the next level.
          while (server.context.admission.state(config.asr.model).active > 0)
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      const levels = Object.values(runs).map(combine);
      await server.close(5);
      const lines = [
        `clip ${CLIP_S} s, tiny-dimension encoder + scripted decoder (${tokens} tokens), concurrency ${config.server.modelConcurrency}, queue ${QUEUE}, ${rounds} interleaved rounds of ${durationS} s per level`,
        ...levels.map((result) => {
          const refused = result.statuses['429'] ?? 0;
          const serverErrors = Object.entries(result.statuses)
            .filter(([status]) => status.startsWith('5'))
            .reduce((sum, [, count]) => sum + count, 0);
          return `${String(result.clients).padStart(2)} clients (${result.answered} answered): ${result.throughputPerS} req/s (${result.audioSecondsPerS} audio s/s), p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms; 429: ${refused}, 5xx: ${serverErrors}, socket errors: ${result.errors}; RSS ${result.rssMb.before} → peak ${result.rssMb.peak} → ${result.rssMb.after} MB`;
        }),
      ];
      return {
        summary: lines,
        data: {
          clipSeconds: CLIP_S,
          queueLength: QUEUE,
          modelConcurrency: config.server.modelConcurrency,
          model: 'tiny-dimension random encoder, scripted decoder, fp32',
          decodedTokensPerRequest: tokens,
          levels,
        },
      };
    } finally {
      await pool.close();
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
