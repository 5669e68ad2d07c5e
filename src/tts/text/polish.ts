/**
 * Polish: dates, clock times, money, percentages, units and abbreviations as words, with the
 * noun agreeing with its count (dwa złote, pięć złotych) and the cases dates and hours take.
 */
import { isoDateRewrite, monthNumber, type SpokenDate } from './dates.js';
import type { LanguageRules } from './language.js';
import {
  cardinalPl,
  countFormPl,
  digitsPl,
  ordinalPl,
  type PolishGender,
  type PolishOrdinalForm,
} from './numbers-pl.js';
import {
  alternation,
  type CurrencyCode,
  currencyPrefixSigns,
  currencySigns,
  END,
  hasLeadingZero,
  lookup,
  type NumberFormat,
  numberSource,
  type Rewrite,
  rewrite,
  SPACE,
  START,
  type UnitCode,
  type WrittenNumber,
  writtenNumber,
} from './patterns.js';
import {
  ABBREVIATIONS,
  type CountedNoun,
  CURRENCIES,
  MONTH_FORMS,
  PERCENT,
  SCALES,
  UNITS,
} from './polish-words.js';

/** Decimal comma; thousands grouped by (narrow) no-break spaces, or plain spaces. */
const FORMAT: NumberFormat = { decimal: ',', group: '[ \\u00a0\\u202f]' };
const NUMBER = numberSource(FORMAT);

/** "3,05" → "trzy przecinek zero pięć"; the fraction's leading zeros are read one by one. */
function speakFraction(fraction: string): string {
  const zeros = /^0*/.exec(fraction)?.[0].length ?? 0;
  const rest = fraction.slice(zeros);
  const words = [...'0'.repeat(zeros)].map(() => 'zero');
  if (rest) words.push(rest.length > 15 ? digitsPl(rest) : cardinalPl(Number(rest)));
  return words.join(' ');
}

function speakNumber(number: WrittenNumber, gender: PolishGender = 'm'): string {
  const sign = number.negative ? 'minus ' : '';
  const integer = hasLeadingZero(number)
    ? digitsPl(number.integer)
    : cardinalPl(Number(number.integer), number.fraction === null ? gender : 'm');
  if (number.fraction === null) return sign + integer;
  return `${sign}${integer} przecinek ${speakFraction(number.fraction)}`;
}

/** A number followed by the noun it counts, the noun in the form the count requires. */
function counted(number: WrittenNumber, noun: CountedNoun): string {
  const spoken = speakNumber(number, noun.gender);
  if (number.fraction !== null) return `${spoken} ${noun.forms[3]}`;
  const form = countFormPl(Number(number.integer));
  return `${spoken} ${noun.forms[form === 'one' ? 0 : form === 'few' ? 1 : 2]}`;
}

function integerNumber(value: number): WrittenNumber {
  return { negative: false, integer: String(value), fraction: null };
}

function speakMoney(number: WrittenNumber, code: CurrencyCode, scale?: string): string {
  const words = CURRENCIES[code];
  const sign = number.negative ? 'minus ' : '';
  const unsigned = { ...number, negative: false };
  // After a scale word the currency is always in the genitive plural: "dwa miliony złotych".
  if (scale)
    return `${sign}${counted(unsigned, SCALES[scale] as CountedNoun)} ${words.major.forms[2]}`;
  const fraction = number.fraction;
  if (fraction === null || !words.minor || fraction.length > 2 || hasLeadingZero(number))
    return sign + counted(unsigned, words.major);
  const major = Number(number.integer);
  const minor = Number(fraction.padEnd(2, '0'));
  const parts: string[] = [];
  if (major > 0 || minor === 0) parts.push(counted(integerNumber(major), words.major));
  if (minor > 0) parts.push(counted(integerNumber(minor), words.minor));
  return sign + parts.join(' ');
}

/** "piętnastego marca dwa tysiące dwudziestego czwartego roku". */
function speakDate(date: SpokenDate): string {
  const words: string[] = [];
  if (date.day !== undefined) words.push(ordinalPl(date.day, 'genM'));
  words.push((MONTH_FORMS[date.month - 1] as readonly string[])[0] as string);
  if (date.year !== undefined) words.push(ordinalPl(date.year, 'genM'), 'roku');
  return words.join(' ');
}

/**
 * Prepositions before a clock time, with the case of the hour and of "godzina" after them:
 * "o czternastej", "do godziny czternastej", "przed czternastą".
 */
const TIME_CASES: Record<string, { hour: PolishOrdinalForm; godzina: string }> = {
  '': { hour: 'nomF', godzina: 'godzina' },
  o: { hour: 'genF', godzina: 'godzinie' },
  po: { hour: 'genF', godzina: 'godzinie' },
  od: { hour: 'genF', godzina: 'godziny' },
  do: { hour: 'genF', godzina: 'godziny' },
  około: { hour: 'genF', godzina: 'godziny' },
  'ok.': { hour: 'genF', godzina: 'godziny' },
  przed: { hour: 'insF', godzina: 'godziną' },
  za: { hour: 'insF', godzina: 'godziną' },
};

