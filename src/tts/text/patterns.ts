/**
 * Building blocks for the normalisation rules: regular-expression sources for numbers,
 * currencies and units, and the parsed forms the language rules speak.
 *
 * Every pattern starts at a boundary (a lookbehind) and uses bounded repetition, so matching
 * stays linear in the length of the text: hostile input (megabytes of digits, dots or markup)
 * cannot make a rule backtrack for long.
 */

/** Not preceded by a letter, digit or underscore. */
export const START = '(?<![\\p{L}\\p{N}_])';
/** Not followed by a letter, digit or underscore. */
export const END = '(?![\\p{L}\\p{N}_])';
/** Spaces that may sit inside a number or between a number and its unit. */
export const SPACE = '[ \\u00a0\\u202f]';

/** A number as written: sign, integer digits (group separators removed) and fraction digits. */
export interface WrittenNumber {
  negative: boolean;
  /** Integer digits as written, without group separators ("1234", "007"). */
  integer: string;
  /** Fraction digits as written, or `null` for an integer ("50" in 12,50). */
  fraction: string | null;
}

export interface NumberFormat {
  /** The decimal separator of the language: "." in English, "," in Polish. */
  decimal: '.' | ',';
  /** Regex source of one group separator between thousands ("," or a space). */
  group: string;
}

/**
 * Regex source for a number, capturing `${name}Sign`, `${name}Int` and `${name}Frac`. Integers
 * are either plain (up to 15 digits) or grouped in thousands; longer digit strings are left for
 * the digit-by-digit rule.
 */
export function numberSource(format: NumberFormat, name = 'n', signed = true): string {
  const decimal = format.decimal === '.' ? '\\.' : ',';
  const sign = signed ? `(?:(?<![\\p{L}\\p{N}])(?<${name}Sign>[-\\u2212]))?` : '';
  return `${sign}(?<${name}Int>\\d{1,3}(?:${format.group}\\d{3}){1,4}(?!\\d)|\\d{1,15}(?!\\d))(?:${decimal}(?<${name}Frac>\\d{1,15})(?!\\d))?`;
}

/** Reads the groups captured by `numberSource`. */
export function writtenNumber(
  groups: Record<string, string | undefined>,
  name = 'n',
): WrittenNumber {
  return {
    negative: groups[`${name}Sign`] !== undefined,
    integer: (groups[`${name}Int`] ?? '0').replace(/\D/g, ''),
    fraction: groups[`${name}Frac`] ?? null,
  };
}

/** True when the integer part should be read digit by digit ("007"). */
export function hasLeadingZero(number: WrittenNumber): boolean {
  return number.integer.length > 1 && number.integer.startsWith('0');
}

export type CurrencyCode = 'USD' | 'EUR' | 'GBP' | 'PLN' | 'JPY' | 'CHF';

/** How each currency is written: symbols placed before or after the amount, and ISO codes. */
export const currencySigns: Record<CurrencyCode, readonly string[]> = {
  USD: ['US$', '$', 'USD'],
  EUR: ['€', 'EUR'],
  GBP: ['£', 'GBP'],
  PLN: ['zł', 'PLN'],
  JPY: ['¥', 'JPY'],
  CHF: ['CHF'],
};

/** Signs that may stand before an amount ("$5", "USD 5"); "zł" is only ever written after. */
export const currencyPrefixSigns: Record<CurrencyCode, readonly string[]> = {
  ...currencySigns,
  PLN: ['PLN'],
};

export type UnitCode =
  | 'km'
  | 'm'
  | 'cm'
  | 'mm'
  | 'kg'
  | 'g'
  | 'mg'
  | 'l'
  | 'ml'
  | 'km/h'
  | 'm/s'
  | 'h'
  | 'min'
  | 's'
  | 'ms'
  | '°C'
  | '°F'
  | 'kWh'
  | 'kW'
  | 'W'
  | 'kB'
  | 'MB'
  | 'GB'
  | 'TB'
  | 'Hz'
  | 'kHz'
  | 'MHz'
  | 'GHz';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** An alternation of literal strings, longest first so that "km/h" wins over "km". */
export function alternation(words: readonly string[]): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}

/** Finds the key whose list contains `sign` (exact match first, then case-insensitive). */
export function lookup<K extends string>(
  table: Readonly<Record<K, readonly string[]>>,
  sign: string,
): K | undefined {
  const entries = Object.entries(table) as [K, readonly string[]][];
  return (
    entries.find(([, signs]) => signs.includes(sign))?.[0] ??
    entries.find(([, signs]) => signs.some((s) => s.toLowerCase() === sign.toLowerCase()))?.[0]
  );
}

/** One rewrite: every match of `pattern` is replaced by what `speak` returns. */
export interface Rewrite {
  /** What the rule reads (for tests and debugging). */
  name: string;
  /** A global, unicode regular expression with named groups. */
  pattern: RegExp;
  speak(groups: Record<string, string | undefined>, match: string): string;
}

export function rewrite(
  name: string,
  source: string,
  speak: Rewrite['speak'],
  flags = 'gu',
): Rewrite {
  return { name, pattern: new RegExp(source, flags), speak };
}

/** Applies rewrites in order; each sees the text the previous ones produced. */
export function applyRewrites(text: string, rewrites: readonly Rewrite[]): string {
  let out = text;
  for (const rule of rewrites) {
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      const last = args.at(-1);
      const groups = (typeof last === 'object' && last !== null ? last : {}) as Record<
        string,
        string | undefined
      >;
      return rule.speak(groups, args[0] as string);
    });
  }
  return out;
}
