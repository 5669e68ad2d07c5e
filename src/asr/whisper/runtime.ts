/**
 * What the decoding algorithms need from a Whisper model, independent of how it runs: encode a
 * 30-second window, and step a batch of token sequences through the decoder with its key/value
 * cache. The ONNX engine implements it; tests implement it with scripted logits.
 */

export interface WhisperDimensions {
  nMels: 80 | 128;
  /** Encoder positions (1500): one per two mel frames. */
  nAudioCtx: number;
  /** Decoder context (448). */
  nTextCtx: number;
  nVocab: number;
  /** Width of the model and depth of its decoder (they size the key/value caches). */
  dModel: number;
  decoderLayers: number;
  /** (layer, head) pairs whose cross-attention follows the audio, for word timing. */
  alignmentHeads: ReadonlyArray<readonly [number, number]>;
}

/** Encoder output of one window, opaque to the algorithms. */
export interface EncodedWindow {
  dispose(): void;
}

/** Logits of one decoder call: `batch × positions × vocab`, row-major. */
export interface DecoderLogits {
  batch: number;
  positions: number;
  vocab: number;
  data: Float32Array;
}

export function logitsRow(
  logits: DecoderLogits,
  batchIndex: number,
  position: number,
): Float32Array {
  const start = (batchIndex * logits.positions + position) * logits.vocab;
  return logits.data.subarray(start, start + logits.vocab);
}

/** A running decoder over one encoded window for `batch` sequences. */
export interface DecoderStepper {
  /**
   * Feeds the next tokens of every sequence (all rows the same length: the whole initial prompt
   * on the first call, one token afterwards) and returns the logits for those positions.
   */
  step(tokens: ReadonlyArray<readonly number[]>): Promise<DecoderLogits>;
  /** Reorders the cached sequences: row i continues what row `sources[i]` was (beam search). */
  reorder(sources: readonly number[]): void;
  dispose(): void;
}

/** Cross-attention of the alignment heads over a whole token sequence. */
export interface AlignmentAttention {
  /** `heads × tokens × frames` weights (already softmax-normalised over frames). */
  weights: Float32Array;
  heads: number;
  tokens: number;
  frames: number;
  /** Logits for every position of the sequence (`tokens × vocab`). */
  logits: DecoderLogits;
}

export interface WhisperRuntime {
  readonly dimensions: WhisperDimensions;
  /** Whether `alignmentAttention` is available (the export has `cross_attentions.*`). */
  readonly hasCrossAttentions: boolean;
  /**
   * Encodes one window of `nMels × frames` features (mel-major): 3000 frames, or any even number
   * up to 3000 once `acceptsShortWindows()` has resolved true.
   */
  encode(features: Float32Array): Promise<EncodedWindow>;
  /** Whether `encode` takes windows shorter than 30 s; the first call may prepare a graph. */
  acceptsShortWindows(): Promise<boolean>;
  startDecoder(window: EncodedWindow, batch: number): DecoderStepper;
  /** A decoder with one row per window, each row attending to its own window's audio. */
  startBatchDecoder(windows: readonly EncodedWindow[]): DecoderStepper;
  /** Runs the full sequence once without cache and returns the alignment heads' cross-attention. */
  alignmentAttention(window: EncodedWindow, tokens: readonly number[]): Promise<AlignmentAttention>;
}
