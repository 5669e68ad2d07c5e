import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { AUDIO_OUTPUT_FORMATS, encodeAudio, isAudioOutputFormat } from '../../audio/encode.js';
import { type LoadAudioOptions, loadAudio } from '../../audio/load.js';
import type { Config } from '../../config/index.js';
import { integratedLoudness, peakDbfs, rmsDbfs } from '../../dsp/loudness.js';
import { InvalidRequestError } from '../../errors.js';
import { type CliContext, examples } from '../context.js';
import { parseRawOption } from '../options.js';

/** Audio loading options taken from the configuration. */
export function audioOptions(config: Config): LoadAudioOptions {
  return {
    ffmpegPath: config.audio.ffmpegPath,
    timeoutS: config.audio.decodeTimeoutS,
    maxDurationS: config.audio.maxDurationS,
    strictTruncation: config.audio.strictTruncation,
  };
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds - hours * 3600 - minutes * 60;
  return `${hours > 0 ? `${hours}:` : ''}${String(minutes).padStart(hours > 0 ? 2 : 1, '0')}:${rest.toFixed(3).padStart(6, '0')}`;
}

function decibels(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '-inf';
}

export function registerAudioCommands(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  const audio = program
    .command('audio')
    .description('inspect and convert audio files')
    .addHelpText(
      'after',
      examples(['earshot audio info interview.m4a', 'earshot audio convert talk.mp4 talk.flac']),
    );

  audio
    .command('info')
    .description(
      'show format, codec, duration, channels, sample rate, peak and loudness of an audio file',
    )
    .argument('<file>', 'audio or video file (any format ffmpeg reads; "-" for stdin)')
    .option('--json', 'print JSON instead of text')
    .option(
      '--raw <rate[:channels]>',
      'treat the input as headerless s16le PCM at this rate (and channel count)',
    )
    .addHelpText(
      'after',
      examples([
        'earshot audio info jfk.flac',
        'earshot audio info --json lecture.mp4',
        'cat call.pcm | earshot audio info --raw 8000 -',
      ]),
    )
    .action(async (file: string, options: { json?: boolean; raw?: string }, command: Command) => {
      const ctx = context(command);
      const input = file === '-' ? process.stdin : file;
      const loaded = await loadAudio(input, {
        ...audioOptions(ctx.config),
        sampleRate: 'source',
        ...parseRawOption(options.raw),
      });
      const report = {
        format: loaded.source.format,
        codec: loaded.source.codec,
        durationS: Number(loaded.durationS.toFixed(3)),
        channels: loaded.source.channels,
        sampleRate: loaded.source.sampleRate,
        bitsPerSample: loaded.source.bitsPerSample,
        peakDbfs: Number(peakDbfs(loaded.samples).toFixed(2)),
        rmsDbfs: Number(rmsDbfs(loaded.samples).toFixed(2)),
        loudnessLufs: Number(integratedLoudness(loaded.samples, loaded.sampleRate).toFixed(2)),
      };
      if (options.json) {
        // JSON has no -Infinity; silence is reported as null.
        ctx.stdout.write(
          `${JSON.stringify(report, (_key, value) => (value === Number.NEGATIVE_INFINITY ? null : value), 2)}\n`,
        );
        return;
      }
      const lines = [
        ['format', report.format],
        [
          'codec',
          report.bitsPerSample ? `${report.codec} (${report.bitsPerSample}-bit)` : report.codec,
        ],
        ['duration', `${formatDuration(report.durationS)} (${report.durationS} s)`],
        ['channels', String(report.channels)],
        ['sample rate', `${report.sampleRate} Hz`],
        ['peak', `${decibels(report.peakDbfs)} dBFS`],
        ['rms', `${decibels(report.rmsDbfs)} dBFS`],
        ['loudness', `${decibels(report.loudnessLufs)} LUFS (integrated, mono mix)`],
      ];
      ctx.stdout.write(
        `${lines.map(([key, value]) => `${(key as string).padEnd(12)}${value}`).join('\n')}\n`,
      );
    });

  audio
    .command('convert')
    .description(
      `convert audio to ${AUDIO_OUTPUT_FORMATS.join(', ')} (mono; the format comes from the output file's extension)`,
    )
    .argument('<input>', 'audio or video file ("-" for stdin)')
    .argument('<output>', 'output file ("-" for stdout, then --format is required)')
    .option('--format <format>', `output format: ${AUDIO_OUTPUT_FORMATS.join(', ')}`)
    .option('--rate <hz>', 'output sample rate (default: the input rate)', (value) => Number(value))
    .option('--bitrate <kbps>', 'bit rate for mp3, aac and opus', (value) => Number(value))
    .option(
      '--raw <rate[:channels]>',
      'treat the input as headerless s16le PCM at this rate (and channel count)',
    )
    .addHelpText(
      'after',
      examples([
        'earshot audio convert interview.m4a interview.wav',
        'earshot audio convert --rate 16000 lecture.mp4 lecture.flac',
        'earshot audio convert --format mp3 --bitrate 64 talk.wav - > talk.mp3',
      ]),
    )
    .action(
      async (
        input: string,
        output: string,
        options: { format?: string; rate?: number; bitrate?: number; raw?: string },
        command: Command,
      ) => {
        const ctx = context(command);
        const format = (options.format ?? extname(output).slice(1)).toLowerCase();
        if (!isAudioOutputFormat(format)) {
          throw new InvalidRequestError(
            'invalid_parameter',
            `Cannot tell the output format from "${output}": use an extension or --format with one of ${AUDIO_OUTPUT_FORMATS.join(', ')}.`,
          );
        }
        if (
          options.rate !== undefined &&
          !(Number.isInteger(options.rate) && options.rate >= 1000 && options.rate <= 384_000)
        ) {
          throw new InvalidRequestError(
            'invalid_parameter',
            '--rate must be an integer between 1000 and 384000.',
          );
        }
        if (
          options.bitrate !== undefined &&
          !(Number.isFinite(options.bitrate) && options.bitrate >= 6 && options.bitrate <= 512)
        ) {
          throw new InvalidRequestError(
            'invalid_parameter',
            '--bitrate must be between 6 and 512 kbit/s.',
          );
        }
        const loaded = await loadAudio(input === '-' ? process.stdin : input, {
          ...audioOptions(ctx.config),
          sampleRate: options.rate ?? 'source',
          ...parseRawOption(options.raw),
        });
        const encoded = await encodeAudio(loaded.samples, loaded.sampleRate, format, {
          ffmpegPath: ctx.config.audio.ffmpegPath,
          timeoutS: ctx.config.audio.decodeTimeoutS,
          ...(options.bitrate ? { bitrateKbps: options.bitrate } : {}),
        });
        if (output === '-') ctx.stdout.write(encoded);
        else await writeFile(output, encoded);
        ctx.logger.info(
          { format, bytes: encoded.length, durationS: loaded.durationS },
          'converted',
        );
      },
    );
}
