/**
 * Silero's `get_speech_timestamps` decision rules (snakers4/silero-vad, `utils_vad.py`), as a state
 * machine fed one frame probability at a time, so the batch segmenter and the streaming iterator
 * share one implementation. Positions are in samples at the model's rate, before padding.
 *
 * Rules, exactly as Silero applies them:
 * - speech starts at the first frame with probability ≥ `threshold`;
 * - a frame below `negThreshold` marks a possible end; speech ends there once `minSilence`
 *   samples have passed without a frame back at ≥ `threshold` (frames in between neither end
 *   nor resume speech: hysteresis);
 * - regions not longer than `minSpeech` are dropped, except those cut by the maximum length;
 * - a region longer than `maxSpeech` is cut at the longest (or the last) pause inside it longer
 *   than `minSilenceAtMaxSpeech`, and speech goes on after that pause; without such a pause it is
 *   cut hard at the current frame;
 * - a region still open when the audio ends runs to the end if it is longer than `minSpeech`.
 *
 * Beyond Silero, the machine also says when a region is certain to be kept (`start` events), which
 * lets a stream announce speech as early as the batch result allows.
 */

export interface SegmenterRules {
  /** Samples per frame. */
  window: number;
  threshold: number;
  negThreshold: number;
  /** Samples. */
  minSpeech: number;
  /** Samples. */
  minSilence: number;
  /** Samples; `Infinity` for no limit. Silero's value already leaves room for padding. */
  maxSpeech: number;
  /** Samples. */
  minSilenceAtMaxSpeech: number;
  /** Cut over-long regions at the longest pause (true, Silero's default) or the last one. */
  useLongestPause: boolean;
}

/** A raw region boundary: `start` once the region is certain to be kept, then `end`. */
export type SegmenterEvent = { type: 'start'; sample: number } | { type: 'end'; sample: number };

interface OpenRegion {
  start: number;
  /** A `start` event has been emitted for it. */
  announced: boolean;
}

export class SpeechSegmenter {
  /** Index of the next frame. */
  private frame = 0;
  /** Samples of real audio seen (the last frame may be partly padding). */
  private seen = 0;
  private triggered = false;
  private region: OpenRegion | null = null;
  /** Where the current pause began; 0 when there is none (a pause never begins at sample 0). */
  private tempEnd = 0;
  /** Pauses inside the current region long enough to cut at: [start, duration]. */
  private possibleEnds: Array<[number, number]> = [];

  constructor(private readonly rules: SegmenterRules) {}

  /** Samples seen so far. */
  get position(): number {
    return this.seen;
  }

  /** Start of the open region not yet certain to be kept, if any. */
  get tentativeStart(): number | null {
    return this.region && !this.region.announced ? this.region.start : null;
  }

  /** Takes the next frame's probability; `samples` is how much of the frame is real audio. */
  push(probability: number, samples = this.rules.window): SegmenterEvent[] {
    const events: SegmenterEvent[] = [];
    this.decide(probability, events);
    this.frame++;
    this.seen += samples;
    this.announceIfCertain(events);
    return events;
  }

  /** Ends the audio at `totalSamples`: an open region runs to the end if it is long enough. */
  finish(totalSamples: number): SegmenterEvent[] {
    const events: SegmenterEvent[] = [];
    const region = this.region;
    if (region && totalSamples - region.start > this.rules.minSpeech) {
      if (!region.announced) events.push({ type: 'start', sample: region.start });
      events.push({ type: 'end', sample: totalSamples });
    }
    this.region = null;
    this.triggered = false;
    return events;
  }

  private decide(probability: number, events: SegmenterEvent[]): void {
    const rules = this.rules;
    const position = rules.window * this.frame;

    if (probability >= rules.threshold && this.tempEnd) {
      const pause = position - this.tempEnd;
      if (pause > rules.minSilenceAtMaxSpeech) this.possibleEnds.push([this.tempEnd, pause]);
      this.tempEnd = 0;
    }

    if (probability >= rules.threshold && !this.triggered) {
      this.triggered = true;
      this.region = { start: position, announced: false };
      return;
    }

    const region = this.region;
    if (this.triggered && region && position - region.start > rules.maxSpeech) {
      if (this.possibleEnds.length > 0) {
        const [cutAt, pause] = rules.useLongestPause
          ? longest(this.possibleEnds)
          : (this.possibleEnds.at(-1) as [number, number]);
        this.close(region, cutAt, events);
        const resumeAt = cutAt + pause;
        // Silero's test; true whenever the pause began after sample 0, which it always does.
        if (resumeAt < cutAt + position) {
          this.region = { start: resumeAt, announced: false };
        } else {
          this.region = null;
          this.triggered = false;
        }
        this.possibleEnds = this.possibleEnds.filter(([end]) => end > resumeAt);
        this.tempEnd = 0;
      } else {
        this.close(region, position, events);
        this.endRegion();
        return;
      }
    }

    if (probability < rules.negThreshold && this.triggered && this.region) {
      if (!this.tempEnd) this.tempEnd = position;
      if (position - this.tempEnd < rules.minSilence) return;
      const current = this.region;
      if (this.tempEnd - current.start > rules.minSpeech) this.close(current, this.tempEnd, events);
      this.endRegion();
    }
  }

  /** Emits a kept region's end (and its start when that was not announced yet). */
  private close(region: OpenRegion, end: number, events: SegmenterEvent[]): void {
    if (!region.announced) events.push({ type: 'start', sample: region.start });
    events.push({ type: 'end', sample: end });
    this.region = null;
  }

  private endRegion(): void {
    this.region = null;
    this.tempEnd = 0;
    this.triggered = false;
    this.possibleEnds = [];
  }

  /**
   * A region is certain to be kept once even its earliest possible end leaves it longer than
   * `minSpeech`: the pause in progress, or else the end of the audio seen so far. (Regions cut at
   * the maximum length and regions running to the end of the audio are kept at least as often.)
   */
  private announceIfCertain(events: SegmenterEvent[]): void {
    const region = this.region;
    if (!region || region.announced) return;
    const earliestEnd = this.tempEnd || this.seen;
    if (earliestEnd - region.start > this.rules.minSpeech) {
      region.announced = true;
      events.push({ type: 'start', sample: region.start });
    }
  }
}

/** The first pause of maximal duration, as Python's `max(..., key=duration)` picks. */
function longest(pauses: ReadonlyArray<[number, number]>): [number, number] {
  let best = pauses[0] as [number, number];
  for (const pause of pauses) if (pause[1] > best[1]) best = pause;
  return best;
}
