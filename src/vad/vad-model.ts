/**
 * The voice activity detection capability. An engine scores fixed-size frames of mono audio
 * with the probability that they contain speech; everything above that (segmentation, streaming
 * events, chunking for transcription) is shared code working on any `VadModel`.
 */

/** A voice activity detector (Silero today; any frame-scoring engine fits). */
export interface VadModel {
  /** Stable name for logs and results, such as `silero-v5`. */
  readonly id: string;
  /** Sample rates the engine runs at natively, preferred first. Other rates are resampled to the first. */
  readonly sampleRates: readonly number[];
  /** Samples per frame at a native `sampleRate`. */
  frameSize(sampleRate: number): number;
  /**
   * Opens an independent scorer with its own recurrent state. Several scorers may share one loaded
   * model; call `close()` on each when done.
   */
  open(sampleRate: number): Promise<VadFrameScorer>;
}

/** Scores consecutive frames of one audio stream. */
export interface VadFrameScorer {
  readonly sampleRate: number;
  /** Samples each `score` call takes. */
  readonly frameSize: number;
  /**
   * Speech probabilities (0–1) of the next frames: `samples` holds a whole number of frames, one
   * after another. State carries over from the previous call; calls made without awaiting run one
   * after another in call order, and how frames are split between calls does not change results.
   */
  scoreFrames(samples: Float32Array): Promise<Float32Array>;
  /** `scoreFrames` for exactly one frame. */
  score(frame: Float32Array): Promise<number>;
  /** Forgets the state, as at the start of a new stream. */
  reset(): void;
  /** Gives the model back; the scorer cannot be used afterwards. */
  close(): void;
}

/** The native rate a model runs audio of `sampleRate` at: the same rate, or the model's preferred one. */
export function modelRateFor(model: VadModel, sampleRate: number): number {
  return model.sampleRates.includes(sampleRate) ? sampleRate : (model.sampleRates[0] as number);
}
