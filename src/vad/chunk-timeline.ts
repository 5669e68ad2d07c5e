/**
 * The map from a speech chunk's own timeline (its pieces of speech laid end to end, silence
 * removed) back to the original audio's timeline.
 *
 * Inside a piece the map is a shift. At the instant where one piece ends and the next begins, the
 * chunk timeline has one point for two places in the original; a start there belongs to the piece
 * that begins (the speech after the removed silence) and an end to the piece that ends (the speech
 * before it). Times before the chunk or past its end are held to its first start or last end.
 */

import { InvalidRequestError } from '../errors.js';

/** A contiguous stretch of the original audio placed in a chunk. Offsets are samples. */
export interface ChunkPiece {
  /** Where the piece begins on the chunk's timeline. */
  chunkStart: number;
  /** Where it begins in the original audio. */
  sourceStart: number;
  length: number;
}

/** Times closer than this to a piece boundary count as on it (well under one sample). */
const BOUNDARY_TOLERANCE_S = 1e-6;

export class ChunkTimeline {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly shifts: Float64Array;

  /** `pieces` in chunk order, laid end to end from 0; `sampleRate` of their offsets. */
  constructor(
    readonly pieces: readonly ChunkPiece[],
    readonly sampleRate: number,
  ) {
    if (pieces.length === 0) {
      throw new InvalidRequestError(
        'invalid_parameter',
        'A chunk timeline needs at least one piece.',
      );
    }
    this.starts = Float64Array.from(pieces, (piece) => piece.chunkStart / sampleRate);
    this.ends = Float64Array.from(
      pieces,
      (piece) => (piece.chunkStart + piece.length) / sampleRate,
    );
    this.shifts = Float64Array.from(
      pieces,
      (piece) => (piece.sourceStart - piece.chunkStart) / sampleRate,
    );
  }

  /** Length of the chunk in seconds. */
  get durationS(): number {
    return this.ends.at(-1) ?? 0;
  }

  /** Original time (seconds) of a start at chunk time `t`. */
  start(t: number): number {
    return this.map(t, this.pieceForStart(t));
  }

  /** Original time (seconds) of an end at chunk time `t`. */
  end(t: number): number {
    return this.map(t, this.pieceForEnd(t));
  }

  /** Maps a `[start, end]` span; an empty span on a boundary stays empty. */
  span(start: number, end: number): { start: number; end: number } {
    const from = this.start(start);
    return { start: from, end: Math.max(from, this.end(end)) };
  }

  private map(t: number, piece: number): number {
    const clamped = Math.min(Math.max(t, this.starts[piece] as number), this.ends[piece] as number);
    return clamped + (this.shifts[piece] as number);
  }

  /** The last piece beginning at or before `t` (a boundary belongs to the piece after it). */
  private pieceForStart(t: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= t + BOUNDARY_TOLERANCE_S) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The first piece ending at or after `t` (a boundary belongs to the piece before it). */
  private pieceForEnd(t: number): number {
    let low = 0;
    let high = this.ends.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.ends[middle] as number) >= t - BOUNDARY_TOLERANCE_S) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
