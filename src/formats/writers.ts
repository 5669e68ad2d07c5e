/**
 * Output formats for transcriptions: txt, srt, vtt, tsv, json and OpenAI's verbose_json, as a
 * table of writers so that the CLI and the HTTP APIs choose by name.
 */
import { languageName } from '../asr/languages.js';
import type { TranscriptionResult } from '../asr/types.js';
import { type SubtitleOptions, subtitleCues } from './subtitles.js';
import { formatTimestamp, roundHalfEven } from './timestamp.js';

export const TRANSCRIPT_FORMATS = ['txt', 'srt', 'vtt', 'tsv', 'json', 'verbose_json'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export interface WriteOptions extends SubtitleOptions {
  /** The task, for verbose_json. Default `transcribe`. */
  task?: 'transcribe' | 'translate';
  /** Include word entries in verbose_json. Default: when the result has words. */
  includeWords?: boolean;
}

interface Writer {
  extension: string;
  mimeType: string;
  write(result: TranscriptionResult, options: WriteOptions): string;
}

/** A segment as openai-whisper's result dictionary and OpenAI's API spell it (snake_case). */
export function whisperSegment(segment: TranscriptionResult['segments'][number]) {
  return {
    id: segment.id,
    seek: segment.seek,
    start: segment.start,
    end: segment.end,
    text: segment.text,
    tokens: segment.tokens,
    temperature: segment.temperature,
    avg_logprob: segment.avgLogprob,
    compression_ratio: segment.compressionRatio,
    no_speech_prob: segment.noSpeechProb,
  };
}

/** The OpenAI API's verbose_json body. */
export function verboseJson(result: TranscriptionResult, options: WriteOptions = {}) {
  const words = result.segments.flatMap((segment) => segment.words ?? []);
  const includeWords = options.includeWords ?? words.length > 0;
  return {
    task: options.task ?? 'transcribe',
    language: languageName(result.language) ?? result.language,
    duration: result.durationS,
    text: result.text,
    segments: result.segments.map(whisperSegment),
    ...(includeWords ? { words: words.map(({ word, start, end }) => ({ word, start, end })) } : {}),
  };
}

export const transcriptWriters: Record<TranscriptFormat, Writer> = {
  txt: {
    extension: 'txt',
    mimeType: 'text/plain; charset=utf-8',
    write: (result) => result.segments.map((segment) => `${segment.text.trim()}\n`).join(''),
  },
  vtt: {
    extension: 'vtt',
    mimeType: 'text/vtt; charset=utf-8',
    write: (result, options) =>
      `WEBVTT\n\n${subtitleCues(result, options)
        .map(
          (cue) => `${formatTimestamp(cue.start)} --> ${formatTimestamp(cue.end)}\n${cue.text}\n\n`,
        )
        .join('')}`,
  },
  srt: {
    extension: 'srt',
    mimeType: 'application/x-subrip; charset=utf-8',
    write: (result, options) =>
      subtitleCues(result, options)
        .map((cue, index) => {
          const stamp = (seconds: number) =>
            formatTimestamp(seconds, { alwaysIncludeHours: true, decimalMarker: ',' });
          return `${index + 1}\n${stamp(cue.start)} --> ${stamp(cue.end)}\n${cue.text}\n\n`;
        })
        .join(''),
  },
  tsv: {
    extension: 'tsv',
    mimeType: 'text/tab-separated-values; charset=utf-8',
    write: (result) =>
      `start\tend\ttext\n${result.segments
        .map(
          (segment) =>
            `${roundHalfEven(1000 * segment.start)}\t${roundHalfEven(1000 * segment.end)}\t${segment.text.trim().replaceAll('\t', ' ')}\n`,
        )
        .join('')}`,
  },
  json: {
    extension: 'json',
    mimeType: 'application/json; charset=utf-8',
    write: (result) => `${JSON.stringify(result)}\n`,
  },
  verbose_json: {
    extension: 'json',
    mimeType: 'application/json; charset=utf-8',
    write: (result, options) => `${JSON.stringify(verboseJson(result, options))}\n`,
  },
};

export function isTranscriptFormat(value: string): value is TranscriptFormat {
  return (TRANSCRIPT_FORMATS as readonly string[]).includes(value);
}

export function writeTranscript(
  result: TranscriptionResult,
  format: TranscriptFormat,
  options: WriteOptions = {},
): string {
  return transcriptWriters[format].write(result, options);
}
