/**
 * `transcribeSpeechOnly` with a scripted transcriber (written here) on audio with long silences.
 * The transcriber finds the audible stretches in each chunk it is given and reports them as
 * segments, with words placed on piece boundaries, in padding and at random places.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../src/models/session-pool.js';
import { SileroVad } from '../../src/vad/silero.js';
import type { TranscriptionChunk } from '../../src/vad/speech-chunks.js';
import {
  type ChunkSegment,
  type ChunkTranscript,
  transcribeSpeechOnly,
} from '../../src/vad/transcribe-speech-only.js';
import { noise } from '../helpers/signals.js';
import { buildScene, type Scene } from '../helpers/speech-scene.js';

const RATE = 16000;
const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());
const model = new SileroVad({ pool });

let scene: Scene;
beforeAll(async () => {
  // About 100 s: five utterances, with silences of 2.5 s to 35 s between them.
  scene = await buildScene([
    { silenceS: 5 },
    { say: 'Morning meetings start at nine', voice: 'en-us' },
    { silenceS: 24 },
    { say: 'All silence between sentences is skipped', voice: 'en-gb' },
    { silenceS: 2.5 },
    { say: 'Numbers like seven and eleven are spoken here', voice: 'en-us', pitch: 70 },
    { silenceS: 35 },
    { say: 'Light rain is expected later tonight', voice: 'en-us', rate: 160 },
    { silenceS: 18 },
    { say: 'Every region must be found on time', voice: 'en-us' },
    { silenceS: 4 },
  ]);
  // A faint noise floor (−86 dBFS) makes every sample value distinctive, so a mapped time can be
  // checked by comparing the audio found there with the audio the transcriber saw.
  const floor = noise(scene.samples.length, 1e-4, 99);
  for (let i = 0; i < floor.length; i++)
    scene.samples[i] = (scene.samples[i] as number) + (floor[i] as number);
});

/** Sample ranges where |x| > 0.02, gaps shorter than 300 ms bridged. */
function audibleStretches(samples: Float32Array): Array<[number, number]> {
  const stretches: Array<[number, number]> = [];
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i] as number) <= 0.02) continue;
    const last = stretches.at(-1);
    if (last && i - last[1] < 0.3 * RATE) last[1] = i + 1;
    else stretches.push([i, i + 1]);
  }
  return stretches;
}

interface Probe {
  /** Chunk sample index the word time points at. */
  index: number;
  kind: 'start' | 'end';
}

interface FakeSegment extends ChunkSegment {
  probes: Probe[];
  engine: string;
}

/** The scripted transcriber: segments at the audible stretches, probe words at chosen samples. */
function fakeTranscribe(
  samples: Float32Array,
  chunk: TranscriptionChunk,
): ChunkTranscript<FakeSegment> {
  const probes: Probe[] = [];
  for (const piece of chunk.pieces) {
    probes.push({ index: piece.chunkStart, kind: 'start' });
    probes.push({ index: piece.chunkStart + piece.length, kind: 'end' });
    probes.push({ index: piece.chunkStart + 80, kind: 'start' }); // 5 ms in: padding
    probes.push({ index: piece.chunkStart + Math.floor(piece.length / 3), kind: 'end' });
  }
  const segments = audibleStretches(samples).map(
    ([from, to], n): FakeSegment => ({
      start: from / RATE,
      end: to / RATE,
      text: `segment ${n}`,
      engine: 'scripted',
      probes: n === 0 ? probes : [],
      words:
        n === 0
          ? probes.map((probe) => ({
              // A 1 ms word beginning or ending at the probed sample.
              word: probe.kind,
              start: (probe.kind === 'start' ? probe.index : probe.index - 16) / RATE,
              end: (probe.kind === 'start' ? probe.index + 16 : probe.index) / RATE,
            }))
          : [],
    }),
  );
  return { segments };
}

