/**
 * A started speech API server on a scripted Whisper fixture that "hears" a known transcript
 * (tiny dimensions: the encoder costs what a tiny model's does), as the server benchmarks use
 * it. Request logging stays on, since it is part of the cost of a request, but goes nowhere.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Config, loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logging.js';
import { ModelStore } from '../../src/models/model-store.js';
import type { SessionPool } from '../../src/models/session-pool.js';
import { buildServer } from '../../src/server/app.js';
import { storeModelLoader } from '../../src/server/model-loader.js';
import { ModelRegistry } from '../../src/server/model-registry.js';
import { writeHeardFixture } from '../../test/helpers/scripted-fixture.js';

export interface FixtureServer {
  server: Awaited<ReturnType<typeof buildServer>>;
  url: string;
  config: Config;
}

/** Writes the fixture into `folder/model` and starts a server on it, on 127.0.0.1. */
export async function startFixtureServer(
  folder: string,
  pool: SessionPool,
  heard: Parameters<typeof writeHeardFixture>[1]['segments'],
  server: Partial<Config['server']> = {},
): Promise<FixtureServer> {
  writeHeardFixture(join(folder, 'model'), { language: 'en', segments: heard, dims: 'tiny' });
  const { config } = loadConfig({
    env: {},
    cwd: folder,
    overrides: {
      log: { level: 'info' },
      asr: { model: join(folder, 'model'), dtype: 'fp32' },
      server,
      models: { dir: join(folder, 'cache'), offline: true },
    },
  });
  const logger = createLogger(config, new Writable({ write: (_c, _e, done) => done() }));
  const store = new ModelStore({
    dir: config.models.dir,
    hubUrl: config.models.hubUrl,
    offline: true,
    token: null,
    timeoutS: 5,
  });
  const models = new ModelRegistry({
    defaultModel: config.asr.model,
    loader: storeModelLoader({ store, pool, dtype: 'fp32' }),
  });
  const built = await buildServer({ config, logger, models });
  const url = await built.listen({ host: '127.0.0.1', port: 0 });
  return { server: built, url, config };
}
