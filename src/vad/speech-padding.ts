/**
 * Silero's padding of speech regions: each side grows by `pad` samples, except that two regions
 * closer than `2 × pad` share the silence between them half and half, and nothing reaches past the
 * audio. `padSegments` is the batch rule as Silero writes it; `StreamPadder` gives the same result
 * one boundary at a time, holding an end back only while a following region could still come
 * close enough to change it.
 */
import type { SegmenterEvent } from './speech-segmenter.js';

export interface SampleSpan {
  start: number;
  end: number;
}

/** Pads raw regions (model-rate samples) exactly as Silero's `get_speech_timestamps` does. */
export function padSegments(raw: readonly SampleSpan[], pad: number, total: number): SampleSpan[] {
  const speeches = raw.map((span) => ({ ...span }));
  for (let i = 0; i < speeches.length; i++) {
    const speech = speeches[i] as SampleSpan;
    if (i === 0) speech.start = Math.floor(Math.max(0, speech.start - pad));
    const next = speeches[i + 1];
    if (next) {
      const silence = next.start - speech.end;
      if (silence < 2 * pad) {
        speech.end += Math.floor(silence / 2);
        next.start = Math.floor(Math.max(0, next.start - Math.floor(silence / 2)));
      } else {
        speech.end = Math.floor(Math.min(total, speech.end + pad));
        next.start = Math.floor(Math.max(0, next.start - pad));
      }
    } else {
      speech.end = Math.floor(Math.min(total, speech.end + pad));
    }
  }
  return speeches;
}

/** A padded boundary, in model-rate samples. */
export type PaddedBoundary = { type: 'speech_start' | 'speech_end'; sample: number };

export class StreamPadder {
  /** Raw end of the last region, not yet emitted because a close neighbour could still halve it. */
  private pendingEnd: number | null = null;

  constructor(private readonly pad: number) {}

  /**
   * Turns segmenter events into padded boundaries. `position` is how many samples have been seen;
   * `tentativeStart` is the start of an open region that may still be kept (or null).
   */
  take(
    events: readonly SegmenterEvent[],
    position: number,
    tentativeStart: number | null,
  ): PaddedBoundary[] {
    const out: PaddedBoundary[] = [];
    for (const event of events) this.apply(event, out);
    // The pending end is final once no region can start within 2 × pad of it.
    const pending = this.pendingEnd;
    if (pending !== null) {
      const horizon = pending + 2 * this.pad;
      if (position >= horizon && (tentativeStart === null || tentativeStart >= horizon)) {
        out.push({ type: 'speech_end', sample: Math.floor(pending + this.pad) });
        this.pendingEnd = null;
      }
    }
    return out;
  }

  /** Ends the stream at `total` samples, after the segmenter's own final events. */
  finish(events: readonly SegmenterEvent[], total: number): PaddedBoundary[] {
    const out: PaddedBoundary[] = [];
    for (const event of events) this.apply(event, out);
    if (this.pendingEnd !== null) {
      out.push({
        type: 'speech_end',
        sample: Math.floor(Math.min(total, this.pendingEnd + this.pad)),
      });
      this.pendingEnd = null;
    }
    return out;
  }

  reset(): void {
    this.pendingEnd = null;
  }

  private apply(event: SegmenterEvent, out: PaddedBoundary[]): void {
    if (event.type === 'end') {
      this.pendingEnd = event.sample;
      return;
    }
    const pending = this.pendingEnd;
    let start = Math.floor(Math.max(0, event.sample - this.pad));
    if (pending !== null) {
      const silence = event.sample - pending;
      if (silence < 2 * this.pad) {
        const half = Math.floor(silence / 2);
        out.push({ type: 'speech_end', sample: pending + half });
        start = Math.floor(Math.max(0, event.sample - half));
      } else {
        out.push({ type: 'speech_end', sample: Math.floor(pending + this.pad) });
      }
      this.pendingEnd = null;
    }
    out.push({ type: 'speech_start', sample: start });
  }
}
