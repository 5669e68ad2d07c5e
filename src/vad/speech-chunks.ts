/**
 * Speech regions grouped into chunks for a transcriber: each region (optionally widened by
 * `padMs`) becomes a piece of a chunk, neighbouring pieces share a chunk while the chunk stays
 * within `maxChunkS` (Whisper's 30-second window), and the silence between regions is left out.
 * Each chunk carries the `ChunkTimeline` that maps its times back to the original audio.
 */
import { InvalidRequestError } from '../errors.js';
import { type ChunkPiece, ChunkTimeline } from './chunk-timeline.js';

export interface TranscriptionChunkOptions {
  /** Rate of the audio and of the regions' sample offsets. */
  sampleRate: number;
  /** Length of the whole audio in samples. */
  totalSamples: number;
  /** Longest chunk in seconds. Default 30. */
  maxChunkS?: number;
  /** Audio added on each side of every region (on top of the VAD's own padding). Default 0. */
  padMs?: number;
}

/** A chunk to transcribe: where its pieces come from, and how to map its times back. */
export interface TranscriptionChunk {
  index: number;
  pieces: readonly ChunkPiece[];
  timeline: ChunkTimeline;
  /** Length on its own timeline, in samples. */
  length: number;
  /** Where the chunk's audio begins and ends in the original, in seconds. */
  startS: number;
  endS: number;
}

/** Plans chunks for regions given as sample offsets (`start` inclusive, `end` exclusive). */
export function planSpeechChunks(
  regions: ReadonlyArray<{ start: number; end: number }>,
  options: TranscriptionChunkOptions,
): TranscriptionChunk[] {
  const { sampleRate, totalSamples } = options;
  const maxChunkS = options.maxChunkS ?? 30;
  const padMs = options.padMs ?? 0;
  if (!(maxChunkS > 0 && Number.isFinite(maxChunkS))) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `maxChunkS must be a positive number, got ${maxChunkS}.`,
    );
  }
  if (!(padMs >= 0 && Number.isFinite(padMs))) {
    throw new InvalidRequestError('invalid_parameter', `padMs must be ≥ 0, got ${padMs}.`);
  }
  const maxChunk = Math.max(1, Math.floor(maxChunkS * sampleRate));
  const pad = Math.round((padMs * sampleRate) / 1000);

  // Widen, clamp and merge regions that now touch or overlap, so pieces never overlap.
  const spans: Array<{ start: number; end: number }> = [];
  for (const region of [...regions].sort((a, b) => a.start - b.start)) {
    const start = Math.max(0, region.start - pad);
    const end = Math.min(totalSamples, region.end + pad);
    if (end <= start) continue;
    const last = spans.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }

  // A stretch longer than a chunk is cut into chunk-sized pieces.
  const stretches: Array<{ start: number; end: number }> = [];
  for (const span of spans) {
    for (let start = span.start; start < span.end; start += maxChunk) {
      stretches.push({ start, end: Math.min(span.end, start + maxChunk) });
    }
  }

  const groups: Array<Array<{ start: number; end: number }>> = [];
  let used = 0;
  for (const stretch of stretches) {
    const length = stretch.end - stretch.start;
    const current = groups.at(-1);
    if (current && used + length <= maxChunk) {
      current.push(stretch);
      used += length;
    } else {
      groups.push([stretch]);
      used = length;
    }
  }

  return groups.map((group, index) => {
    let offset = 0;
    const pieces = group.map((stretch) => {
      const piece = {
        chunkStart: offset,
        sourceStart: stretch.start,
        length: stretch.end - stretch.start,
      };
      offset += piece.length;
      return piece;
    });
    const first = group[0] as { start: number };
    const last = group.at(-1) as { end: number };
    return {
      index,
      pieces,
      timeline: new ChunkTimeline(pieces, sampleRate),
      length: offset,
      startS: first.start / sampleRate,
      endS: last.end / sampleRate,
    };
  });
}

/** The chunk's audio (a copy): its pieces of `samples` laid end to end. */
export function chunkAudio(samples: Float32Array, chunk: TranscriptionChunk): Float32Array {
  const audio = new Float32Array(chunk.length);
  for (const piece of chunk.pieces) {
    audio.set(
      samples.subarray(piece.sourceStart, piece.sourceStart + piece.length),
      piece.chunkStart,
    );
  }
  return audio;
}
