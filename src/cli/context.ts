import type { Command } from 'commander';
import { type Config, type LoadedConfig, loadConfig } from '../config/index.js';
import { createLogger, type Logger } from '../logging.js';

/** What every command needs, built once from the global options. */
export interface CliContext {
  config: Config;
  loaded: LoadedConfig;
  logger: Logger;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Piped input; commands fall back to `process.stdin`. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface GlobalOptions {
  config?: string;
  logLevel?: string;
}

/** Builds the context from the root command's options; commands call it inside their action. */
export function contextFrom(
  command: Command,
  io: Pick<CliContext, 'stdout' | 'stderr' | 'stdin'>,
  env: NodeJS.ProcessEnv,
): CliContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const overrides = options.logLevel
    ? { log: { level: options.logLevel as Config['log']['level'] } }
    : undefined;
  const loaded = loadConfig({
    env,
    ...(options.config ? { file: options.config } : {}),
    ...(overrides ? { overrides } : {}),
  });
  // One-shot commands talk to a person: unless a level was chosen, only warnings are logged.
  const level = loaded.sources['log.level'] === 'default' ? 'warn' : loaded.config.log.level;
  return {
    config: loaded.config,
    loaded,
    logger: createLogger({ log: { level } }, io.stderr),
    ...io,
  };
}

/** Help text block listing examples, appended after a command's options. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
