/**
 * Starts a real Earshot server on 127.0.0.1 (a free port) around test models, with its log
 * lines captured, and stops it after the test file.
 */
import { Writable } from 'node:stream';
import type { TranscriptionModel } from '../../src/asr/types.js';
import { type Config, loadConfig } from '../../src/config/index.js';
import { ModelError } from '../../src/errors.js';
import { createLogger } from '../../src/logging.js';
import { buildServer, type EarshotServer } from '../../src/server/app.js';
import type { Clock } from '../../src/server/clock.js';
import { type ModelLoader, ModelRegistry } from '../../src/server/model-registry.js';
import type { SpeechModelSource } from '../../src/server/types.js';

export interface TestServerOptions {
  /** Server settings (the rest are defaults). */
  server?: Partial<Config['server']>;
  audio?: Partial<Config['audio']>;
  /** Live transcription settings (the rest are defaults). */
  live?: Partial<Config['live']>;
  /**
   * Test models by id, or the ids a real `loader` serves. The first id is the default model
   * (`asr.model`) unless `defaultModel` says otherwise.
   */
  models: Record<string, TranscriptionModel | (() => Promise<TranscriptionModel>)> | string[];
  /** Loads the models (default: hands out the test models of `models`). */
  loader?: ModelLoader;
  defaultModel?: string;
  /** Speech models (default: the engine registry with the server's configuration). */
  speech?: SpeechModelSource;
  /** Speech settings (the rest are defaults). */
  tts?: Partial<Config['tts']>;
  clock?: Clock;
}

export interface TestServer {
  url: string;
  server: EarshotServer;
  registry: ModelRegistry;
  /** Every log line written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The raw log text, to check that no content leaked into it. */
  logText(): string;
  close(): Promise<void>;
}

export async function startServer(options: TestServerOptions): Promise<TestServer> {
  const ids = Array.isArray(options.models) ? options.models : Object.keys(options.models);
  const testModels = Array.isArray(options.models) ? {} : options.models;
  const defaultModel = options.defaultModel ?? (ids[0] as string);
  const { config } = loadConfig({
    env: {},
    cwd: '/nonexistent',
    overrides: {
      log: { level: 'info' },
      asr: { model: defaultModel },
      server: { models: ids.filter((id) => id !== defaultModel), ...options.server },
      ...(options.audio ? { audio: options.audio } : {}),
      ...(options.live ? { live: options.live } : {}),
      ...(options.tts ? { tts: options.tts } : {}),
    },
  });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger(config, sink);
  const loader: ModelLoader =
    options.loader ??
    (async (id) => {
      const entry = testModels[id];
      if (!entry) throw new ModelError('model_not_found', `No test model "${id}".`);
      return typeof entry === 'function' ? entry() : entry;
    });
  const registry = new ModelRegistry({
    defaultModel: config.asr.model,
    models: config.server.models,
    aliases: config.server.modelAliases,
    loader,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server = await buildServer({
    config,
    logger,
    models: registry,
    ...(options.speech ? { speech: options.speech } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    server,
    registry,
    get logs() {
      return chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => chunks.join(''),
    close: () => server.close(1),
  };
}
