import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { openTranscriptionModel } from '../../asr/load-model.js';
import type { TranscribeOptions } from '../../asr/types.js';
import { loadAudio } from '../../audio/load.js';
import { EarshotError, InvalidRequestError, toEarshotError } from '../../errors.js';
import {
  isTranscriptFormat,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  transcriptWriters,
} from '../../formats/writers.js';
import { parseDtype } from '../../models/dtypes.js';
import { ModelStore, modelStoreOptions } from '../../models/model-store.js';
import { SessionPool, sessionPoolOptions } from '../../models/session-pool.js';
import { type CliContext, examples } from '../context.js';
import { downloadProgress } from '../download-progress.js';
import { parseRawOption } from '../options.js';
import { transcriptionProgress } from '../transcription-progress.js';
import { audioOptions } from './audio.js';

interface TranscribeFlags {
  model?: string;
  dtype?: string;
  language?: string;
  task: string;
  format: string;
  outputDir?: string;
  wordTimestamps?: boolean;
  beamSize?: string;
  bestOf?: string;
  temperature?: string;
  hotwords?: string;
  prompt?: string;
  conditionOnPreviousText: boolean;
  clipTimestamps?: string;
  maxLineWidth?: string;
  maxLineCount?: string;
  highlightWords?: boolean;
  raw?: string;
  vad?: boolean;
  audioContext?: string;
  progress: boolean;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidRequestError(
      'invalid_parameter',
      `${flag} must be a positive integer, got "${value}".`,
    );
  return parsed;
}

function temperatures(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const parsed = value.split(',').map((part) => Number(part.trim()));
  if (parsed.length === 0 || parsed.some((t) => !Number.isFinite(t) || t < 0 || t > 2)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `--temperature takes numbers between 0 and 2 separated by commas, got "${value}".`,
    );
  }
  return parsed;
}

/** The decoding options the flags ask for. */
function decodeOptions(flags: TranscribeFlags): TranscribeOptions {
  if (flags.task !== 'transcribe' && flags.task !== 'translate') {
    throw new InvalidRequestError(
      'invalid_parameter',
      `--task must be transcribe or translate, got "${flags.task}".`,
    );
  }
  const temperature = temperatures(flags.temperature);
  const beamSize = positiveInteger(flags.beamSize, '--beam-size');
  const bestOf = positiveInteger(flags.bestOf, '--best-of');
  return {
    task: flags.task,
    ...(flags.language && flags.language !== 'auto' ? { language: flags.language } : {}),
    ...(temperature ? { temperature } : {}),
    ...(beamSize ? { beamSize } : {}),
    ...(bestOf ? { bestOf } : {}),
    ...(flags.hotwords ? { hotwords: flags.hotwords } : {}),
    ...(flags.prompt ? { initialPrompt: flags.prompt } : {}),
    ...(flags.clipTimestamps ? { clipTimestamps: flags.clipTimestamps } : {}),
    conditionOnPreviousText: flags.conditionOnPreviousText,
    ...(flags.vad ? { vad: true } : {}),
    ...(flags.audioContext ? { audioContext: flags.audioContext as 'full' | 'content' } : {}),
    wordTimestamps:
      flags.wordTimestamps === true ||
      flags.highlightWords === true ||
      flags.maxLineWidth !== undefined,
  };
}

