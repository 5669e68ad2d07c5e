/**
 * Realtime transcription sessions under load: 1, 4 and 8 WebSocket clients at once, each
 * streaming a minute of eSpeak speech (sentences between 1.5 s pauses) in real time as 100 ms
 * `input_audio_buffer.append` events to `/v1/realtime` with server VAD, against an in-process
 * server on 127.0.0.1. The model is an ONNX Whisper fixture with a tiny-dimension random encoder
 * and a scripted decoder, loaded through the model store like any model; Silero VAD is the real one.
 *
 * Per turn, on the client's clock: turn detection (from sending the chunk where the sentence ends
 * to `speech_stopped`, which includes the 500 ms of silence that ends a turn), transcription
 * (`speech_stopped` to `completed`) and the whole (sentence end sent to `completed`). Reported per
 * level: p50/p95 of each, turns found against sentences spoken, failures and error events, and
 * resident memory before, at peak and after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { SessionPool, sessionPoolOptions } from '../../src/models/session-pool.js';
import { connect, pcm16Base64, socketUrl } from '../../test/helpers/socket-client.js';
import { buildScene, type Scene, type ScenePart } from '../../test/helpers/speech-scene.js';
import { startFixtureServer } from '../lib/fixture-server.js';
import { round } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const RATE = 24_000;
const CHUNK_MS = 100;
const TRANSCRIPT = 'And so, my fellow Americans, ask not what your country can do for you.';
const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Pack my box with five dozen liquor jugs.',
  'How vexingly quick daft zebras jump.',
  'The five boxing wizards jump quickly.',
  'Sphinx of black quartz, judge my vow.',
  'Jackdaws love my big sphinx of quartz.',
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50), 0),
    p95: round(percentile(sorted, 95), 0),
    max: round(sorted.at(-1) ?? Number.NaN, 0),
  };
}

const rssMb = () => round(process.memoryUsage().rss / 2 ** 20, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface SessionTimes {
  spoken: number;
  turns: number;
  detectionMs: number[];
  transcriptionMs: number[];
  totalMs: number[];
  failed: number;
  errors: number;
}

/** One client: streams the scene in real time, then waits for every turn's transcript. */
async function session(url: string, scene: Scene, delayMs: number): Promise<SessionTimes> {
  await sleep(delayMs);
  const client = await connect(socketUrl(url, '/v1/realtime?intent=transcription'));
  client.send({
    type: 'transcription_session.update',
    session: { input_audio_transcription: { language: 'en' } },
  });
  await client.next('transcription_session.updated');
  const received = new Map<string, number>();
  client.socket.on('message', (data) => {
    const event = JSON.parse(String(data)) as { type: string; item_id?: string };
    received.set(`${event.type}:${event.item_id ?? ''}`, performance.now());
  });
  const chunk = Math.round((RATE * CHUNK_MS) / 1000);
  const endSent: number[] = [];
  const started = performance.now();
  for (let index = 0, from = 0; from < scene.samples.length; index++, from += chunk) {
    await sleep(started + index * CHUNK_MS - performance.now());
    client.send({
      type: 'input_audio_buffer.append',
      audio: pcm16Base64(scene.samples.subarray(from, from + chunk)),
    });
    const to = (from + chunk) / RATE;
    for (const truth of scene.truth) {
      if (truth.endS > from / RATE && truth.endS <= to) endSent.push(performance.now());
    }
  }
  const turns = scene.truth.length;
  const finished = () =>
    client.events.filter((event) => event.type.startsWith('conversation.item.input_audio_')).length;
  const deadline = performance.now() + 120_000;
  while (finished() < turns && performance.now() < deadline) await sleep(50);
  await client.close();

  const stopped = client.events.filter(
    (event) => event.type === 'input_audio_buffer.speech_stopped',
  );
  const times: SessionTimes = {
    spoken: turns,
    turns: stopped.length,
    detectionMs: [],
    transcriptionMs: [],
    totalMs: [],
    failed: client.events.filter((event) => event.type.endsWith('transcription.failed')).length,
    errors: client.events.filter((event) => event.type === 'error').length,
  };
  stopped.forEach((event, turn) => {
    const itemId = event['item_id'] as string;
    const stoppedAt = received.get(`input_audio_buffer.speech_stopped:${itemId}`);
    const completedAt = received.get(
      `conversation.item.input_audio_transcription.completed:${itemId}`,
    );
    const sentAt = endSent[turn];
    if (stoppedAt === undefined || completedAt === undefined || sentAt === undefined) return;
    times.detectionMs.push(stoppedAt - sentAt);
    times.transcriptionMs.push(completedAt - stoppedAt);
    times.totalMs.push(completedAt - sentAt);
  });
  return times;
}

