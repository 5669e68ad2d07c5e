/**
 * Subtitle cues from a transcription, as OpenAI's `SubtitlesWriter.iterate_result`: segments as
 * they are, or (with word timestamps and both a line width and a line count) words re-flowed into
 * lines and cues, breaking on long pauses; optionally one cue per word with it underlined.
 */
import type { TranscriptionResult, TranscriptionWord } from '../asr/types.js';

export interface SubtitleOptions {
  /** Characters per line before wrapping (needs word timestamps and `maxLineCount`). */
  maxLineWidth?: number;
  /** Lines per cue. */
  maxLineCount?: number;
  /** Words per line at most. */
  maxWordsPerLine?: number;
  /** One cue per word with the current word underlined (`<u>…</u>`). */
  highlightWords?: boolean;
}

export interface SubtitleCue {
  start: number;
  end: number;
  text: string;
}

function* reflow(
  result: TranscriptionResult,
  options: SubtitleOptions,
): Generator<TranscriptionWord[]> {
  const preserveSegments = options.maxLineCount === undefined || options.maxLineWidth === undefined;
  const maxLineWidth = options.maxLineWidth ?? 1000;
  const maxWordsPerLine = options.maxWordsPerLine ?? 1000;
  let lineLength = 0;
  let lineCount = 1;
  let subtitle: TranscriptionWord[] = [];
  let last =
    result.segments.find((segment) => segment.words && segment.words.length > 0)?.words?.[0]
      ?.start ?? 0;
  for (const segment of result.segments) {
    const words = segment.words ?? [];
    for (let chunk = 0; chunk < words.length; chunk += maxWordsPerLine) {
      const line = words.slice(chunk, chunk + maxWordsPerLine);
      for (let index = 0; index < line.length; index++) {
        const timing = { ...(line[index] as TranscriptionWord) };
        const longPause = !preserveSegments && timing.start - last > 3;
        const hasRoom = lineLength + timing.word.length <= maxLineWidth;
        const segmentBreak = index === 0 && subtitle.length > 0 && preserveSegments;
        if (lineLength > 0 && hasRoom && !longPause && !segmentBreak) {
          lineLength += timing.word.length;
        } else {
          timing.word = timing.word.trim();
          const full =
            options.maxLineCount !== undefined && (longPause || lineCount >= options.maxLineCount);
          if ((subtitle.length > 0 && full) || segmentBreak) {
            yield subtitle;
            subtitle = [];
            lineCount = 1;
          } else if (lineLength > 0) {
            lineCount++;
            timing.word = `\n${timing.word}`;
          }
          lineLength = timing.word.trim().length;
        }
        subtitle.push(timing);
        last = timing.start;
      }
    }
  }
  if (subtitle.length > 0) yield subtitle;
}

export function subtitleCues(
  result: TranscriptionResult,
  options: SubtitleOptions = {},
): SubtitleCue[] {
  const cues: SubtitleCue[] = [];
  const hasWords = result.segments.length > 0 && result.segments[0]?.words !== undefined;
  if (!hasWords) {
    for (const segment of result.segments) {
      cues.push({
        start: segment.start,
        end: segment.end,
        text: segment.text.trim().replaceAll('-->', '->'),
      });
    }
    return cues;
  }
  for (const subtitle of reflow(result, options)) {
    const first = subtitle[0] as TranscriptionWord;
    const lastWord = subtitle[subtitle.length - 1] as TranscriptionWord;
    const text = subtitle.map((word) => word.word).join('');
    if (!options.highlightWords) {
      cues.push({ start: first.start, end: lastWord.end, text });
      continue;
    }
    let previousEnd = first.start;
    subtitle.forEach((word, index) => {
      if (previousEnd !== word.start) cues.push({ start: previousEnd, end: word.start, text });
      const highlighted = subtitle
        .map((other, j) =>
          j === index ? other.word.replace(/^(\s*)([\s\S]*)$/, '$1<u>$2</u>') : other.word,
        )
        .join('');
      cues.push({ start: word.start, end: word.end, text: highlighted });
      previousEnd = word.end;
    });
  }
  return cues;
}
