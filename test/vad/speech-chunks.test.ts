import { describe, expect, it } from 'vitest';
import { ChunkTimeline } from '../../src/vad/chunk-timeline.js';
import { chunkAudio, planSpeechChunks } from '../../src/vad/speech-chunks.js';

const RATE = 16000;
const s = (seconds: number) => Math.round(seconds * RATE);

describe('planSpeechChunks', () => {
  it('puts neighbouring regions in one chunk while it stays within 30 s', () => {
    // Ten 4-second regions, one every minute: 7 fit in 28 s, the 8th would make 32 s.
    const regions = Array.from({ length: 10 }, (_, i) => ({
      start: s(60 * i),
      end: s(60 * i + 4),
    }));
    const chunks = planSpeechChunks(regions, { sampleRate: RATE, totalSamples: s(600) });
    expect(chunks.map((chunk) => chunk.pieces.length)).toEqual([7, 3]);
    expect(chunks.map((chunk) => chunk.length / RATE)).toEqual([28, 12]);
    expect(chunks[1]?.startS).toBe(420);
    expect(chunks[1]?.endS).toBe(544);
    expect(chunks[1]?.pieces[2]).toEqual({ chunkStart: s(8), sourceStart: s(540), length: s(4) });
  });

  it('widens regions by the padding, merging those that then touch, within the audio', () => {
    const regions = [
      { start: s(0.1), end: s(1) },
      { start: s(1.3), end: s(2) },
      { start: s(5), end: s(5.9) },
    ];
    const chunks = planSpeechChunks(regions, { sampleRate: RATE, totalSamples: s(6), padMs: 200 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.pieces).toEqual([
      { chunkStart: 0, sourceStart: 0, length: s(2.2) },
      { chunkStart: s(2.2), sourceStart: s(4.8), length: s(1.2) },
    ]);
  });

  it('cuts a stretch longer than a chunk into chunk-sized pieces', () => {
    const chunks = planSpeechChunks([{ start: s(10), end: s(75) }], {
      sampleRate: RATE,
      totalSamples: s(80),
    });
    expect(chunks.map((chunk) => [chunk.startS, chunk.endS])).toEqual([
      [10, 40],
      [40, 70],
      [70, 75],
    ]);
  });

  it('returns no chunks for no regions and rejects bad options', () => {
    expect(planSpeechChunks([], { sampleRate: RATE, totalSamples: s(10) })).toEqual([]);
    for (const options of [{ maxChunkS: 0 }, { padMs: -5 }, { maxChunkS: Number.NaN }]) {
      expect(() =>
        planSpeechChunks([{ start: 0, end: 10 }], {
          sampleRate: RATE,
          totalSamples: 100,
          ...options,
        }),
      ).toThrowError(expect.objectContaining({ code: 'invalid_parameter' }));
    }
  });

  it('lays the pieces of the audio end to end', () => {
    const samples = Float32Array.from({ length: 100 }, (_, i) => i);
    const [chunk] = planSpeechChunks(
      [
        { start: 10, end: 13 },
        { start: 50, end: 52 },
      ],
      { sampleRate: 10, totalSamples: 100 },
    );
    expect(Array.from(chunkAudio(samples, chunk!))).toEqual([10, 11, 12, 50, 51]);
  });
});

describe('ChunkTimeline', () => {
  // Chunk 0–0.5 s ← original 1–1.5 s; 0.5–1.5 s ← 3–4 s; 1.5–1.75 s ← 10–10.25 s.
  const timeline = new ChunkTimeline(
    [
      { chunkStart: 0, sourceStart: s(1), length: s(0.5) },
      { chunkStart: s(0.5), sourceStart: s(3), length: s(1) },
      { chunkStart: s(1.5), sourceStart: s(10), length: s(0.25) },
    ],
    RATE,
  );

  it('shifts times inside a piece by where the piece came from', () => {
    expect(timeline.start(0.25)).toBeCloseTo(1.25, 12);
    expect(timeline.end(0.25)).toBeCloseTo(1.25, 12);
    expect(timeline.start(0.9)).toBeCloseTo(3.4, 12);
    expect(timeline.end(1.7)).toBeCloseTo(10.2, 12);
    expect(timeline.durationS).toBe(1.75);
  });

  it('gives a start on a boundary to the piece after it and an end to the piece before it', () => {
    expect(timeline.start(0.5)).toBe(3);
    expect(timeline.end(0.5)).toBe(1.5);
    expect(timeline.start(1.5)).toBe(10);
    expect(timeline.end(1.5)).toBe(4);
    // Rounding noise in the caller's arithmetic does not move a time off its boundary.
    expect(timeline.start(0.5 - 1e-9)).toBe(3);
    expect(timeline.end(0.5 + 1e-9)).toBe(1.5);
  });

  it('holds times outside the chunk to its first start and last end', () => {
    expect(timeline.start(-0.2)).toBe(1);
    expect(timeline.start(0)).toBe(1);
    expect(timeline.end(1.75)).toBe(10.25);
    expect(timeline.end(2.5)).toBe(10.25);
  });

  it('keeps spans ordered, an empty span on a boundary staying empty', () => {
    expect(timeline.span(0.4, 0.6)).toEqual({
      start: expect.closeTo(1.4, 12),
      end: expect.closeTo(3.1, 12),
    });
    expect(timeline.span(0.5, 0.5)).toEqual({ start: 3, end: 3 });
  });
});