async function level(url: string, scene: Scene, clients: number) {
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 200);
  // Staggered starts, so that the clients' turns do not all end at the same moment.
  const sessions = await Promise.all(
    Array.from({ length: clients }, (_, index) => session(url, scene, index * 370)),
  );
  clearInterval(sampler);
  const pooled = (key: 'detectionMs' | 'transcriptionMs' | 'totalMs') =>
    spread(sessions.flatMap((times) => times[key]));
  return {
    clients,
    spoken: sessions.reduce((sum, times) => sum + times.spoken, 0),
    turns: sessions.reduce((sum, times) => sum + times.turns, 0),
    failed: sessions.reduce((sum, times) => sum + times.failed, 0),
    errorEvents: sessions.reduce((sum, times) => sum + times.errors, 0),
    detectionMs: pooled('detectionMs'),
    transcriptionMs: pooled('transcriptionMs'),
    totalMs: pooled('totalMs'),
    rssMb: { before, peak: Math.max(peak, rssMb()), after: rssMb() },
  };
}

export const suite: BenchSuite = {
  name: 'realtime',
  description:
    'Realtime WebSocket sessions (1/4/8 clients, speech paced in real time, server VAD): turn detection and transcription latency, memory',
  async run({ quick }) {
    const folder = mkdtempSync(join(tmpdir(), 'earshot-bench-realtime-'));
    const pool = new SessionPool(sessionPoolOptions(loadConfig({ env: {}, cwd: folder }).config));
    try {
      const { server, url, config } = await startFixtureServer(folder, pool, [[0, 2, TRANSCRIPT]]);
      const repeats = quick ? 1 : 2;
      const parts: ScenePart[] = [{ silenceS: 0.5 }];
      for (let i = 0; i < repeats; i++)
        for (const say of SENTENCES) parts.push({ say }, { silenceS: 1.5 });
      const scene = await buildScene(parts, RATE);
      // Loads the model and the VAD before any level is timed.
      await session(url, await buildScene([{ say: 'Warm up.' }, { silenceS: 1 }], RATE), 0);

      const levels = [];
      for (const clients of quick ? [1, 4] : [1, 4, 8])
        levels.push(await level(url, scene, clients));
      await server.close(5);
      const lines = [
        `${round(scene.samples.length / RATE, 1)} s of speech per client (${scene.truth.length} sentences, 1.5 s pauses), paced in real time in ${CHUNK_MS} ms appends; tiny-dimension encoder + scripted decoder, concurrency ${config.server.modelConcurrency}`,
        ...levels.map(
          (result) =>
            `${result.clients} client(s): ${result.turns}/${result.spoken} turns, detection p50 ${result.detectionMs.p50} ms (p95 ${result.detectionMs.p95}), transcription p50 ${result.transcriptionMs.p50} ms (p95 ${result.transcriptionMs.p95}), end to end p50 ${result.totalMs.p50} ms (p95 ${result.totalMs.p95}); failed ${result.failed}, error events ${result.errorEvents}; RSS ${result.rssMb.before} → peak ${result.rssMb.peak} → ${result.rssMb.after} MB`,
        ),
      ];
      return {
        summary: lines,
        data: {
          speechSecondsPerClient: round(scene.samples.length / RATE, 1),
          sentencesPerClient: scene.truth.length,
          chunkMs: CHUNK_MS,
          model: 'tiny-dimension random encoder, scripted decoder, fp32',
          modelConcurrency: config.server.modelConcurrency,
          levels,
        },
      };
    } finally {
      await pool.close();
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
