import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { TranscriptionResult, TranscriptionSegment } from '../../src/asr/types.js';
import { locateFfmpeg } from '../../src/audio/ffmpeg.js';
import { subtitleCues } from '../../src/formats/subtitles.js';
import { formatTimestamp } from '../../src/formats/timestamp.js';
import { TRANSCRIPT_FORMATS, verboseJson, writeTranscript } from '../../src/formats/writers.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();
const run = promisify(execFile);

function segment(
  id: number,
  start: number,
  end: number,
  text: string,
  words?: Array<[string, number, number]>,
): TranscriptionSegment {
  return {
    id,
    seek: 0,
    start,
    end,
    text,
    tokens: [1, 2],
    tokenProbs: [0.9, 0.8],
    temperature: 0,
    avgLogprob: -0.2,
    compressionRatio: 1.1,
    noSpeechProb: 0.01,
    ...(words
      ? {
          words: words.map(([word, wordStart, wordEnd]) => ({
            word,
            start: wordStart,
            end: wordEnd,
            probability: 0.9,
          })),
        }
      : {}),
  };
}

const result: TranscriptionResult = {
  text: ' And so my fellow Americans, ask not what your country can do for you.',
  language: 'en',
  languageProbs: null,
  durationS: 11,
  warnings: [],
  segments: [
    segment(0, 0, 4.5, ' And so my fellow Americans,', [
      [' And', 0, 0.4],
      [' so', 0.4, 0.8],
      [' my', 0.9, 1.2],
      [' fellow', 1.2, 1.8],
      [' Americans,', 1.8, 4.5],
    ]),
    segment(1, 4.5, 3661.257, ' ask not --> what your\tcountry can do for you.', [
      [' ask', 4.6, 5],
      [' not', 5, 5.5],
      [' what', 9.2, 9.5],
      [' your', 9.5, 9.8],
      [' country', 9.8, 10.2],
      [' can', 10.2, 10.4],
      [' do', 10.4, 10.6],
      [' for', 10.6, 10.8],
      [' you.', 10.8, 3661.257],
    ]),
  ],
};
const withoutWords: TranscriptionResult = {
  ...result,
  segments: result.segments.map(({ words: _words, ...rest }) => rest),
};

describe('formatTimestamp', () => {
  it.each([
    [0, {}, '00:00.000'],
    [61.5, {}, '01:01.500'],
    [3661.257, {}, '01:01:01.257'],
    [5.25, { alwaysIncludeHours: true, decimalMarker: ',' }, '00:00:05,250'],
  ] as const)('formats %f as %s', (seconds, options, expected) => {
    expect(formatTimestamp(seconds, options)).toBe(expected);
  });
});

describe('transcript writers', () => {
  it('writes one stripped line per segment in txt', () => {
    expect(writeTranscript(withoutWords, 'txt')).toBe(
      'And so my fellow Americans,\nask not --> what your\tcountry can do for you.\n',
    );
  });

  it('writes SRT with numbered cues, hours and comma decimals, and escapes arrows', () => {
    const srt = writeTranscript(withoutWords, 'srt');
    expect(srt).toBe(
      '1\n00:00:00,000 --> 00:00:04,500\nAnd so my fellow Americans,\n\n2\n00:00:04,500 --> 01:01:01,257\nask not -> what your\tcountry can do for you.\n\n',
    );
  });

  it('writes WebVTT with a header', () => {
    expect(
      writeTranscript(withoutWords, 'vtt').startsWith(
        'WEBVTT\n\n00:00.000 --> 00:04.500\nAnd so my fellow Americans,\n\n',
      ),
    ).toBe(true);
  });

  it('writes TSV in integer milliseconds without tabs in the text', () => {
    expect(writeTranscript(withoutWords, 'tsv')).toBe(
      'start\tend\ttext\n0\t4500\tAnd so my fellow Americans,\n4500\t3661257\task not --> what your country can do for you.\n',
    );
  });

  it('writes the whole result as JSON and OpenAI verbose_json with the language name and words', () => {
    expect(JSON.parse(writeTranscript(result, 'json'))).toEqual(JSON.parse(JSON.stringify(result)));
    const verbose = verboseJson(result, { task: 'transcribe' });
    expect(verbose).toMatchObject({
      task: 'transcribe',
      language: 'english',
      duration: 11,
      text: result.text,
    });
    expect(verbose.segments[0]).toEqual({
      id: 0,
      seek: 0,
      start: 0,
      end: 4.5,
      text: ' And so my fellow Americans,',
      tokens: [1, 2],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 1.1,
      no_speech_prob: 0.01,
    });
    expect(verbose.words?.[0]).toEqual({ word: ' And', start: 0, end: 0.4 });
    expect(verboseJson(withoutWords).words).toBeUndefined();
  });

  it.each(['srt', 'vtt'] as const)(
    'writes %s that ffmpeg parses back with every cue',
    async (format) => {
      const path = join(tempDir(), `out.${format}`);
      writeFileSync(path, writeTranscript(result, format, { maxLineWidth: 20, maxLineCount: 2 }));
      const { stdout } = await run(locateFfmpeg(), [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        path,
        '-f',
        'srt',
        'pipe:1',
      ]);
      const cues = subtitleCues(result, { maxLineWidth: 20, maxLineCount: 2 });
      expect(stdout.match(/ --> /g)?.length).toBe(cues.length);
      expect(stdout).toContain('Americans');
    },
  );

  it('lists every format it can write', () => {
    for (const format of TRANSCRIPT_FORMATS)
      expect(typeof writeTranscript(result, format)).toBe('string');
  });
});

describe('subtitle cues', () => {
  it('keeps segments as cues without line limits', () => {
    expect(subtitleCues(result).map((cue) => cue.text)).toEqual([
      'And so my fellow Americans,',
      'ask not what your country can do for you.',
    ]);
    expect(subtitleCues(withoutWords).map((cue) => [cue.start, cue.end])).toEqual([
      [0, 4.5],
      [4.5, 3661.257],
    ]);
  });

  it('re-flows words into lines of the given width and cues of the given line count, breaking at long pauses', () => {
    const cues = subtitleCues(result, { maxLineWidth: 20, maxLineCount: 2 });
    for (const cue of cues) {
      const lines = cue.text.split('\n');
      expect(lines.length).toBeLessThanOrEqual(2);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
    }
    // A pause of more than 3 s (5.5 → 9.2) starts a new cue.
    expect(cues.some((cue) => cue.start === 9.2)).toBe(true);
    expect(cues.map((cue) => cue.text.replaceAll('\n', ' ')).join(' ')).toBe(
      'And so my fellow Americans, ask not what your country can do for you.',
    );
  });

  it('underlines the current word in highlight mode', () => {
    const cues = subtitleCues(result, { highlightWords: true });
    expect(cues[0]?.text).toBe('<u>And</u> so my fellow Americans,');
    expect(cues.some((cue) => cue.text.includes(' <u>fellow</u>'))).toBe(true);
  });
});