function speakTime(
  prep: string | undefined,
  godzina: boolean,
  hour: number,
  minute: number,
): string {
  const key = (prep ?? '').toLowerCase();
  const forms = TIME_CASES[key] ?? (TIME_CASES[''] as { hour: PolishOrdinalForm; godzina: string });
  const words = prep ? [prep === 'ok.' ? 'około' : prep] : [];
  if (godzina) words.push(forms.godzina);
  words.push(hour === 0 ? 'zero' : ordinalPl(hour, forms.hour));
  if (minute > 0 && minute < 10) words.push(`zero ${cardinalPl(minute)}`);
  else if (minute >= 10) words.push(cardinalPl(minute));
  return words.join(' ');
}

const MONTH = alternation(MONTH_FORMS.flat());
const CURRENCY_SIGN = alternation(Object.values(currencySigns).flat());
const CURRENCY_PREFIX = alternation(Object.values(currencyPrefixSigns).flat());
const SCALE = `(?:${SPACE}(?<scale>${alternation(Object.keys(SCALES))}))`;
const ROK = `(?:${SPACE}?(?<rok>r\\.|roku)(?![\\p{L}\\p{N}_]))`;

const rewrites: Rewrite[] = [
  isoDateRewrite(speakDate),
  rewrite(
    'date d.mm.yyyy',
    `${START}(?<d>0?[1-9]|[12]\\d|3[01])\\.(?<mo>0?[1-9]|1[0-2])\\.(?<y>\\d{4})(?!\\d)${ROK}?`,
    (g) => speakDate({ day: Number(g['d']), month: Number(g['mo']), year: Number(g['y']) }),
  ),
  rewrite(
    'date d month y',
    `${START}(?<d>0?[1-9]|[12]\\d|3[01])${SPACE}(?<month>${MONTH})(?:${SPACE}(?<y>\\d{4})(?!\\d)${ROK}?)?${END}`,
    (g) =>
      speakDate({
        day: Number(g['d']),
        month: monthNumber(MONTH_FORMS, g['month'] as string),
        ...(g['y'] ? { year: Number(g['y']) } : {}),
      }),
    'giu',
  ),
  rewrite(
    'year in',
    `${START}(?<prep>w|we)${SPACE}(?<y>\\d{3,4})${ROK}`,
    (g) => `${g['prep']} ${ordinalPl(Number(g['y']), 'locM')} roku`,
    'giu',
  ),
  rewrite(
    'year',
    `${START}(?<y>\\d{3,4})${ROK}`,
    (g) => `${ordinalPl(Number(g['y']), 'genM')} roku`,
  ),
  rewrite(
    'time',
    `${START}(?:(?<prep>o|po|od|do|około|ok\\.|przed|za)${SPACE})?(?:(?<godz>godz\\.|godzin[aęyą]|godzinie)${SPACE}?)?(?<h>[01]?\\d|2[0-4]):(?<m>[0-5]\\d)(?!\\d)`,
    (g) => speakTime(g['prep'], g['godz'] !== undefined, Number(g['h']), Number(g['m'])),
    'giu',
  ),
  rewrite(
    'money in złote and grosze',
    `${START}${NUMBER}${SPACE}?(?:zł|PLN)${SPACE}(?<gr>\\d{1,2})${SPACE}?gr\\.?(?![\\p{L}\\p{N}_])`,
    (g) =>
      speakMoney({ ...writtenNumber(g), fraction: (g['gr'] as string).padStart(2, '0') }, 'PLN'),
  ),
  rewrite(
    'money, sign first',
    `${START}(?<neg>[-\\u2212])?(?<cur>${CURRENCY_PREFIX})${SPACE}?${numberSource(FORMAT, 'n', false)}${SCALE}?${END}`,
    (g) =>
      speakMoney(
        { ...writtenNumber(g), negative: g['neg'] !== undefined },
        lookup(currencySigns, g['cur'] as string) ?? 'PLN',
        g['scale'],
      ),
  ),
  rewrite(
    'money, sign last',
    `${START}${NUMBER}${SCALE}?${SPACE}?(?<cur>${CURRENCY_SIGN})(?![\\p{L}\\p{N}_])`,
    (g) =>
      speakMoney(writtenNumber(g), lookup(currencySigns, g['cur'] as string) ?? 'PLN', g['scale']),
  ),
  rewrite('percent', `${START}${NUMBER}${SPACE}?%`, (g) => counted(writtenNumber(g), PERCENT)),
  rewrite(
    'measure',
    `${START}${NUMBER}${SPACE}?(?<unit>${alternation(Object.keys(UNITS))})(?![\\p{L}\\p{N}_/])`,
    (g) => counted(writtenNumber(g), UNITS[g['unit'] as UnitCode]),
  ),
  rewrite('scale', `${START}${NUMBER}${SCALE}(?![\\p{L}\\p{N}_])`, (g) =>
    counted(writtenNumber(g), SCALES[g['scale'] as string] as CountedNoun),
  ),
];

export const polish: LanguageRules = {
  code: 'pl',
  name: 'Polish',
  number: FORMAT,
  words: {
    dot: 'kropka',
    at: 'małpa',
    point: 'kropka',
    and: 'i',
    plus: 'plus',
    equals: 'równa się',
    percent: 'procent',
  },
  abbreviations: ABBREVIATIONS,
  rewrites,
  speakNumber: (number) => speakNumber(number),
  speakDigits: digitsPl,
};
