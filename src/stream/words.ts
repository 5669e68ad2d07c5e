/**
 * Words of a hypothesis on the session's audio timeline, and the comparisons fusion makes
 * between them.
 */
import type { TranscriptionResult } from '../asr/types.js';

/** One word of a pass's hypothesis, with absolute times in seconds. */
export interface HypothesisWord {
  /** As the model wrote it, usually with a leading space. */
  text: string;
  start: number;
  end: number;
  probability: number;
}

/**
 * The comparison key of a word: lower case, letters and digits only, so that casing and
 * punctuation do not count as disagreement when hypotheses are aligned. A word that is only
 * punctuation keys as itself.
 */
export function wordKey(text: string): string {
  const key = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
  return key.length > 0 ? key : text.trim();
}

export function sameWord(a: HypothesisWord, b: HypothesisWord): boolean {
  return wordKey(a.text) === wordKey(b.text);
}

export function joinWords(words: readonly { text: string }[]): string {
  return words.map((word) => word.text).join('');
}

/**
 * The words of a transcription of audio that starts `offsetS` seconds into the session. Words
 * come from the engine's word timestamps; an engine that gives none has each segment's text
 * spread over the segment in proportion to word length.
 */
export function hypothesisWords(result: TranscriptionResult, offsetS: number): HypothesisWord[] {
  const words: HypothesisWord[] = [];
  for (const segment of result.segments) {
    const segmentWords =
      segment.words ??
      spreadWords(segment.text, segment.start, segment.end, mean(segment.tokenProbs));
    for (const word of segmentWords) {
      if (word.word.trim().length === 0) continue;
      words.push({
        text: word.word,
        start: offsetS + Math.max(0, word.start),
        end: offsetS + Math.max(word.start, word.end, 0),
        probability: clampProbability(word.probability),
      });
    }
  }
  return words;
}

function spreadWords(
  text: string,
  start: number,
  end: number,
  probability: number,
): Array<{ word: string; start: number; end: number; probability: number }> {
  const pieces = text.match(/\s*\S+/g) ?? [];
  const total = pieces.reduce((sum, piece) => sum + piece.trim().length, 0);
  let cursor = start;
  return pieces.map((piece) => {
    const from = cursor;
    cursor += ((end - start) * piece.trim().length) / Math.max(1, total);
    return { word: piece, start: from, end: cursor, probability };
  });
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function clampProbability(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/**
 * The part of a hypothesis that lies after the committed words, as whisper_streaming's
 * `HypothesisBuffer.insert` finds it: words starting before the commit time (less a small
 * tolerance for timing jitter) are dropped; then, if the rest starts within a second of the commit
 * time, the shortest n-gram at its front (up to 5 words) that repeats the end of the committed
 * text is removed.
 */
export function wordsAfterCommit(
  words: readonly HypothesisWord[],
  committedEnd: number,
  committedTail: readonly HypothesisWord[],
): HypothesisWord[] {
  const fresh = words.filter((word) => word.start > committedEnd - 0.1);
  const first = fresh[0];
  if (!first || committedTail.length === 0 || Math.abs(first.start - committedEnd) >= 1) {
    return fresh;
  }
  const limit = Math.min(committedTail.length, fresh.length, 5);
  for (let n = 1; n <= limit; n++) {
    let matches = true;
    for (let k = 0; k < n && matches; k++) {
      matches = sameWord(
        committedTail[committedTail.length - n + k] as HypothesisWord,
        fresh[k] as HypothesisWord,
      );
    }
    if (matches) return fresh.slice(n);
  }
  return fresh;
}