export function registerTranscribeCommand(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  program
    .command('transcribe')
    .description('transcribe (or translate to English) audio and video files with a Whisper model')
    .argument('<files...>', 'audio or video files ("-" for stdin)')
    .option(
      '-m, --model <ref>',
      'hub id (onnx-community/whisper-small) or local folder; default: asr.model',
    )
    .option('--dtype <dtype>', 'weight format: fp32, fp16, q8, int8, uint8, q4; default: asr.dtype')
    .option('-l, --language <code>', 'language code or name; default: detected from the first 30 s')
    .option('--task <task>', 'transcribe, or translate into English', 'transcribe')
    .option(
      '-f, --format <format>',
      `output format: ${TRANSCRIPT_FORMATS.join(', ')} or all`,
      'txt',
    )
    .option('-o, --output-dir <dir>', 'write <name>.<ext> files here instead of printing')
    .option('--word-timestamps', 'time every word (cross-attention alignment)')
    .option('--beam-size <n>', 'beam search width (default: greedy)')
    .option('--best-of <n>', 'samples per window when falling back to sampling (default 5)')
    .option(
      '--temperature <t[,t…]>',
      'temperature, or the fallback schedule (default 0,0.2,0.4,0.6,0.8,1)',
    )
    .option('--hotwords <words>', 'comma-separated words and names to favour')
    .option('--prompt <text>', 'context for the first window (spelling, names, style)')
    .option('--no-condition-on-previous-text', 'do not give each window the text before it')
    .option('--clip-timestamps <s,e,…>', 'only transcribe these start,end ranges (seconds)')
    .option('--max-line-width <n>', 'subtitle characters per line (implies word timestamps)')
    .option('--max-line-count <n>', 'subtitle lines per cue')
    .option(
      '--highlight-words',
      'subtitles: one cue per word, underlined (implies word timestamps)',
    )
    .option('--vad', 'transcribe only the speech voice activity detection finds (skips silence)')
    .option(
      '--audio-context <full|content>',
      'encoder input: 30 s windows (full, default) or only the audio (content: faster, less accurate)',
    )
    .option('--raw <rate[:channels]>', 'inputs are headerless s16le PCM at this rate')
    .option('--no-progress', 'no progress bars')
    .addHelpText(
      'after',
      examples([
        'earshot transcribe interview.m4a',
        'earshot transcribe --vad --word-timestamps --format json meeting-with-long-pauses.wav',
        'earshot transcribe --model onnx-community/whisper-small --language pl wywiad.mp3',
        'earshot transcribe --format srt --max-line-width 42 --max-line-count 2 -o subs/ episode*.mkv',
        'earshot transcribe --task translate --format vtt lecture.webm > lecture.vtt',
        'earshot transcribe --hotwords "Kubernetes, Grafana" --word-timestamps --format json talk.wav',
        'earshot transcribe --audio-context content --model onnx-community/whisper-base voice-note.ogg',
      ]),
    )
    .action(async (files: string[], flags: TranscribeFlags, command: Command) => {
      const ctx = context(command);
      const formats: TranscriptFormat[] =
        flags.format === 'all' ? [...TRANSCRIPT_FORMATS] : [flags.format as TranscriptFormat];
      if (!formats.every(isTranscriptFormat)) {
        throw new InvalidRequestError(
          'invalid_parameter',
          `--format must be one of ${TRANSCRIPT_FORMATS.join(', ')} or all, got "${flags.format}".`,
        );
      }
      if (formats.length > 1 && !flags.outputDir) {
        throw new InvalidRequestError('invalid_parameter', '--format all needs --output-dir.');
      }
      const options = decodeOptions(flags);
      const writeOptions = {
        task: options.task ?? 'transcribe',
        ...(flags.maxLineWidth
          ? { maxLineWidth: positiveInteger(flags.maxLineWidth, '--max-line-width') as number }
          : {}),
        ...(flags.maxLineCount
          ? { maxLineCount: positiveInteger(flags.maxLineCount, '--max-line-count') as number }
          : {}),
        ...(flags.highlightWords ? { highlightWords: true } : {}),
      };
      const store = new ModelStore({
        ...modelStoreOptions(ctx.config),
        onProgress: downloadProgress(ctx.stderr),
      });
      const pool = new SessionPool(sessionPoolOptions(ctx.config));
      const model = await openTranscriptionModel(flags.model ?? ctx.config.asr.model, {
        dtype: flags.dtype ? parseDtype(flags.dtype) : ctx.config.asr.dtype,
        store,
        pool,
      });
      let failures = 0;
      try {
        if (flags.outputDir) await mkdir(flags.outputDir, { recursive: true });
        for (const file of files) {
          const name = file === '-' ? 'stdin' : basename(file);
          const progress = flags.progress ? transcriptionProgress(ctx.stderr, name) : null;
          try {
            const audio = await loadAudio(file === '-' ? process.stdin : file, {
              ...audioOptions(ctx.config),
              ...parseRawOption(flags.raw),
            });
            const result = await model.transcribe(audio, {
              ...options,
              ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
            });
            progress?.done(result.durationS);
            for (const warning of result.warnings)
              ctx.stderr.write(`warning: ${name}: ${warning}\n`);
            for (const format of formats) {
              const text = transcriptWriters[format].write(result, writeOptions);
              if (flags.outputDir) {
                const stem = file === '-' ? 'stdin' : basename(file, extname(file));
                const suffix = format === 'verbose_json' ? '.verbose' : '';
                await writeFile(
                  join(flags.outputDir, `${stem}${suffix}.${transcriptWriters[format].extension}`),
                  text,
                );
              } else {
                if (files.length > 1) ctx.stdout.write(`==> ${file} <==\n`);
                ctx.stdout.write(text);
              }
            }
          } catch (error) {
            progress?.fail();
            const earshotError = toEarshotError(error);
            // A bad file does not stop the others; the exit status reports it.
            if (!(error instanceof EarshotError) || files.length === 1) throw earshotError;
            failures++;
            ctx.stderr.write(`error [${earshotError.code}]: ${name}: ${earshotError.message}\n`);
          }
        }
      } finally {
        await model.close();
        await pool.close();
      }
      if (failures > 0)
        throw new InvalidRequestError(
          'invalid_request',
          `${failures} of ${files.length} files could not be transcribed.`,
        );
    });
}
