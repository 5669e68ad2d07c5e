import type { Command } from 'commander';
import { loadAudio } from '../../audio/load.js';
import { InvalidRequestError } from '../../errors.js';
import { SessionPool, sessionPoolOptions } from '../../models/session-pool.js';
import { SILERO_VERSIONS, type SileroVersion, sileroVadFromConfig } from '../../vad/silero.js';
import { speechTimestamps } from '../../vad/speech-timestamps.js';
import { type VadOptions, vadOptionsFromConfig } from '../../vad/vad-options.js';
import { type CliContext, examples } from '../context.js';
import { audioOptions } from './audio.js';

interface VadCommandOptions {
  json?: boolean;
  threshold?: string;
  model?: string;
  minSpeechMs?: string;
  minSilenceMs?: string;
  speechPadMs?: string;
  maxSpeechS?: string;
}

/** `m:ss.mmm` (or `h:mm:ss.mmm`). */
function clock(seconds: number): string {
  const millis = Math.round(seconds * 1000);
  const hours = Math.floor(millis / 3_600_000);
  const minutes = Math.floor((millis % 3_600_000) / 60_000);
  const rest = ((millis % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `--${name} expects a number ≥ 0, got "${value}".`,
    );
  }
  return parsed;
}

/** Command-line values over the configuration's. */
function commandVadOptions(base: VadOptions, options: VadCommandOptions): VadOptions {
  const maxSpeechS = numberOption('max-speech-s', options.maxSpeechS);
  const overrides: VadOptions = {
    threshold: numberOption('threshold', options.threshold),
    minSpeechDurationMs: numberOption('min-speech-ms', options.minSpeechMs),
    minSilenceDurationMs: numberOption('min-silence-ms', options.minSilenceMs),
    speechPadMs: numberOption('speech-pad-ms', options.speechPadMs),
    maxSpeechDurationS: maxSpeechS === 0 ? Number.POSITIVE_INFINITY : maxSpeechS,
  };
  return {
    ...base,
    ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)),
  };
}

export function registerVadCommand(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  program
    .command('vad')
    .description(
      'find the speech in an audio file (Silero VAD) and print the speech segments as start – end (duration)',
    )
    .argument('<file>', 'audio or video file (any format ffmpeg reads; "-" for stdin)')
    .option('--json', 'print JSON instead of text')
    .option(
      '--threshold <p>',
      'speech probability that starts speech (default: vad.threshold, 0.5)',
    )
    .option(
      '--model <version>',
      `Silero version: ${SILERO_VERSIONS.join(' or ')} (default: vad.model)`,
    )
    .option('--min-speech-ms <ms>', 'drop shorter speech (default: vad.minSpeechMs, 250)')
    .option('--min-silence-ms <ms>', 'silence that ends speech (default: vad.minSilenceMs, 100)')
    .option('--speech-pad-ms <ms>', 'audio kept around speech (default: vad.speechPadMs, 30)')
    .option('--max-speech-s <s>', 'split longer speech; 0 for no limit (default: vad.maxSpeechS)')
    .addHelpText(
      'after',
      examples([
        'earshot vad interview.m4a',
        'earshot vad --json --threshold 0.6 lecture.mp4',
        'earshot vad --model v6 --min-silence-ms 500 call.wav',
      ]),
    )
    .action(async (file: string, options: VadCommandOptions, command: Command) => {
      const ctx = context(command);
      if (
        options.model !== undefined &&
        !SILERO_VERSIONS.includes(options.model as SileroVersion)
      ) {
        throw new InvalidRequestError(
          'invalid_parameter',
          `--model must be ${SILERO_VERSIONS.join(' or ')}, got "${options.model}".`,
        );
      }
      const vadConfig = {
        ...ctx.config.vad,
        ...(options.model ? { model: options.model as SileroVersion } : {}),
      };
      const vadOptions = commandVadOptions(vadOptionsFromConfig({ vad: vadConfig }), options);
      const audio = await loadAudio(file === '-' ? process.stdin : file, audioOptions(ctx.config));
      const pool = new SessionPool(sessionPoolOptions(ctx.config));
      try {
        const model = sileroVadFromConfig({ vad: vadConfig }, pool);
        const started = performance.now();
        const segments = await speechTimestamps(audio.samples, {
          ...vadOptions,
          model,
          sampleRate: audio.sampleRate,
        });
        const speechS = segments.reduce((sum, segment) => sum + segment.endS - segment.startS, 0);
        ctx.logger.info(
          {
            model: model.id,
            regions: segments.length,
            durationS: audio.durationS,
            ms: Math.round(performance.now() - started),
          },
          'vad done',
        );
        if (options.json) {
          const report = {
            model: model.id,
            sampleRate: audio.sampleRate,
            durationS: audio.durationS,
            speechS: Number(speechS.toFixed(3)),
            segments,
          };
          ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          return;
        }
        const lines = segments.map(
          (segment) =>
            `${clock(segment.startS)} – ${clock(segment.endS)} (${(segment.endS - segment.startS).toFixed(3)} s)`,
        );
        lines.push(
          `${segments.length} speech segment${segments.length === 1 ? '' : 's'}, ${speechS.toFixed(1)} s of ${audio.durationS.toFixed(1)} s`,
        );
        ctx.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await pool.close();
      }
    });
}
