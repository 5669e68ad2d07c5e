/**
 * Whisper on onnxruntime: the encoder and the merged decoder (Hugging Face Optimum export, as
 * published in `onnx-community/whisper-*`). The first decoder call runs the no-cache branch on
 * the whole prompt; later calls feed one token per row with `use_cache_branch = true`, the
 * self-attention cache from the previous `present.*` outputs and the cross-attention cache from
 * the first call.
 */
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError } from '../../errors.js';
import type { SessionLease } from '../../models/session-pool.js';
import { float16ToFloat32, float32ToFloat16 } from './float16.js';
import type {
  AlignmentAttention,
  DecoderLogits,
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

function toFloat32(tensor: Tensor): Float32Array {
  if (tensor.type === 'float16') return float16ToFloat32(tensor.data as Uint16Array);
  return tensor.data as Float32Array;
}

/** Repeats a `[1, …]` tensor `batch` times along the first axis. */
function repeatBatch(tensor: Tensor, batch: number): Tensor {
  if (batch === 1) return tensor;
  const source = tensor.data as Float32Array | Uint16Array;
  const out = new (source.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(
    source.length * batch,
  );
  for (let b = 0; b < batch; b++) out.set(source, b * source.length);
  return new Tensor(tensor.type as 'float32', out as Float32Array, [
    batch,
    ...tensor.dims.slice(1),
  ]);
}

/** Gathers rows of a `[batch, …]` tensor. */
function gatherRows(tensor: Tensor, rows: readonly number[]): Tensor {
  const source = tensor.data as Float32Array | Uint16Array;
  const rowSize = source.length / (tensor.dims[0] as number);
  const out = new (source.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(
    rowSize * rows.length,
  );
  rows.forEach((row, index) => {
    out.set(source.subarray(row * rowSize, (row + 1) * rowSize), index * rowSize);
  });
  return new Tensor(tensor.type as 'float32', out as Float32Array, [
    rows.length,
    ...tensor.dims.slice(1),
  ]);
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

  constructor(
    private readonly encoder: SessionLease,
    private readonly decoder: SessionLease,
    private readonly architecture: WhisperArchitecture,
  ) {
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
      this.decoder.session,
      this.architecture,
      (window as OnnxEncodedWindow).hiddenStates,
      batch,
      this.pastFloatType,
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
      this.decoder.session,
      this.architecture,
      (window as OnnxEncodedWindow).hiddenStates,
      1,
      this.pastFloatType,
    );
    try {
      const { logits, outputs } = await stepper.run([tokens], true);
      const heads = this.dimensions.alignmentHeads;
      const frames = this.dimensions.nAudioCtx;
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

class OnnxDecoderStepper implements DecoderStepper {
  private past: Record<string, Tensor> | null = null;
  private readonly hiddenStates: Tensor;

  constructor(
    private readonly session: InferenceSession,
    private readonly architecture: WhisperArchitecture,
    hiddenStates: Tensor,
    private readonly batch: number,
    private readonly floatType: 'float32' | 'float16',
  ) {
    this.hiddenStates = repeatBatch(hiddenStates, batch);
  }

  private emptyPast(): Record<string, Tensor> {
    const { decoderLayers, decoderHeads, dModel } = this.architecture;
    const headDim = dModel / decoderHeads;
    const empty: Record<string, Tensor> = {};
    const data = this.floatType === 'float16' ? new Uint16Array(0) : new Float32Array(0);
    for (let layer = 0; layer < decoderLayers; layer++) {
      for (const kind of ['decoder', 'encoder']) {
        for (const part of ['key', 'value']) {
          empty[`past_key_values.${layer}.${kind}.${part}`] = new Tensor(
            this.floatType as 'float32',
            data as Float32Array,
            [this.batch, decoderHeads, 0, headDim],
          );
        }
      }
    }
    return empty;
  }

  /**
   * Outputs worth copying out of onnxruntime: the first call needs every cache; later calls only
   * the growing self-attention cache, since the cross-attention cache they output is the one they
   * were given (for a base model that skips ~37 MB of copying per token). Cross-attention weights
   * only when word timing asks for them.
   */
  private fetches(useCache: boolean, withAttention: boolean): string[] {
    return this.session.outputNames.filter((name) => {
      if (name === 'logits') return true;
      if (name.startsWith('cross_attentions.')) return withAttention;
      if (!name.startsWith('present.')) return false;
      return !useCache || name.includes('.decoder.');
    });
  }

  async run(
    tokens: ReadonlyArray<readonly number[]>,
    withAttention = false,
  ): Promise<{ logits: DecoderLogits; outputs: InferenceSession.OnnxValueMapType }> {
    const length = tokens[0]?.length ?? 0;
    if (tokens.length !== this.batch || tokens.some((row) => row.length !== length)) {
      throw new Error(`decoder step expects ${this.batch} rows of equal length`);
    }
    const ids = new BigInt64Array(this.batch * length);
    tokens.forEach((row, b) => {
      row.forEach((token, t) => {
        ids[b * length + t] = BigInt(token);
      });
    });
    const useCache = this.past !== null;
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', ids, [this.batch, length]),
      encoder_hidden_states: this.hiddenStates,
      use_cache_branch: new Tensor('bool', [useCache], [1]),
      ...(this.past ?? this.emptyPast()),
    };
    const outputs = await this.session.run(feeds, this.fetches(useCache, withAttention));
    // The cross-attention cache comes from the first call and is kept; the rest is replaced.
    const next: Record<string, Tensor> = useCache
      ? Object.fromEntries(
          Object.entries(this.past ?? {}).filter(([name]) => name.includes('.encoder.')),
        )
      : {};
    for (const [name, value] of Object.entries(outputs)) {
      if (name.startsWith('present.')) next[name.replace('present.', 'past_key_values.')] = value;
    }
    this.past = next;
    const logitsTensor = outputs['logits'] as Tensor;
    const [batch, positions, vocab] = logitsTensor.dims as number[];
    return {
      logits: {
        batch: batch as number,
        positions: positions as number,
        vocab: vocab as number,
        data: toFloat32(logitsTensor),
      },
      outputs,
    };
  }

  async step(tokens: ReadonlyArray<readonly number[]>): Promise<DecoderLogits> {
    return (await this.run(tokens)).logits;
  }

  reorder(sources: readonly number[]): void {
    if (!this.past) return;
    const identity = sources.every((source, index) => source === index);
    if (identity) return;
    for (const [name, tensor] of Object.entries(this.past)) {
      // Every row attends to the same audio, so the cross-attention cache needs no reordering.
      if (name.includes('.decoder.')) this.past[name] = gatherRows(tensor, sources);
    }
  }

  dispose(): void {
    this.past = null;
  }
}
