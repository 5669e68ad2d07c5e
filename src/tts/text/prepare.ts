/**
 * The text front-end in one call: clean the text, split it into sentences, say numbers, dates,
 * money and abbreviations as words, and cut sentences that are too long into chunks.
 */
import { chunkSentence } from './chunk.js';
import { cleanText } from './clean.js';
import { languageRules, normalizeText } from './normalize.js';
import { splitSentences } from './sentences.js';

export interface PrepareTextOptions {
  /**
   * Language tag or voice ("en", "pl-PL", "en-us+f3") choosing the normalisation rules.
   * Languages without rules are cleaned and split, and keep their digits.
   */
  language?: string | null;
  /** Longest segment, in UTF-16 code units. Default 400. */
  maxSegmentChars?: number;
  /** Turn numbers, dates, money and abbreviations into words. Default true. */
  normalize?: boolean;
}

/** Anything worth speaking: a letter or a digit. */
const SPEAKABLE = /[\p{L}\p{N}]/u;

/**
 * Turns raw text (plain, Markdown or HTML) into the segments to synthesise, in order: one per
 * sentence, or several for a sentence longer than `maxSegmentChars`.
 */
export function prepareText(text: string, options: PrepareTextOptions = {}): string[] {
  const rules = languageRules(options.language);
  const maxChars = Math.max(16, options.maxSegmentChars ?? 400);
  const segments: string[] = [];
  for (const block of cleanText(text)) {
    for (const sentence of splitSentences(block, rules)) {
      const spoken = options.normalize === false ? sentence : normalizeText(sentence, rules);
      for (const chunk of chunkSentence(spoken, maxChars))
        if (SPEAKABLE.test(chunk)) segments.push(chunk);
    }
  }
  return segments;
}
