/**
 * Batches of token rows through the Whisper decoder with its key/value caches. The first call
 * runs the merged decoder's no-cache branch on the whole prompt; every later call feeds one token
 * per row with the caches, through the cached-step graph when the engine derived one (see
 * `cached-step-decoder.ts`), else through the merged decoder with `use_cache_branch = true`.
 */
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { float16ToFloat32 } from './float16.js';
import type { WhisperArchitecture } from './onnx-runtime.js';
import type { DecoderLogits, DecoderStepper } from './runtime.js';

export function toFloat32(tensor: Tensor): Float32Array {
  if (tensor.type === 'float16') return float16ToFloat32(tensor.data as Uint16Array);
  return tensor.data as Float32Array;
}

/** Repeats a `[1, …]` tensor `batch` times along the first axis. */
export function repeatBatch(tensor: Tensor, batch: number): Tensor {
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

/** Stacks `[1, …]` tensors of the same shape along the first axis. */
export function stackBatch(tensors: readonly Tensor[]): Tensor {
  const first = tensors[0] as Tensor;
  if (tensors.length === 1) return first;
  const source = first.data as Float32Array | Uint16Array;
  const out = new (source.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(
    source.length * tensors.length,
  );
  tensors.forEach((tensor, index) => {
    out.set(tensor.data as Float32Array, index * source.length);
  });
  return new Tensor(first.type as 'float32', out as Float32Array, [
    tensors.length,
    ...first.dims.slice(1),
  ]);
}

/** Gathers rows of a `[batch, …]` tensor. */
export function gatherRows(tensor: Tensor, rows: readonly number[]): Tensor {
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

export interface DecoderSessions {
  merged: InferenceSession;
  /** The with-cache graph alone, when it was derived and checked; null to use the merged one. */
  cachedStep: InferenceSession | null;
}

export class OnnxDecoderStepper implements DecoderStepper {
  private past: Record<string, Tensor> | null = null;
  private readonly hiddenStates: Tensor;

  constructor(
    private readonly sessions: DecoderSessions,
    private readonly architecture: WhisperArchitecture,
    hiddenStates: Tensor,
    private readonly batch: number,
    private readonly floatType: 'float32' | 'float16',
    /** Whether the rows share one window (beams, samples) rather than each having its own. */
    private readonly sharedWindow = true,
  ) {
    this.hiddenStates = sharedWindow ? repeatBatch(hiddenStates, batch) : hiddenStates;
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
  private fetches(session: InferenceSession, useCache: boolean, withAttention: boolean): string[] {
    return session.outputNames.filter((name) => {
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
    const session =
      useCache && this.sessions.cachedStep ? this.sessions.cachedStep : this.sessions.merged;
    const available: Record<string, Tensor> = {
      input_ids: new Tensor('int64', ids, [this.batch, length]),
      encoder_hidden_states: this.hiddenStates,
      use_cache_branch: new Tensor('bool', [useCache], [1]),
      ...(this.past ?? this.emptyPast()),
    };
    // The cached-step graph reads only some of these (never the audio or the branch flag).
    const feeds = Object.fromEntries(
      session.inputNames.map((name) => [name, available[name] as Tensor]),
    );
    const outputs = await session.run(feeds, this.fetches(session, useCache, withAttention));
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
      // Rows that share one window attend to the same audio: their cross-attention cache needs
      // no reordering.
      if (name.includes('.decoder.') || !this.sharedWindow)
        this.past[name] = gatherRows(tensor, sources);
    }
  }

  dispose(): void {
    this.past = null;
  }
}
