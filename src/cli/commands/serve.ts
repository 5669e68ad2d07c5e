import { type Command, InvalidArgumentError } from 'commander';
import type { Config } from '../../config/index.js';
import { createLogger } from '../../logging.js';
import { ModelStore, modelStoreOptions } from '../../models/model-store.js';
import { logDownloads } from '../../models/progress.js';
import { SessionPool, sessionPoolOptions } from '../../models/session-pool.js';
import { buildServer } from '../../server/app.js';
import { storeModelLoader } from '../../server/model-loader.js';
import { ModelRegistry } from '../../server/model-registry.js';
import { createSpeechModel } from '../../tts/registry.js';
import { sileroVadFromConfig } from '../../vad/silero.js';
import { type CliContext, examples } from '../context.js';

interface ServeOptions {
  host?: string;
  port?: number;
  model?: string;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('expected a port number between 0 and 65535');
  return port;
}

/** Resolves on the first SIGINT or SIGTERM; a second one stops the process at once. */
function firstSignal(onSecond: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      process.once('SIGINT', onSecond);
      process.once('SIGTERM', onSecond);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

export function registerServeCommand(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  program
    .command('serve')
    .description(
      'start the speech API server: OpenAI-compatible /v1/audio routes, realtime transcription over WebSocket (/v1/realtime), live drafts and confirmations over WebSocket (/v1/stream), the whisper-asr-webservice API Bazarr uses, /health, /ready, /metrics and API docs at /docs',
    )
    .option('--host <host>', 'address to listen on (default: server.host, 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: server.port, 8000)', portNumber)
    .option(
      '--model <id>',
      'default transcription model: a hub id (downloaded on first use) or a local folder (default: asr.model)',
    )
    .addHelpText(
      'after',
      examples([
        'earshot serve',
        'earshot serve --host 0.0.0.0 --port 9000 --model onnx-community/whisper-small',
        'EARSHOT_API_KEYS=secret-key earshot serve',
        'EARSHOT_LIVE_DRAFT_MODEL=onnx-community/whisper-tiny earshot serve --model onnx-community/whisper-small',
        'curl -F file=@talk.mp3 -F model=whisper-1 http://127.0.0.1:8000/v1/audio/transcriptions',
        `curl -H 'content-type: application/json' -d '{"model":"tts-1","voice":"nova","input":"Hello."}' http://127.0.0.1:8000/v1/audio/speech -o hello.mp3`,
      ]),
    )
    .action(async (options: ServeOptions, command: Command) => {
      const ctx = context(command);
      const config: Config = {
        ...ctx.config,
        asr: { ...ctx.config.asr, ...(options.model ? { model: options.model } : {}) },
        server: {
          ...ctx.config.server,
          ...(options.host ? { host: options.host } : {}),
          ...(options.port !== undefined ? { port: options.port } : {}),
        },
      };
      // A server is not a one-shot command: it logs a line per request at the configured level.
      const logger = createLogger(config, ctx.stderr);
      const pool = new SessionPool(sessionPoolOptions(config));
      // Downloads triggered by a request (a model's first use) are logged, not drawn as bars.
      const store = new ModelStore({
        ...modelStoreOptions(config),
        onProgress: logDownloads(logger),
      });
      // One Silero VAD for speech-only transcription and for realtime turn detection.
      const vad = sileroVadFromConfig(config, pool);
      // The live models (`live.model`, `live.draftModel`) are the defaults of /v1/stream sessions.
      const liveModels = [config.live.model, config.live.draftModel].filter(
        (id): id is string => id !== null,
      );
      const models = new ModelRegistry({
        defaultModel: config.asr.model,
        models: [...config.server.models, ...liveModels],
        aliases: config.server.modelAliases,
        loader: storeModelLoader({
          store,
          pool,
          dtype: config.asr.dtype,
          vad,
          inWorker: config.server.modelWorkers,
        }),
        idleTtlS: config.onnx.idleTtlS,
      });
      const server = await buildServer({
        config,
        logger,
        models,
        // Speech models share the store and the session pool with the transcription models.
        speech: (name) => createSpeechModel(name, { config, logger, store, sessions: pool }),
        vad,
      });
      const url = await server.listen();
      ctx.stdout.write(`Earshot is listening on ${url} (API documentation: ${url}/docs)\n`);
      const signal = await firstSignal(() => {
        logger.warn('second signal: stopping at once');
        process.exit(1);
      });
      logger.info(
        { signal, graceS: config.server.shutdownGraceS },
        'shutting down: finishing requests in progress',
      );
      await server.close();
      await pool.close();
      logger.info('stopped');
    });
}
