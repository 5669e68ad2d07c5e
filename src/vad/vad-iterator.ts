/**
 * Streaming voice activity detection in the style of Silero's `VADIterator`: audio goes in as it
 * arrives, `speech_start` / `speech_end` events come out, with hysteresis (speech starts at
 * `threshold` and ends only after `minSilenceDurationMs` below `negThreshold`).
 *
 * The decisions are those of `speechTimestamps` (the same segmenter and padding), so the events of
 * a whole stream pair up into exactly the regions the batch call returns for the same audio. A
 * start is announced as soon as the region is certain to outlast `minSpeechDurationMs` (set it to
 * 0 for Silero's immediate starts); an end is announced when the silence has lasted
 * `minSilenceDurationMs`, or a little later when padding shared with a close neighbour could
 * still change it.
 */
import { Resampler } from '../audio/resample.js';
import { StreamPadder } from './speech-padding.js';
import { SpeechSegmenter } from './speech-segmenter.js';
import { checkSampleRate } from './speech-timestamps.js';
import { modelRateFor, type VadFrameScorer, type VadModel } from './vad-model.js';
import { segmenterRules, type VadOptions } from './vad-options.js';

/** A speech boundary on the input's timeline (sample offset and seconds). */
export type VadEvent =
  | { type: 'speech_start'; sample: number; time: number }
  | { type: 'speech_end'; sample: number; time: number };

export interface VadIteratorOptions extends VadOptions {
  model: VadModel;
  /** Rate of the pushed audio. Default 16000. */
  sampleRate?: number;
}

export class VadIterator {
  private readonly inputRate: number;
  private readonly modelRate: number;
  private readonly rules: ReturnType<typeof segmenterRules>;
  private segmenter: SpeechSegmenter;
  private readonly padder: StreamPadder;
  private resampler: Resampler | null;
  /** Model-rate samples waiting to fill a frame. */
  private readonly frame: Float32Array;
  private filled = 0;
  private inputSeen = 0;
  private inSpeech = false;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly scorer: VadFrameScorer,
    options: VadIteratorOptions,
  ) {
    this.inputRate = options.sampleRate ?? 16000;
    this.modelRate = scorer.sampleRate;
    this.rules = segmenterRules(options, this.modelRate, scorer.frameSize);
    this.segmenter = new SpeechSegmenter(this.rules);
    this.padder = new StreamPadder(this.rules.pad);
    this.resampler = this.newResampler();
    this.frame = new Float32Array(scorer.frameSize);
  }

  /** Opens a stream on `options.model`. Close it with `close()`. */
  static async create(options: VadIteratorOptions): Promise<VadIterator> {
    const inputRate = options.sampleRate ?? 16000;
    checkSampleRate(inputRate);
    const modelRate = modelRateFor(options.model, inputRate);
    segmenterRules(options, modelRate, options.model.frameSize(modelRate));
    return new VadIterator(await options.model.open(modelRate), options);
  }

  /** Whether the stream is inside a speech region (a start was emitted and no end yet). */
  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Feeds the next audio (any length); resolves to the events it completed. */
  push(samples: Float32Array): Promise<VadEvent[]> {
    this.inputSeen += samples.length;
    // Converted (or copied) now, so the caller may reuse its buffer straight away.
    const audio = this.resampler ? this.resampler.push(samples) : samples.slice();
    return this.enqueue(() => this.consume(audio));
  }

  /** Ends the stream: scores the last partial frame and closes any open region. */
  flush(): Promise<VadEvent[]> {
    const tail = this.resampler ? this.resampler.flush() : new Float32Array(0);
    return this.enqueue(async () => {
      const events = await this.consume(tail);
      const total = this.segmenter.position + this.filled;
      if (this.filled > 0) {
        this.frame.fill(0, this.filled);
        const probability = await this.scorer.score(this.frame);
        const real = this.filled;
        this.filled = 0;
        const raw = this.segmenter.push(probability, real);
        events.push(
          ...this.convert(
            this.padder.take(raw, this.segmenter.position, this.segmenter.tentativeStart),
          ),
        );
      }
      events.push(...this.convert(this.padder.finish(this.segmenter.finish(total), total)));
      return events;
    });
  }

  /** Starts a new stream on the same model (state, position and pending events forgotten). */
  reset(): void {
    this.scorer.reset();
    this.segmenter = new SpeechSegmenter(this.rules);
    this.padder.reset();
    this.resampler = this.newResampler();
    this.filled = 0;
    this.inputSeen = 0;
    this.inSpeech = false;
  }

  close(): void {
    this.scorer.close();
  }

  private newResampler(): Resampler | null {
    return this.inputRate === this.modelRate ? null : new Resampler(this.inputRate, this.modelRate);
  }

  private enqueue(work: () => Promise<VadEvent[]>): Promise<VadEvent[]> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => {});
    return result;
  }

  private async consume(audio: Float32Array): Promise<VadEvent[]> {
    const size = this.frame.length;
    const available = this.filled + audio.length;
    const whole = Math.floor(available / size);
    if (whole === 0) {
      this.frame.set(audio, this.filled);
      this.filled = available;
      return [];
    }
    // The held-back partial frame, then the new audio: every complete frame is scored in one call.
    const frames = new Float32Array(whole * size);
    frames.set(this.frame.subarray(0, this.filled));
    const used = frames.length - this.filled;
    frames.set(audio.subarray(0, used), this.filled);
    this.filled = audio.length - used;
    this.frame.set(audio.subarray(used));
    const probabilities = await this.scorer.scoreFrames(frames);
    const events: VadEvent[] = [];
    for (const probability of probabilities) {
      const raw = this.segmenter.push(probability);
      const padded = this.padder.take(raw, this.segmenter.position, this.segmenter.tentativeStart);
      events.push(...this.convert(padded));
    }
    return events;
  }

  private convert(boundaries: ReturnType<StreamPadder['take']>): VadEvent[] {
    return boundaries.map(({ type, sample }) => {
      const onInput =
        this.inputRate === this.modelRate
          ? sample
          : Math.min(this.inputSeen, Math.round((sample * this.inputRate) / this.modelRate));
      this.inSpeech = type === 'speech_start';
      return { type, sample: onInput, time: onInput / this.inputRate };
    });
  }
}

/**
 * VAD events of an audio stream, for pipelines that consume async iterables. The stream is
 * flushed when the source ends, and the model is given back however iteration stops.
 */
export async function* vadEvents(
  source: AsyncIterable<Float32Array>,
  options: VadIteratorOptions,
): AsyncGenerator<VadEvent> {
  const iterator = await VadIterator.create(options);
  try {
    for await (const chunk of source) yield* await iterator.push(chunk);
    yield* await iterator.flush();
  } finally {
    iterator.close();
  }
}
