/**
 * Sentence splitting that knows abbreviations: "Dr. Smith arrived." is one sentence, "Kupiłem
 * jabłka, gruszki itd. Potem…" is two. A sentence ends at ., !, ? or … (and the closing quotes
 * or brackets after them) followed by a space and something that can start a sentence; CJK
 * full stops end one with no space. One pass over the text, no backtracking.
 */
import type { LanguageRules } from './language.js';

const TERMINALS = new Set(['.', '!', '?', '…', '‼', '⁇', '⁈', '⁉']);
/** Terminals that end a sentence even without a following space (Chinese, Japanese). */
const CJK_TERMINALS = new Set(['。', '！', '？']);
const CLOSERS = new Set(['"', "'", '”', '’', '»', '«', ')', ']', '}', '」', '』']);
const WHITESPACE = /\s/u;
const LOWERCASE = /\p{Ll}/u;
/** A word (with inner periods, as in "e.g" or "m.in") ending right before a period. */
const WORD_BEFORE_PERIOD = /(?:^|[^\p{L}.])([\p{L}.]{1,24})$/u;

interface AbbreviationSets {
  /** Lower-cased abbreviations (without their final period) that never end a sentence. */
  neverFinal: Set<string>;
  /** Lower-cased abbreviations that end a sentence when a capital follows. */
  mayEnd: Set<string>;
}

const cache = new WeakMap<LanguageRules, AbbreviationSets>();

function abbreviationSets(rules: LanguageRules | null): AbbreviationSets {
  if (!rules) return { neverFinal: new Set(), mayEnd: new Set() };
  let sets = cache.get(rules);
  if (!sets) {
    sets = { neverFinal: new Set(), mayEnd: new Set() };
    for (const entry of rules.abbreviations) {
      if (!entry.written.endsWith('.')) continue;
      // Only the last word of "sp. z o.o." is seen before its final period.
      const key = (entry.written.slice(0, -1).split(' ').pop() as string).toLowerCase();
      (entry.canEndSentence ? sets.mayEnd : sets.neverFinal).add(key);
    }
    cache.set(rules, sets);
  }
  return sets;
}

/**
 * Whether a period at `dot` ends the sentence, given the next visible character. Single
 * letters ("J. R. R. Tolkien") and abbreviations that never end a sentence do not.
 */
function periodEnds(text: string, dot: number, next: string, sets: AbbreviationSets): boolean {
  const word = WORD_BEFORE_PERIOD.exec(text.slice(Math.max(0, dot - 25), dot))?.[1];
  if (!word) return true;
  const key = word.toLowerCase();
  if (sets.neverFinal.has(key)) return false;
  if (sets.mayEnd.has(key)) return !/\d/.test(next);
  // An initial ("J. R. R. Tolkien").
  if (/^\p{L}$/u.test(word)) return false;
  return true;
}

/** Splits one paragraph (no line breaks) into sentences, keeping their punctuation. */
export function splitSentences(paragraph: string, rules: LanguageRules | null): string[] {
  const sets = abbreviationSets(rules);
  const sentences: string[] = [];
  let start = 0;
  let i = 0;
  while (i < paragraph.length) {
    const char = paragraph[i] as string;
    if (CJK_TERMINALS.has(char)) {
      let end = i + 1;
      while (end < paragraph.length && CLOSERS.has(paragraph[end] as string)) end++;
      sentences.push(paragraph.slice(start, end));
      start = end;
      i = end;
      continue;
    }
    if (!TERMINALS.has(char)) {
      i++;
      continue;
    }
    const runStart = i;
    let end = i;
    while (end < paragraph.length && TERMINALS.has(paragraph[end] as string)) end++;
    while (end < paragraph.length && CLOSERS.has(paragraph[end] as string)) end++;
    i = end;
    if (end < paragraph.length && !WHITESPACE.test(paragraph[end] as string)) continue;
    let next = end;
    while (next < paragraph.length && WHITESPACE.test(paragraph[next] as string)) next++;
    if (next >= paragraph.length) break;
    const nextChar = paragraph[next] as string;
    if (LOWERCASE.test(nextChar)) continue;
    const run = paragraph.slice(runStart, end).replace(/[^.!?…‼⁇⁈⁉]/gu, '');
    if (run === '.' && !periodEnds(paragraph, runStart, nextChar, sets)) continue;
    sentences.push(paragraph.slice(start, end));
    start = next;
    i = next;
  }
  sentences.push(paragraph.slice(start));
  return sentences.map((sentence) => sentence.trim()).filter((sentence) => sentence !== '');
}
