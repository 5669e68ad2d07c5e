import { Command } from 'commander';
import { EarshotError, toEarshotError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerAudioCommands } from './commands/audio.js';
import { registerConfigCommand } from './commands/config.js';
import { registerFeaturesCommand } from './commands/features.js';
import { registerLiveCommand } from './commands/live.js';
import { registerModelsCommands } from './commands/models.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSpeakCommand } from './commands/speak.js';
import { registerTranscribeCommand } from './commands/transcribe.js';
import { registerVadCommand } from './commands/vad.js';
import { type CliContext, contextFrom, examples } from './context.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Where "-" and piped input are read from; default `process.stdin`. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Builds the `earshot` command tree. Each capability registers its commands here. */
export function createProgram(io: CliIo): Command {
  const program = new Command('earshot')
    .description(
      'Earshot: local, private speech intelligence: transcription, synthesis and audio analysis on your own machine.',
    )
    .version(VERSION, '-V, --version')
    .option(
      '-c, --config <file>',
      'config file (JSON); default: $EARSHOT_CONFIG or ./earshot.config.json',
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (default: info)',
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      examples([
        'earshot serve',
        'earshot audio info recording.m4a',
        'earshot speak "Hello there." -o hello.mp3',
        'earshot config --explain',
        'earshot <command> --help',
      ]),
    );
  const context = (command: Command): CliContext => contextFrom(command, io, io.env);
  registerConfigCommand(program, context);
  registerAudioCommands(program, context);
  registerLiveCommand(program, context);
  registerServeCommand(program, context);
  registerSpeakCommand(program, context);
  registerModelsCommands(program, context);
  registerTranscribeCommand(program, context);
  registerVadCommand(program, context);
  registerFeaturesCommand(program, context);
  return program;
}

/**
 * Runs the CLI and returns the process exit status: 0 on success, 1 when the work failed, 2 when
 * the command line was wrong. Errors are printed as `error [code]: message`.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  const overrideExit = (command: Command): void => {
    command.exitOverride();
    for (const child of command.commands) overrideExit(child);
  };
  overrideExit(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    const commanderCode = (error as { code?: string }).code;
    if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
      const helpOrVersion = [
        'commander.helpDisplayed',
        'commander.version',
        'commander.help',
      ].includes(commanderCode);
      return helpOrVersion ? 0 : 2;
    }
    const earshotError = toEarshotError(error);
    io.stderr.write(`error [${earshotError.code}]: ${earshotError.message}\n`);
    if (!(error instanceof EarshotError) && io.env['EARSHOT_DEBUG'])
      io.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}
