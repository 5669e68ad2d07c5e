/**
 * Audio sources for the live pipeline. Each is an Observable of 16 kHz mono chunks (every chunk a
 * fresh array the consumer may keep): a file paced in real time, raw PCM from a stream such as
 * stdin, or chunks pushed by the caller (a WebSocket, a microphone).
 */
import { asyncScheduler, Observable, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import { Resampler } from '../audio/resample.js';
import { WHISPER_SAMPLE_RATE } from '../dsp/whisper-mel.js';
import { InvalidRequestError, toEarshotError } from '../errors.js';
import { PcmDecoder, type PcmFormat } from './pcm-decoder.js';

export interface PacedAudioOptions {
  /** Chunk length in milliseconds. Default 50. */
  chunkMs?: number;
  /** Pace relative to real time (2 = twice as fast). Default 1. */
  speed?: number;
  /** Clock and timers; tests pass a virtual-time scheduler. Default: RxJS's async scheduler. */
  scheduler?: SchedulerLike;
}

/**
 * Plays 16 kHz samples as if they were being recorded: each chunk is emitted when its last sample
 * has "happened", measured from subscription. Late timers catch up, so the pace does not drift.
 */
export function pacedAudio(
  samples: Float32Array,
  options: PacedAudioOptions = {},
): Observable<Float32Array> {
  const chunkMs = options.chunkMs ?? 50;
  const speed = options.speed ?? 1;
  if (!(chunkMs > 0 && Number.isFinite(chunkMs)) || !(speed > 0 && Number.isFinite(speed))) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `Pacing needs a positive chunk length and speed, got ${chunkMs} ms and ${speed}×.`,
    );
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  const chunk = Math.max(1, Math.round((WHISPER_SAMPLE_RATE * chunkMs) / 1000));
  const count = Math.ceil(samples.length / chunk);
  /** Milliseconds after the start at which chunk `index` is complete. */
  const dueMs = (index: number) =>
    (Math.min(samples.length, (index + 1) * chunk) * 1000) / WHISPER_SAMPLE_RATE / speed;
  return new Observable<Float32Array>((subscriber) => {
    const started = scheduler.now();
    let sent = 0;
    // A fresh action per wake-up: virtual-time schedulers chain rescheduled actions together.
    let pending: Subscription;
    const wake = () => {
      const elapsed = scheduler.now() - started;
      while (sent < count && dueMs(sent) <= elapsed) {
        subscriber.next(samples.slice(sent * chunk, Math.min(samples.length, (sent + 1) * chunk)));
        sent++;
      }
      if (sent >= count) subscriber.complete();
      else
        pending = scheduler.schedule(wake, Math.max(0, dueMs(sent) - (scheduler.now() - started)));
    };
    pending = scheduler.schedule(wake, dueMs(0));
    return () => pending.unsubscribe();
  });
}

/**
 * Raw s16le PCM read from a byte stream (stdin, a socket), converted to 16 kHz mono as it
 * arrives. A stream that ends inside a frame errors with `audio_invalid_pcm`.
 */
export function pcmAudio(
  input: AsyncIterable<Uint8Array>,
  format: PcmFormat,
): Observable<Float32Array> {
  return new Observable<Float32Array>((subscriber) => {
    let stopped = false;
    const run = async () => {
      const decoder = new PcmDecoder(format);
      for await (const bytes of input) {
        if (stopped) return;
        const samples = decoder.push(bytes);
        if (samples.length > 0) subscriber.next(samples);
      }
      const tail = decoder.flush();
      if (tail.length > 0) subscriber.next(tail);
      subscriber.complete();
    };
    run().catch((error: unknown) => subscriber.error(toEarshotError(error)));
    return () => {
      stopped = true;
    };
  });
}

/**
 * Audio pushed by the caller. Subscribe to `audio$` (start the session) before pushing: chunks
 * pushed with no subscriber are not kept.
 */
export class AudioPush {
  private readonly subject = new Subject<Float32Array>();
  private readonly resampler: Resampler | null;
  private pcm: PcmDecoder | null = null;
  readonly audio$: Observable<Float32Array> = this.subject.asObservable();

  /** `sampleRate` of the samples `push` receives (resampled to 16 kHz). Default 16000. */
  constructor(readonly sampleRate = WHISPER_SAMPLE_RATE) {
    this.resampler =
      sampleRate === WHISPER_SAMPLE_RATE ? null : new Resampler(sampleRate, WHISPER_SAMPLE_RATE);
  }

  /** Pushes mono float samples at the rate given to the constructor. */
  push(samples: Float32Array): void {
    const out = this.resampler ? this.resampler.push(samples) : samples.slice();
    if (out.length > 0) this.subject.next(out);
  }

  /** Pushes raw s16le PCM bytes (any split) in the given layout. */
  pushPcm(bytes: Uint8Array, format: PcmFormat): void {
    try {
      this.pcm ??= new PcmDecoder(format);
      const out = this.pcm.push(bytes);
      if (out.length > 0) this.subject.next(out);
    } catch (error) {
      this.fail(error);
    }
  }

  /** No more audio: the session finishes what it has. */
  end(): void {
    try {
      const tails = [this.resampler?.flush(), this.pcm?.flush()];
      for (const tail of tails) if (tail && tail.length > 0) this.subject.next(tail);
      this.subject.complete();
    } catch (error) {
      this.fail(error);
    }
  }

  /** The audio cannot continue (a decoding failure upstream). */
  fail(error: unknown): void {
    this.subject.error(toEarshotError(error));
  }
}
