/**
 * Text normalisation: turns what is written into what is said, for one sentence at a time.
 * Web addresses first (their dots and digits are not numbers), then the language's own rules
 * (dates, times, money, units, …), then the shared ones: any number left, abbreviations and
 * symbols. Languages without rules keep their digits, which eSpeak NG reads in that language.
 */
import { english } from './english.js';
import type { Abbreviation, CommonWords, LanguageRules } from './language.js';
import {
  applyRewrites,
  END,
  escapeRegExp,
  numberSource,
  type Rewrite,
  rewrite,
  START,
  writtenNumber,
} from './patterns.js';
import { polish } from './polish.js';

/** Languages with normalisation rules, by ISO 639-1 code. */
export const textLanguages: Readonly<Record<string, LanguageRules>> = { en: english, pl: polish };

/** The rules for a language tag or eSpeak voice ("pl", "en-GB", "en-us+f3"); null if none. */
export function languageRules(tag: string | null | undefined): LanguageRules | null {
  if (!tag) return null;
  const primary = tag.toLowerCase().split(/[-_+]/)[0] ?? '';
  return textLanguages[primary] ?? null;
}

const URL_TRAILING = /[.,;:!?)\]}'"»”’]+$/u;

/** "https://www.example.com/a?b=1" → "example dot com"; the path is not read. */
function webAddressRewrites(words: CommonWords | null): Rewrite[] {
  const dot = (host: string) => (words ? host.split('.').join(` ${words.dot} `) : host);
  return [
    rewrite(
      'e-mail address',
      `${START}(?<local>[\\w+-]{1,64}(?:\\.[\\w+-]{1,64}){0,8})@(?<domain>[\\w-]{1,63}(?:\\.[\\w-]{1,63}){1,8})${END}`,
      (g) => {
        const local = (g['local'] as string).replace(/[_+-]/g, ' ');
        return `${dot(local)} ${words ? words.at : '@'} ${dot(g['domain'] as string)}`;
      },
    ),
    rewrite(
      'url',
      `(?<![\\w/])(?:(?:https?|ftp)://|www\\.)[^\\s<>"]{1,2048}`,
      (_groups, match) => {
        const trailing = URL_TRAILING.exec(match)?.[0] ?? '';
        const address = match.slice(0, match.length - trailing.length);
        const host = address
          .replace(/^(?:(?:https?|ftp):\/\/)/i, '')
          .replace(/^[^@/]*@/, '')
          .split(/[/?#:]/)[0]
          ?.replace(/^www\./i, '');
        return host ? `${dot(host)}${trailing}` : trailing;
      },
      'giu',
    ),
  ];
}

function abbreviationRewrite(abbreviations: readonly Abbreviation[]): Rewrite | null {
  if (abbreviations.length === 0) return null;
  const sources = [...abbreviations]
    .sort((a, b) => b.written.length - a.written.length)
    .map((entry) => {
      const written = escapeRegExp(entry.written);
      const after = entry.written.endsWith('.') ? '' : END;
      const number = entry.beforeNumber ? '(?=\\s?\\d)' : '';
      return `${written}${after}${number}`;
    });
  return rewrite(
    'abbreviation',
    `${START}(?:${sources.join('|')})`,
    (_groups, match) => {
      const entry =
        abbreviations.find((candidate) => candidate.written === match) ??
        abbreviations.find(
          (candidate) =>
            !candidate.caseSensitive && candidate.written.toLowerCase() === match.toLowerCase(),
        );
      return entry ? entry.spoken : match;
    },
    'giu',
  );
}

function sharedRewrites(rules: LanguageRules): Rewrite[] {
  const abbreviations = abbreviationRewrite(
    rules.abbreviations.filter((entry) => !entry.beforeNumber),
  );
  return [
    rewrite('digits', `(?<!\\d)\\d{16,}`, (_groups, match) => rules.speakDigits(match)),
    rewrite('number', `${START}${numberSource(rules.number)}(?!\\d)`, (g) =>
      rules.speakNumber(writtenNumber(g)),
    ),
    rewrite('point between numbers', '(?<=\\d)\\.(?=\\d)', () => ` ${rules.words.point} `),
    rewrite('leftover digits', '\\d{1,15}', (_groups, match) =>
      rules.speakNumber({ negative: false, integer: match, fraction: null }),
    ),
    ...(abbreviations ? [abbreviations] : []),
    rewrite('ampersand', '\\s?&\\s?', () => ` ${rules.words.and} `),
    rewrite('plus', '(?<=\\s|^)\\+(?=\\s)', () => rules.words.plus),
    rewrite('equals', '(?<=\\s|^)=(?=\\s)', () => rules.words.equals),
    rewrite('percent sign', '\\s?%', () => ` ${rules.words.percent}`),
  ];
}

const rewriteCache = new WeakMap<LanguageRules, readonly Rewrite[]>();

function rewritesFor(rules: LanguageRules): readonly Rewrite[] {
  let rewrites = rewriteCache.get(rules);
  if (!rewrites) {
    // Abbreviations of "number" go first, while the number they announce is still digits.
    const beforeNumber = abbreviationRewrite(
      rules.abbreviations.filter((entry) => entry.beforeNumber),
    );
    rewrites = [
      ...webAddressRewrites(rules.words),
      ...(beforeNumber ? [beforeNumber] : []),
      ...rules.rewrites,
      ...sharedRewrites(rules),
    ];
    rewriteCache.set(rules, rewrites);
  }
  return rewrites;
}

const GENERIC = webAddressRewrites(null);

const TERMINAL = /[.!?…。！？]["'”’»)\]]*$/u;

/** Normalises one sentence for speaking with `rules` (null: web addresses only). */
export function normalizeText(text: string, rules: LanguageRules | null): string {
  const spoken = applyRewrites(text, rules ? rewritesFor(rules) : GENERIC)
    .replace(/[ \t\u00a0\u202f]+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .trim();
  // An abbreviation at the end ("etc.", "itd.") took the sentence's full stop with it.
  return TERMINAL.test(text.trim()) && !TERMINAL.test(spoken) && spoken !== ''
    ? `${spoken}.`
    : spoken;
}
