/**
 * Which speech engines exist, as a table: engine name → how to create it. A model is named
 * `engine` or `engine:model-id` (for engines with several models, such as a hub id); OpenAI's
 * model names (tts-1, …) stand for the configured default engine. A new engine is one more
 * row here and needs nothing else changed.
 */
import type { Config } from '../config/index.js';
import { ModelError } from '../errors.js';
import type { Logger } from '../logging.js';
import { ModelStore, modelStoreOptions } from '../models/model-store.js';
import { SessionPool, sessionPoolOptions } from '../models/session-pool.js';
import { EspeakSpeechModel } from './espeak/engine.js';
import { KOKORO_REPO, KokoroSpeechModel } from './kokoro/engine.js';
import { PIPER_VOICES_REPO, PiperSpeechModel } from './piper/engine.js';
import type { SpeechModel } from './speech-model.js';

/** What an engine factory may use. */
export interface SpeechEngineContext {
  config: Config;
  logger?: Logger;
  /**
   * The process's shared ONNX sessions, for neural engines; those that need one and get none
   * create their own from `config.onnx`.
   */
  sessions?: SessionPool;
  /** Where neural engines find their files; default a store made from `config.models`. */
  store?: ModelStore;
  signal?: AbortSignal;
}

export interface SpeechEngineDefinition {
  description: string;
  /** The model an engine uses when none is named; null for engines with only one. */
  defaultModel: string | null;
  create(modelId: string | null, context: SpeechEngineContext): Promise<SpeechModel>;
}

let espeak: EspeakSpeechModel | null = null;

/** A store and session pool per configuration, for callers that bring none. */
const defaults = new WeakMap<Config, { store: ModelStore; sessions: SessionPool }>();

function resources(context: SpeechEngineContext): { store: ModelStore; sessions: SessionPool } {
  let made = defaults.get(context.config);
  if (!made) {
    made = {
      store: new ModelStore(modelStoreOptions(context.config)),
      sessions: new SessionPool(sessionPoolOptions(context.config)),
    };
    defaults.set(context.config, made);
  }
  return { store: context.store ?? made.store, sessions: context.sessions ?? made.sessions };
}

/**
 * Neural models made so far, per store and session pool: a model lists its voices and reads
 * their configuration once, and every request after the first reuses it.
 */
const neural = new WeakMap<ModelStore, WeakMap<SessionPool, Map<string, Promise<SpeechModel>>>>();

function reuse(
  { store, sessions }: { store: ModelStore; sessions: SessionPool },
  key: string,
  make: () => Promise<SpeechModel>,
): Promise<SpeechModel> {
  let pools = neural.get(store);
  if (!pools) {
    pools = new WeakMap();
    neural.set(store, pools);
  }
  let models = pools.get(sessions);
  if (!models) {
    models = new Map();
    pools.set(sessions, models);
  }
  let model = models.get(key);
  if (!model) {
    const made = make();
    model = made;
    models.set(key, made);
    // A failure (offline, no such model) is not remembered: the next request tries again.
    made.catch(() => {
      if (models.get(key) === made) models.delete(key);
    });
  }
  return model;
}

export const speechEngines: Readonly<Record<string, SpeechEngineDefinition>> = {
  'espeak-ng': {
    description: 'eSpeak NG (WebAssembly): formant synthesis in 100+ languages, offline',
    defaultModel: null,
    async create(modelId) {
      if (modelId !== null && modelId !== 'espeak-ng') {
        throw new ModelError('model_not_found', `eSpeak NG has no model "${modelId}".`, {
          details: { model: modelId },
        });
      }
      // One object for the process: it caches the voice list of the shared instance.
      espeak ??= new EspeakSpeechModel();
      return espeak;
    },
  },
  piper: {
    description:
      'Piper: VITS voices (<voice>.onnx + .onnx.json) from rhasspy/piper-voices or a folder',
    defaultModel: PIPER_VOICES_REPO,
    async create(modelId, context) {
      const model = modelId ?? PIPER_VOICES_REPO;
      const { store, sessions } = resources(context);
      return reuse({ store, sessions }, `piper:${model}`, () =>
        PiperSpeechModel.create({
          model,
          store,
          sessions,
          ...(context.signal ? { signal: context.signal } : {}),
        }),
      );
    },
  },
  kokoro: {
    description: 'Kokoro-82M: ONNX with voices as style vectors, 24 kHz',
    defaultModel: KOKORO_REPO,
    async create(modelId, context) {
      const model = modelId ?? KOKORO_REPO;
      const dtype = context.config.tts.kokoroDtype;
      const { store, sessions } = resources(context);
      return reuse({ store, sessions }, `kokoro:${model}:${dtype}`, () =>
        KokoroSpeechModel.create({
          model,
          dtype,
          store,
          sessions,
          ...(context.signal ? { signal: context.signal } : {}),
        }),
      );
    },
  },
};

/** OpenAI's speech model names; each stands for the default engine (`tts.engine`). */
export const OPENAI_SPEECH_MODELS: readonly string[] = ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'];

/** Every model name a request may use. */
export function speechModelNames(): string[] {
  return [...Object.keys(speechEngines), ...OPENAI_SPEECH_MODELS];
}

/**
 * Creates the speech model a request names: an engine ("espeak-ng"), an engine and model
 * ("piper:rhasspy/piper-voices", "kokoro:./my-kokoro"), an OpenAI name, or nothing for the
 * configured default. Unknown names fail with `model_not_found`.
 */
export async function createSpeechModel(
  name: string | null | undefined,
  context: SpeechEngineContext,
): Promise<SpeechModel> {
  const requested = name?.trim() || context.config.tts.engine;
  const reference = OPENAI_SPEECH_MODELS.includes(requested)
    ? context.config.tts.engine
    : requested;
  const separator = reference.indexOf(':');
  const engineName = separator === -1 ? reference : reference.slice(0, separator);
  const modelId = separator === -1 ? null : reference.slice(separator + 1) || null;
  const engine = Object.hasOwn(speechEngines, engineName) ? speechEngines[engineName] : undefined;
  if (!engine) {
    throw new ModelError(
      'model_not_found',
      `Unknown speech model "${requested}"; available: ${speechModelNames().join(', ')}.`,
      { details: { model: requested } },
    );
  }
  return engine.create(modelId ?? engine.defaultModel, context);
}
