/**
 * What the text front-end knows about a language, as data plus the few functions that speak
 * numbers. Each language is one object (`english.ts`, `polish.ts`); the front-end never asks
 * which language it is handling.
 */
import type { NumberFormat, Rewrite, WrittenNumber } from './patterns.js';

export interface Abbreviation {
  /** As written, with its period if it has one: "Dr.", "np.", "nr". */
  written: string;
  /** As spoken: "Doctor", "na przykład", "numer". */
  spoken: string;
  /** May end a sentence ("etc.", "itd."): a following capital then starts a new sentence. */
  canEndSentence?: boolean;
  /** Expanded only before a number ("No. 5" → "number 5", but "No. I won't" stays). */
  beforeNumber?: boolean;
  /** Match the case exactly ("St." is not "st."). Default: any case. */
  caseSensitive?: boolean;
}

/** Words the shared rules insert. */
export interface CommonWords {
  /** Read between the parts of a web address: "dot", "kropka". */
  dot: string;
  /** Read for "@" in e-mail addresses: "at", "małpa". */
  at: string;
  /** Read between number parts that are not a decimal: "point", "kropka". */
  point: string;
  and: string;
  plus: string;
  equals: string;
  percent: string;
}

export interface LanguageRules {
  /** ISO 639-1 code. */
  code: string;
  name: string;
  number: NumberFormat;
  words: CommonWords;
  abbreviations: readonly Abbreviation[];
  /** Language rules (dates, times, money, units, …), applied in order before the shared ones. */
  rewrites: readonly Rewrite[];
  /** Speaks a plain number: "-3.14" → "minus three point one four". */
  speakNumber(number: WrittenNumber): string;
  /** Speaks digits one by one: "007" → "zero zero seven". */
  speakDigits(digits: string): string;
}