describe('transcribeSpeechOnly', () => {
  it('returns segment times on the original timeline, with the long silences never transcribed', async () => {
    const seen: number[] = [];
    const result = await transcribeSpeechOnly(scene.samples, { model }, (samples, chunk) => {
      seen.push(samples.length);
      return fakeTranscribe(samples, chunk);
    });
    // One chunk: all speech fits in 30 s; most of the 100 s was never transcribed.
    expect(seen).toHaveLength(1);
    expect(result.transcribedS).toBeLessThan(0.3 * result.durationS);
    expect(result.speech.length).toBeGreaterThanOrEqual(scene.truth.length);
    // Each segment (an audible stretch as the transcriber saw it in the chunk) lands exactly on
    // the same stretch found in the original audio, which is where the utterance was placed.
    const original = audibleStretches(scene.samples);
    expect(original).toHaveLength(scene.truth.length);
    expect(result.segments).toHaveLength(original.length);
    result.segments.forEach((segment, i) => {
      const [from, to] = original[i] as [number, number];
      expect(segment.start).toBeCloseTo(from / RATE, 9);
      expect(segment.end).toBeCloseTo(to / RATE, 9);
      expect(Math.abs(segment.start - (scene.truth[i]?.startS ?? 0))).toBeLessThan(0.05);
      expect(segment.engine).toBe('scripted');
    });
  });

  it('maps word times exactly, on piece boundaries and in padding too', async () => {
    const chunkSamples: Float32Array[] = [];
    let pieces = 0;
    const result = await transcribeSpeechOnly(
      scene.samples,
      { model, maxChunkS: 8 },
      (samples, chunk) => {
        chunkSamples.push(samples);
        pieces += chunk.pieces.length;
        return fakeTranscribe(samples, chunk);
      },
    );
    // Several chunks, some holding several pieces (so there are boundaries inside chunks).
    expect(chunkSamples.length).toBeGreaterThan(1);
    expect(pieces).toBeGreaterThan(chunkSamples.length);
    let checked = 0;
    let chunkIndex = -1;
    for (const segment of result.segments) {
      if (segment.probes.length === 0) continue;
      chunkIndex++;
      const chunk = chunkSamples[chunkIndex] as Float32Array;
      segment.probes.forEach((probe, w) => {
        const word = segment.words?.[w] as { start: number; end: number };
        const at = Math.round((probe.kind === 'start' ? word.start : word.end) * RATE);
        // The 8 samples after a start (before an end) are the same in the chunk and the original.
        const [from, to] = probe.kind === 'start' ? [0, 8] : [-8, 0];
        expect(Array.from(scene.samples.subarray(at + from, at + to))).toEqual(
          Array.from(chunk.subarray(probe.index + from, probe.index + to)),
        );
        checked++;
      });
    }
    expect(checked).toBe(4 * pieces);
  });

  it('never calls the transcriber for audio without speech', async () => {
    let calls = 0;
    const result = await transcribeSpeechOnly(new Float32Array(60 * RATE), { model }, () => {
      calls++;
      return { segments: [{ start: 0, end: 30, text: 'Thank you for watching!' }] };
    });
    expect(calls).toBe(0);
    expect(result.segments).toEqual([]);
    expect(result.transcribedS).toBe(0);
  });

  it('hands chunks to a batch transcriber in batches and gets the same result', async () => {
    const batches: number[] = [];
    const batched = await transcribeSpeechOnly(
      scene.samples,
      { model, maxChunkS: 6 },
      {
        batchSize: 2,
        async transcribeBatch(chunks) {
          batches.push(chunks.length);
          return chunks.map(({ samples, chunk }) => fakeTranscribe(samples, chunk));
        },
      },
    );
    const single = await transcribeSpeechOnly(
      scene.samples,
      { model, maxChunkS: 6 },
      fakeTranscribe,
    );
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.slice(0, -1).every((size) => size === 2)).toBe(true);
    expect(batched).toEqual(single);
  });

  it('reports a transcriber that returns a non-finite time', async () => {
    await expect(
      transcribeSpeechOnly(scene.samples, { model }, () => ({
        segments: [{ start: Number.NaN, end: 1, text: 'x' }],
      })),
    ).rejects.toMatchObject({ code: 'internal_error' });
  });
});
