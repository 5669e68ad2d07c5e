/**
 * A Whisper runtime whose decoder follows a script written by the test: for every prefix it is
 * asked about, the script says which tokens get which logits. It lets tests pin down the decoding
 * algorithms (timestamp rules, segmentation, seek, fallback, beams, hotwords) exactly, with no
 * model weights involved. The ONNX path is tested separately on fixture models.
 */
import type {
  AlignmentAttention,
  DecoderLogits,
  DecoderStepper,
  EncodedWindow,
  WhisperDimensions,
  WhisperRuntime,
} from '../../src/asr/whisper/runtime.js';

export interface ScriptContext {
  /** Index of the encoded window (0 for the first `encode` call, …). */
  window: number;
  /** Mean of the window's features, so scripts can tell windows of different audio apart. */
  featureMean: number;
  /** How many decoders were started on this window before this one (fallback attempts, …). */
  attempt: number;
  /** The whole sequence up to and including the position being predicted from. */
  prefix: readonly number[];
}

/** Logits for chosen tokens; every other token gets `floor`. */
export type Script = (context: ScriptContext) => Record<number, number>;

class ScriptedWindow implements EncodedWindow {
  disposed = false;
  decoders = 0;
  constructor(
    readonly index: number,
    readonly featureMean: number,
  ) {}
  dispose(): void {
    this.disposed = true;
  }
}

export class ScriptedRuntime implements WhisperRuntime {
  readonly dimensions: WhisperDimensions = {
    nMels: 80,
    nAudioCtx: 1500,
    nTextCtx: 448,
    nVocab: 51865,
    dModel: 64,
    decoderLayers: 2,
    alignmentHeads: [[0, 0]],
  };
  readonly hasCrossAttentions = false;
  readonly windows: ScriptedWindow[] = [];
  /** Every first-call prompt the decoder was given, for assertions about context. */
  readonly prompts: number[][] = [];
  /** Rows of every batched decoder started (several windows at once). */
  readonly batchedRuns: number[] = [];

  constructor(
    private readonly script: Script,
    private readonly floor = -20,
  ) {}

  /** Frames of every window encoded. */
  readonly encodedFrames: number[] = [];
  /** Features of every window encoded (`nMels × frames`, mel-major). */
  readonly encodedFeatures: Float32Array[] = [];

  async acceptsShortWindows(): Promise<boolean> {
    return true;
  }

  async encode(features: Float32Array): Promise<EncodedWindow> {
    this.encodedFrames.push(features.length / this.dimensions.nMels);
    this.encodedFeatures.push(features);
    let sum = 0;
    for (const value of features) sum += value;
    const window = new ScriptedWindow(this.windows.length, sum / features.length);
    this.windows.push(window);
    return window;
  }

  startDecoder(window: EncodedWindow, batch: number): DecoderStepper {
    return this.stepper(Array.from({ length: batch }, () => window as ScriptedWindow));
  }

  startBatchDecoder(windows: readonly EncodedWindow[]): DecoderStepper {
    this.batchedRuns.push(windows.length);
    return this.stepper(windows as ScriptedWindow[]);
  }

  /** One row per entry of `rowWindows`. */
  private stepper(rowWindows: ScriptedWindow[]): DecoderStepper {
    const batch = rowWindows.length;
    const attempts = new Map<ScriptedWindow, number>();
    for (const window of new Set(rowWindows)) attempts.set(window, window.decoders++);
    const rows: number[][] = Array.from({ length: batch }, () => []);
    const logitsFor = (scripted: ScriptedWindow, prefix: number[]) => {
      const row = new Float32Array(this.dimensions.nVocab).fill(this.floor);
      const attempt = attempts.get(scripted) ?? 0;
      for (const [token, logit] of Object.entries(
        this.script({ window: scripted.index, featureMean: scripted.featureMean, attempt, prefix }),
      )) {
        row[Number(token)] = logit;
      }
      return row;
    };
    return {
      step: async (tokens: ReadonlyArray<readonly number[]>): Promise<DecoderLogits> => {
        const positions = tokens[0]?.length ?? 0;
        if (rows[0]?.length === 0) this.prompts.push([...(tokens[0] ?? [])]);
        const data = new Float32Array(batch * positions * this.dimensions.nVocab);
        tokens.forEach((fed, b) => {
          fed.forEach((token, p) => {
            (rows[b] as number[]).push(token);
            data.set(
              logitsFor(rowWindows[b] as ScriptedWindow, [...(rows[b] as number[])]),
              (b * positions + p) * this.dimensions.nVocab,
            );
          });
        });
        return { batch, positions, vocab: this.dimensions.nVocab, data };
      },
      reorder: (sources: readonly number[]) => {
        const copies = sources.map((source) => [...(rows[source] as number[])]);
        copies.forEach((copy, index) => {
          rows[index] = copy;
        });
      },
      dispose: () => {},
    };
  }

  async alignmentAttention(): Promise<AlignmentAttention> {
    throw new Error('the scripted runtime has no cross-attention');
  }
}
