/**
 * Which files each kind of model needs, as data. A row names the files by role (engines ask for
 * `files.encoder`, never build paths), with `{suffix}` standing for the dtype's file suffix and
 * `{voice}` for a voice name. ONNX files bring their external-data companions
 * (`encoder_model.onnx_data`, …) when the repository has them.
 */
import type { ModelContract } from './contract.js';
import { DTYPE_SUFFIXES, type Dtype } from './dtypes.js';
import { KOKORO_CONTRACT, PIPER_CONTRACT } from './tts-contracts.js';
import { WHISPER_DECODER_CONTRACT, WHISPER_ENCODER_CONTRACT } from './whisper-contracts.js';

export interface ModelFileSpec {
  /** Path inside the repository. */
  path: string;
  /** An ONNX graph (its `{path}_data*` external-data files are fetched with it). */
  onnx?: boolean;
  /** Present in some repositories only; missing is not an error. */
  optional?: boolean;
  /** The IO contract the graph must meet, checked when a session is loaded. */
  contract?: ModelContract;
}

export interface ModelKindSpec {
  description: string;
  /** The dtypes this kind's files come in. */
  dtypes: readonly Dtype[];
  /** Hub ids that are recognisably this kind (used when no kind is given). */
  idPattern?: RegExp;
  /** The `{voice}` placeholder: required, or filled with a default. */
  voice?: { default?: string };
  files: Readonly<Record<string, ModelFileSpec>>;
}

const ALL_DTYPES = Object.keys(DTYPE_SUFFIXES) as Dtype[];

export const MODEL_KINDS = {
  whisper: {
    description: 'Whisper speech recognition (Optimum export, merged decoder)',
    dtypes: ALL_DTYPES,
    idPattern: /whisper/i,
    files: {
      config: { path: 'config.json' },
      generationConfig: { path: 'generation_config.json' },
      preprocessorConfig: { path: 'preprocessor_config.json' },
      tokenizer: { path: 'tokenizer.json' },
      tokenizerConfig: { path: 'tokenizer_config.json' },
      normalizer: { path: 'normalizer.json', optional: true },
      encoder: {
        path: 'onnx/encoder_model{suffix}.onnx',
        onnx: true,
        contract: WHISPER_ENCODER_CONTRACT,
      },
      decoder: {
        path: 'onnx/decoder_model_merged{suffix}.onnx',
        onnx: true,
        contract: WHISPER_DECODER_CONTRACT,
      },
    },
  },
  'silero-vad': {
    description: 'Silero voice activity detection',
    dtypes: ['fp32', 'fp16', 'q8', 'int8', 'uint8'],
    idPattern: /silero/i,
    files: {
      config: { path: 'config.json', optional: true },
      model: { path: 'onnx/model{suffix}.onnx', onnx: true },
    },
  },
  piper: {
    description: 'Piper text-to-speech voice (VITS)',
    dtypes: ['fp32'],
    idPattern: /piper/i,
    voice: {},
    files: {
      // `{voice}` is the voice's path in the repository: `en/en_US/lessac/medium/en_US-lessac-medium`
      // in rhasspy/piper-voices, or just the name where voices lie at the top.
      model: { path: '{voice}.onnx', onnx: true, contract: PIPER_CONTRACT },
      config: { path: '{voice}.onnx.json' },
    },
  },
  kokoro: {
    description: 'Kokoro text-to-speech',
    dtypes: ['fp32', 'fp16', 'q8', 'uint8', 'q4', 'q4f16'],
    idPattern: /kokoro/i,
    voice: { default: 'af_heart' },
    files: {
      config: { path: 'config.json' },
      tokenizer: { path: 'tokenizer.json' },
      tokenizerConfig: { path: 'tokenizer_config.json' },
      model: { path: 'onnx/model{suffix}.onnx', onnx: true, contract: KOKORO_CONTRACT },
      // The voice's style vectors: float32 [510, 1, 256], one row per token count.
      voice: { path: 'voices/{voice}.bin' },
    },
  },
  'audio-classifier': {
    description: 'audio classifier (emotion, audio events, per-frame detectors)',
    dtypes: ALL_DTYPES,
    files: {
      config: { path: 'config.json' },
      preprocessorConfig: { path: 'preprocessor_config.json', optional: true },
      model: { path: 'onnx/model{suffix}.onnx', onnx: true },
    },
  },
  'audio-embedder': {
    description: 'audio embedder (speaker embeddings)',
    dtypes: ALL_DTYPES,
    files: {
      config: { path: 'config.json' },
      preprocessorConfig: { path: 'preprocessor_config.json', optional: true },
      model: { path: 'onnx/model{suffix}.onnx', onnx: true },
    },
  },
} as const satisfies Record<string, ModelKindSpec>;

export type ModelKind = keyof typeof MODEL_KINDS;

/** The roles of a kind's files (`encoder`, `decoder`, `config`, …). */
export type ModelRole<K extends ModelKind> = keyof (typeof MODEL_KINDS)[K]['files'] & string;

type Files<K extends ModelKind> = (typeof MODEL_KINDS)[K]['files'];
type RequiredRoles<K extends ModelKind> = {
  [R in keyof Files<K>]: Files<K>[R] extends { optional: true } ? never : R;
}[keyof Files<K>];

/** Absolute paths by role: required files always, optional ones when the model has them. */
export type ModelFiles<K extends ModelKind> = {
  [R in RequiredRoles<K> & string]: string;
} & { [R in ModelRole<K>]?: string };

export const MODEL_KIND_NAMES = Object.keys(MODEL_KINDS) as ModelKind[];

export function isModelKind(value: string): value is ModelKind {
  return Object.hasOwn(MODEL_KINDS, value);
}

/** The kind a hub id recognisably is, or null. */
export function guessKind(id: string): ModelKind | null {
  for (const kind of MODEL_KIND_NAMES) {
    const pattern = (MODEL_KINDS[kind] as ModelKindSpec).idPattern;
    if (pattern?.test(id)) return kind;
  }
  return null;
}

export interface PlannedFile {
  role: string;
  /** Path inside the repository, with `/`. */
  path: string;
  onnx: boolean;
  optional: boolean;
  contract?: ModelContract;
}

/** The files of one kind for one dtype (and voice), placeholders filled. */
export function planFiles(kind: ModelKind, dtype: Dtype, voice: string | undefined): PlannedFile[] {
  const spec: ModelKindSpec = MODEL_KINDS[kind];
  return Object.entries(spec.files).map(([role, file]) => ({
    role,
    path: file.path.replace('{suffix}', DTYPE_SUFFIXES[dtype]).replace('{voice}', voice ?? ''),
    onnx: file.onnx ?? false,
    optional: file.optional ?? false,
    ...(file.contract ? { contract: file.contract } : {}),
  }));
}

/** Whether `file` is an external-data companion of the ONNX file `onnxPath`. */
export function isCompanionOf(file: string, onnxPath: string): boolean {
  return file.startsWith(`${onnxPath}_data`) || file.startsWith(`${onnxPath}.data`);
}
