/**
 * Which speech engines exist, as a table: engine name → how to create it. A model is named
 * `engine` or `engine:model-id` (for engines with several models, such as a hub id); OpenAI's
 * model names (tts-1, …) stand for the configured default engine. A new engine is one more
 * row here and needs nothing else changed.
 */
import type { Config } from '../config/index.js';
import { ModelError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { SessionPool } from '../models/session-pool.js';
import { EspeakSpeechModel } from './espeak/engine.js';
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
}

export interface SpeechEngineDefinition {
  description: string;
  /** The model an engine uses when none is named; null for engines with only one. */
  defaultModel: string | null;
  create(modelId: string | null, context: SpeechEngineContext): Promise<SpeechModel>;
}

let espeak: EspeakSpeechModel | null = null;

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
};

/** OpenAI's speech model names; each stands for the default engine (`tts.engine`). */
export const OPENAI_SPEECH_MODELS: readonly string[] = ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'];

/** Every model name a request may use. */
export function speechModelNames(): string[] {
  return [...Object.keys(speechEngines), ...OPENAI_SPEECH_MODELS];
}

/**
 * Creates the speech model a request names: an engine ("espeak-ng"), an engine and model
 * ("piper:rhasspy/piper-voices/pl_PL-gosia-medium"), an OpenAI name, or nothing for the
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
