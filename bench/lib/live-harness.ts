/**
 * Harness of the live benchmark: speech with pauses from eSpeak NG, and one contender run in real
 * time through the live pipeline with memory sampled as it goes.
 */
import { loadavg } from 'node:os';
import { lastValueFrom, toArray } from 'rxjs';
import type { LiveEvent } from '../../src/stream/events.js';
import type { LiveOptions, LiveStats } from '../../src/stream/live-options.js';
import { liveTranscription } from '../../src/stream/pipeline.js';
import { pacedAudio } from '../../src/stream/sources.js';
import { speak } from '../../test/helpers/espeak.js';

const SENTENCES = [
  'The committee will meet again on Thursday to review the budget.',
  'Could you send me the report before the end of the day?',
  'Most of the river was frozen by the middle of January.',
  'She said the train would be late because of the weather.',
  'We measured the latency of every word against the end of its audio.',
  'A small model writes drafts and a larger one confirms them.',
  'Please remember to turn off the lights when you leave the office.',
  'The results were better than anyone on the team had expected.',
];

/** `durationS` of speech: the sentences in turn, separated by pauses of 0.5 to 1.7 s. */
export async function speechWithPauses(durationS: number): Promise<Float32Array> {
  const spoken = [];
  for (const sentence of SENTENCES) spoken.push((await speak(sentence)).samples);
  const total = Math.round(durationS * 16_000);
  const out = new Float32Array(total);
  let cursor = 0;
  for (let i = 0; cursor < total; i++) {
    const sentence = spoken[i % spoken.length] as Float32Array;
    out.set(sentence.subarray(0, Math.min(sentence.length, total - cursor)), cursor);
    cursor += sentence.length + Math.round((0.5 + (i % 5) * 0.3) * 16_000);
  }
  return out;
}

export interface MemorySample {
  /** Seconds since the contender started. */
  atS: number;
  rssMB: number;
  heapMB: number;
  /** Seconds of audio the session buffered. */
  bufferS: number;
  /** The machine's one-minute load average: other work competing for the cores. */
  load: number;
}

export interface ContenderRun {
  events: LiveEvent[];
  memory: MemorySample[];
  wallS: number;
}

/** Plays `samples` in real time through the pipeline and records events and memory. */
export async function runContender(
  samples: Float32Array,
  options: LiveOptions,
  sampleEveryS = 5,
): Promise<ContenderRun> {
  let stats: LiveStats | null = null;
  const memory: MemorySample[] = [];
  const started = performance.now();
  const sample = () => {
    const usage = process.memoryUsage();
    memory.push({
      atS: round((performance.now() - started) / 1000, 1),
      rssMB: round(usage.rss / 2 ** 20, 1),
      heapMB: round(usage.heapUsed / 2 ** 20, 1),
      bufferS: round(stats?.bufferS ?? 0, 2),
      load: round(loadavg()[0] ?? 0, 2),
    });
  };
  sample();
  const timer = setInterval(sample, sampleEveryS * 1000);
  try {
    const events = await lastValueFrom(
      liveTranscription(pacedAudio(samples), {
        ...options,
        onStats: (latest) => {
          stats = latest;
        },
      }).pipe(toArray()),
    );
    sample();
    return { events, memory, wallS: round((performance.now() - started) / 1000, 1) };
  } finally {
    clearInterval(timer);
  }
}

/** Least-squares slope of `y` over `x`. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
