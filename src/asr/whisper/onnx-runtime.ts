/**
 * Whisper on onnxruntime: the encoder and the merged decoder (Hugging Face Optimum export, as
 * published in `onnx-community/whisper-*`). The first decoder call runs the no-cache branch on
 * the whole prompt; later calls feed one token per row with `use_cache_branch = true`, the
 * self-attention cache from the previous `present.*` outputs and the cross-attention cache from
 * the first call.
 */
import { Tensor } from 'onnxruntime-node';
import { ModelError } from '../../errors.js';
import type { SessionLease } from '../../models/session-pool.js';
import { float32ToFloat16 } from './float16.js';
import {
  type DecoderSessions,
  OnnxDecoderStepper,
  stackBatch,
  toFloat32,
} from './onnx-decoder-stepper.js';
import type {
  AlignmentAttention,
  DecoderStepper,
  EncodedWindow,
  WhisperDimensions,
  WhisperRuntime,
} from './runtime.js';

export interface WhisperArchitecture extends WhisperDimensions {
  decoderLayers: number;
  decoderHeads: number;
  dModel: number;
}

class OnnxEncodedWindow implements EncodedWindow {
  constructor(readonly hiddenStates: Tensor) {}
  dispose(): void {
    this.hiddenStates.dispose?.();
  }
}

export class OnnxWhisperRuntime implements WhisperRuntime {
  readonly dimensions: WhisperDimensions;
  readonly hasCrossAttentions: boolean;
  private readonly pastFloatType: 'float32' | 'float16';
  private readonly featureType: 'float32' | 'float16';

  private readonly sessions: DecoderSessions;

  get usesCachedStep(): boolean {
    return this.sessions.cachedStep !== null;
  }

  private shortWindows: Promise<boolean> | null = null;
  private closed = false;

  /**
   * `cachedStep` is the derived with-cache decoder (see `cached-step-decoder.ts`), already checked
   * against the merged one; without it every step runs the merged decoder.
   * `variableLengthEncoder` opens the derived encoder for short windows (see
   * `variable-length-encoder.ts`), checked against this one, or gives null when it cannot.
   * The runtime holds the leases it is given until `close()`.
   */
  constructor(
    private encoder: SessionLease,
    private readonly decoder: SessionLease,
    private readonly architecture: WhisperArchitecture,
    private readonly cachedStep: SessionLease | null = null,
    private readonly variableLengthEncoder: () => Promise<SessionLease | null> = async () => null,
  ) {
    this.sessions = { merged: decoder.session, cachedStep: cachedStep?.session ?? null };
    this.dimensions = architecture;
    this.hasCrossAttentions = decoder.session.outputNames.some((name) =>
      name.startsWith('cross_attentions.'),
    );
    const past = decoder.session.inputMetadata.find((value) =>
      value.name.startsWith('past_key_values.'),
    );
    this.pastFloatType = past?.isTensor && past.type === 'float16' ? 'float16' : 'float32';
    const features = encoder.session.inputMetadata.find((value) => value.name === 'input_features');
    this.featureType = features?.isTensor && features.type === 'float16' ? 'float16' : 'float32';
    const layers = decoder.session.inputNames.filter((name) =>
      /^past_key_values\.\d+\.decoder\.key$/.test(name),
    ).length;
    if (layers !== architecture.decoderLayers) {
      throw new ModelError(
        'model_contract_mismatch',
        `The decoder has ${layers} layers of key/value cache but config.json says decoder_layers = ${architecture.decoderLayers}.`,
      );
    }
  }

  /**
   * On first call, swaps the encoder for the derived variable-length one when it can be had: it
   * computes the same states on full windows, so every later window uses it.
   */
  acceptsShortWindows(): Promise<boolean> {
    this.shortWindows ??= this.variableLengthEncoder().then(
      (lease) => {
        if (!lease) return false;
        const original = this.encoder;
        this.encoder = lease;
        original.release();
        return true;
      },
      () => false,
    );
    return this.shortWindows;
  }

  /** Releases the sessions (the pool unloads them once no one else uses them). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.encoder.release();
    this.decoder.release();
    this.cachedStep?.release();
  }

  async encode(features: Float32Array): Promise<EncodedWindow> {
    const dims = [1, this.dimensions.nMels, features.length / this.dimensions.nMels];
    const input =
      this.featureType === 'float16'
        ? new Tensor('float16', float32ToFloat16(features), dims)
        : new Tensor('float32', features, dims);
    const output = await this.encoder.session.run({ input_features: input });
    return new OnnxEncodedWindow(output['last_hidden_state'] as Tensor);
  }

  startDecoder(window: EncodedWindow, batch: number): DecoderStepper {
    return new OnnxDecoderStepper(
      this.sessions,
      this.architecture,
      (window as OnnxEncodedWindow).hiddenStates,
      batch,
      this.pastFloatType,
    );
  }

  startBatchDecoder(windows: readonly EncodedWindow[]): DecoderStepper {
    const states = stackBatch(windows.map((window) => (window as OnnxEncodedWindow).hiddenStates));
    return new OnnxDecoderStepper(
      this.sessions,
      this.architecture,
      states,
      windows.length,
      this.pastFloatType,
      false,
    );
  }

  async alignmentAttention(
    window: EncodedWindow,
    tokens: readonly number[],
  ): Promise<AlignmentAttention> {
    if (!this.hasCrossAttentions)
      throw new ModelError(
        'model_contract_mismatch',
        'This Whisper export has no cross_attentions outputs.',
      );
    const stepper = new OnnxDecoderStepper(
      this.sessions,
      this.architecture,
      (window as OnnxEncodedWindow).hiddenStates,
      1,
      this.pastFloatType,
    );
    try {
      const { logits, outputs } = await stepper.run([tokens], true);
      const heads = this.dimensions.alignmentHeads;
      const frames = (window as OnnxEncodedWindow).hiddenStates.dims[1] as number;
      const weights = new Float32Array(heads.length * tokens.length * frames);
      heads.forEach(([layer, head], index) => {
        const attention = outputs[`cross_attentions.${layer}`];
        if (!attention)
          throw new ModelError(
            'model_contract_mismatch',
            `The decoder has no cross_attentions.${layer} output.`,
          );
        const data = toFloat32(attention);
        const [, headCount, sequence, audioFrames] = attention.dims as number[];
        if (head >= (headCount as number) || audioFrames !== frames) {
          throw new ModelError(
            'model_contract_mismatch',
            `Alignment head (${layer}, ${head}) does not exist in cross_attentions.${layer} ${JSON.stringify(attention.dims)}.`,
          );
        }
        const block = (sequence as number) * frames;
        weights.set(data.subarray(head * block, (head + 1) * block), index * block);
      });
      return { weights, heads: heads.length, tokens: tokens.length, frames, logits };
    } finally {
      stepper.dispose();
    }
  }
}
