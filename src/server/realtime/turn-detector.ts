/**
 * Server VAD turn detection: the streaming Silero iterator over the buffer's 16 kHz audio, with
 * its positions moved onto the session timeline. The iterator starts a fresh stream (`restart`)
 * whenever the client commits or clears the buffer by hand, so a turn never spans such a cut.
 */
import { type VadEvent, VadIterator } from '../../vad/vad-iterator.js';
import type { VadModel } from '../../vad/vad-model.js';
import type { VadOptions } from '../../vad/vad-options.js';
import { BUFFER_RATE } from './input-buffer.js';
import type { TurnDetection } from './session-settings.js';

/** A speech boundary at a 16 kHz position on the session timeline. */
export interface TurnBoundary {
  type: 'speech_start' | 'speech_end';
  position: number;
}

export interface TurnDetectorOptions {
  vad: VadModel;
  /** The session's turn detection settings (threshold, silence that ends a turn). */
  turn: TurnDetection;
  /** The server's VAD rules for the rest (minimum speech, padding, longest turn). */
  rules: VadOptions;
}

export class TurnDetector {
  private origin = 0;

  private constructor(
    private readonly iterator: VadIterator,
    readonly turn: TurnDetection,
  ) {}

  static async create(options: TurnDetectorOptions): Promise<TurnDetector> {
    const iterator = await VadIterator.create({
      ...options.rules,
      threshold: options.turn.threshold,
      minSilenceDurationMs: options.turn.silenceDurationMs,
      model: options.vad,
      sampleRate: BUFFER_RATE,
    });
    return new TurnDetector(iterator, options.turn);
  }

  /** Inside a turn: a start was reported and no end yet. */
  get speaking(): boolean {
    return this.iterator.speaking;
  }

  /**
   * How far before the newest audio a turn's start (with its prefix padding) may still be
   * placed: the buffer keeps this much audio between turns. The iterator announces a start once
   * the speech is certain to last its minimum length; a second more covers its frames and padding.
   */
  lookBack(rules: VadOptions): number {
    const ms =
      this.turn.prefixPaddingMs + (rules.minSpeechDurationMs ?? 250) + (rules.speechPadMs ?? 30);
    return Math.ceil(((ms + 1000) * BUFFER_RATE) / 1000);
  }

  /** Feeds the next 16 kHz samples (which begin where the previous ones ended). */
  async push(samples: Float32Array): Promise<TurnBoundary[]> {
    return this.place(await this.iterator.push(samples));
  }

  /** Starts a new stream whose first sample is at `position` (after a manual commit or clear). */
  restart(position: number): void {
    this.iterator.reset();
    this.origin = position;
  }

  close(): void {
    this.iterator.close();
  }

  private place(events: VadEvent[]): TurnBoundary[] {
    return events.map((event) => ({ type: event.type, position: this.origin + event.sample }));
  }
}
