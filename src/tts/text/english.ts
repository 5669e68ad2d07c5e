/**
 * English (American conventions): dates, times, money, percentages, units, ordinals, years and
 * abbreviations as words.
 */

import { isoDateRewrite, monthNumber, type SpokenDate } from './dates.js';
import type { Abbreviation, LanguageRules } from './language.js';
import { cardinalEn, digitsEn, ordinalEn, yearEn } from './numbers-en.js';
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

const FORMAT: NumberFormat = { decimal: '.', group: ',' };
const NUMBER = numberSource(FORMAT);

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** Every written form of each month, index = month − 1. */
const MONTH_FORMS: readonly (readonly string[])[] = MONTHS.map((month) =>
  month === 'May' ? [month] : [month, `${month.slice(0, 3)}.`, month.slice(0, 3)],
).map((forms, index) => (index === 8 ? [...forms, 'Sept.', 'Sept'] : forms));
const MONTH = alternation(MONTH_FORMS.flat());

function speakNumber(number: WrittenNumber): string {
  const sign = number.negative ? 'minus ' : '';
  const integer = hasLeadingZero(number)
    ? digitsEn(number.integer)
    : cardinalEn(Number(number.integer));
  if (number.fraction === null) return sign + integer;
  return `${sign}${integer} point ${digitsEn(number.fraction)}`;
}

const CURRENCIES: Record<CurrencyCode, { major: [string, string]; minor?: [string, string] }> = {
  USD: { major: ['dollar', 'dollars'], minor: ['cent', 'cents'] },
  EUR: { major: ['euro', 'euros'], minor: ['cent', 'cents'] },
  GBP: { major: ['pound', 'pounds'], minor: ['penny', 'pence'] },
  PLN: { major: ['zloty', 'zlotys'], minor: ['grosz', 'groszy'] },
  JPY: { major: ['yen', 'yen'] },
  CHF: { major: ['franc', 'francs'], minor: ['centime', 'centimes'] },
};

const SCALES = ['thousand', 'million', 'billion', 'trillion'];

function count(n: number, forms: [string, string]): string {
  return `${cardinalEn(n)} ${n === 1 ? forms[0] : forms[1]}`;
}

function speakMoney(number: WrittenNumber, code: CurrencyCode, scale?: string): string {
  const words = CURRENCIES[code];
  const sign = number.negative ? 'minus ' : '';
  const unsigned = { ...number, negative: false };
  if (scale) return `${sign}${speakNumber(unsigned)} ${scale.toLowerCase()} ${words.major[1]}`;
  const major = Number(number.integer);
  const fraction = number.fraction;
  if (fraction === null || !words.minor || fraction.length > 2 || hasLeadingZero(number))
    return `${sign}${speakNumber(unsigned)} ${fraction === null && major === 1 ? words.major[0] : words.major[1]}`;
  const minor = Number(fraction.padEnd(2, '0'));
  const parts: string[] = [];
  if (major > 0 || minor === 0) parts.push(count(major, words.major));
  if (minor > 0) parts.push(count(minor, words.minor));
  return sign + parts.join(' and ');
}

const UNITS: Record<UnitCode, [string, string]> = {
  km: ['kilometer', 'kilometers'],
  m: ['meter', 'meters'],
  cm: ['centimeter', 'centimeters'],
  mm: ['millimeter', 'millimeters'],
  kg: ['kilogram', 'kilograms'],
  g: ['gram', 'grams'],
  mg: ['milligram', 'milligrams'],
  l: ['liter', 'liters'],
  ml: ['milliliter', 'milliliters'],
  'km/h': ['kilometer per hour', 'kilometers per hour'],
  'm/s': ['meter per second', 'meters per second'],
  h: ['hour', 'hours'],
  min: ['minute', 'minutes'],
  s: ['second', 'seconds'],
  ms: ['millisecond', 'milliseconds'],
  '°C': ['degree Celsius', 'degrees Celsius'],
  '°F': ['degree Fahrenheit', 'degrees Fahrenheit'],
  kWh: ['kilowatt-hour', 'kilowatt-hours'],
  kW: ['kilowatt', 'kilowatts'],
  W: ['watt', 'watts'],
  kB: ['kilobyte', 'kilobytes'],
  MB: ['megabyte', 'megabytes'],
  GB: ['gigabyte', 'gigabytes'],
  TB: ['terabyte', 'terabytes'],
  Hz: ['hertz', 'hertz'],
  kHz: ['kilohertz', 'kilohertz'],
  MHz: ['megahertz', 'megahertz'],
  GHz: ['gigahertz', 'gigahertz'],
};

function speakMeasure(number: WrittenNumber, unit: UnitCode): string {
  const forms = UNITS[unit];
  const singular = number.fraction === null && number.integer === '1';
  return `${speakNumber(number)} ${singular ? forms[0] : forms[1]}`;
}

function speakDate(date: SpokenDate): string {
  const month = MONTHS[date.month - 1] as string;
  const day = date.day === undefined ? '' : ` ${ordinalEn(date.day)}`;
  const year = date.year === undefined ? '' : `${day ? ',' : ''} ${yearEn(date.year)}`;
  return `${month}${day}${year}`;
}

function speakTime(hour: number, minute: number, second?: number, meridiem?: string): string {
  const words = [cardinalEn(hour)];
  if (minute === 0 && !meridiem && second === undefined) words.push("o'clock");
  else if (minute > 0 && minute < 10) words.push(`oh ${cardinalEn(minute)}`);
  else if (minute >= 10) words.push(cardinalEn(minute));
  if (second !== undefined && second > 0) words.push(`and ${count(second, ['second', 'seconds'])}`);
  if (meridiem) words.push(meridiem.toLowerCase().startsWith('a') ? 'a.m.' : 'p.m.');
  return words.join(' ');
}

const MERIDIEM = '(?<mer>[AaPp]\\.?[Mm]\\.?)(?!\\p{L})';
const CURRENCY_SIGN = alternation(Object.values(currencySigns).flat());
const CURRENCY_PREFIX = alternation(Object.values(currencyPrefixSigns).flat());
const SCALE = `(?:${SPACE}?(?<scale>${SCALES.join('|')}|[Bb]n|k))?`;

const rewrites: Rewrite[] = [
  isoDateRewrite(speakDate),
  rewrite(
    'date m/d/y',
    `${START}(?<mo>0?[1-9]|1[0-2])/(?<d>0?[1-9]|[12]\\d|3[01])/(?<y>\\d{4})${END}`,
    (g) => speakDate({ month: Number(g['mo']), day: Number(g['d']), year: Number(g['y']) }),
  ),
  rewrite(
    'date month d, y',
    `${START}(?<month>${MONTH})${SPACE}(?<d>[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?:,?${SPACE}(?<y>\\d{4}))?${END}`,
    (g) =>
      speakDate({
        month: monthNumber(MONTH_FORMS, g['month'] as string),
        day: Number(g['d']),
        ...(g['y'] ? { year: Number(g['y']) } : {}),
      }),
  ),
  rewrite(
    'date d month y',
    `${START}(?<d>[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?${SPACE}(?:of${SPACE})?(?<month>${MONTH})(?:,?${SPACE}(?<y>\\d{4}))?${END}`,
    (g) => {
      const month = MONTHS[monthNumber(MONTH_FORMS, g['month'] as string) - 1];
      const year = g['y'] ? `, ${yearEn(Number(g['y']))}` : '';
      return `the ${ordinalEn(Number(g['d']))} of ${month}${year}`;
    },
  ),
  rewrite(
    'time h:mm',
    `${START}(?<h>[01]?\\d|2[0-4]):(?<m>[0-5]\\d)(?::(?<s>[0-5]\\d))?(?!\\d)(?:${SPACE}?${MERIDIEM})?`,
    (g) => speakTime(Number(g['h']), Number(g['m']), g['s'] ? Number(g['s']) : undefined, g['mer']),
  ),
  rewrite('time h am', `${START}(?<h>1[0-2]|0?[1-9])${SPACE}?${MERIDIEM}`, (g) =>
    speakTime(Number(g['h']), 0, undefined, g['mer']),
  ),
  rewrite('ordinal', `${START}(?<n>\\d{1,15})(?<suffix>st|nd|rd|th)${END}`, (g) =>
    ordinalEn(Number(g['n'])),
  ),
  rewrite('decade', `${START}(?<y>1[1-9]\\d0|20\\d0)'?s${END}`, (g) =>
    yearEn(Number(g['y'])).replace(/y$/, 'ie').concat('s'),
  ),
  rewrite(
    'money, sign first',
    `${START}(?<neg>[-\\u2212])?(?<cur>${CURRENCY_PREFIX})${SPACE}?${numberSource(FORMAT, 'n', false)}${SCALE}${END}`,
    (g) => {
      const number = { ...writtenNumber(g), negative: g['neg'] !== undefined };
      return speakMoney(
        number,
        lookup(currencySigns, g['cur'] as string) ?? 'USD',
        scaleWord(g['scale']),
      );
    },
  ),
  rewrite(
    'money, sign last',
    `${START}${NUMBER}${SCALE}${SPACE}?(?<cur>${CURRENCY_SIGN})(?![\\p{L}\\p{N}_])`,
    (g) =>
      speakMoney(
        writtenNumber(g),
        lookup(currencySigns, g['cur'] as string) ?? 'USD',
        scaleWord(g['scale']),
      ),
  ),
  rewrite(
    'percent',
    `${START}${NUMBER}${SPACE}?%`,
    (g) => `${speakNumber(writtenNumber(g))} percent`,
  ),
  rewrite(
    'measure',
    `${START}${NUMBER}${SPACE}?(?<unit>${alternation(Object.keys(UNITS))})(?![\\p{L}\\p{N}_/])`,
    (g) => speakMeasure(writtenNumber(g), g['unit'] as UnitCode),
  ),
  rewrite(
    'year after a preposition',
    `${START}(?<prep>in|since|from|until|till|by|of|year|during|before|after|around|circa)${SPACE}(?<y>1[1-9]\\d\\d|20\\d\\d)(?![\\p{L}\\p{N}_]|[.,]\\d)`,
    (g) => `${g['prep']} ${yearEn(Number(g['y']))}`,
    'giu',
  ),
  rewrite(
    'range',
    `${START}(?<a>\\d{1,4})(?:\\u2013|-)(?<b>\\d{1,4})(?![\\p{L}\\p{N}_]|[.,]\\d)`,
    (g, match) => {
      const a = Number(g['a']);
      const b = Number(g['b']);
      if (!(a < b) || /^0\d/.test(g['a'] as string) || /^0\d/.test(g['b'] as string)) return match;
      const years = a >= 1100 && b <= 2099;
      return years ? `${yearEn(a)} to ${yearEn(b)}` : `${cardinalEn(a)} to ${cardinalEn(b)}`;
    },
  ),
];

function scaleWord(scale: string | undefined): string | undefined {
  if (scale === undefined) return undefined;
  if (scale === 'k') return 'thousand';
  if (scale.toLowerCase() === 'bn') return 'billion';
  return scale;
}

const abbreviations: Abbreviation[] = [
  { written: 'Mr.', spoken: 'Mister' },
  { written: 'Mrs.', spoken: 'Missus' },
  { written: 'Ms.', spoken: 'Miz' },
  { written: 'Dr.', spoken: 'Doctor' },
  { written: 'Prof.', spoken: 'Professor' },
  { written: 'St.', spoken: 'Saint', caseSensitive: true },
  { written: 'Mt.', spoken: 'Mount' },
  { written: 'Gen.', spoken: 'General', caseSensitive: true },
  { written: 'Gov.', spoken: 'Governor', caseSensitive: true },
  { written: 'Sen.', spoken: 'Senator', caseSensitive: true },
  { written: 'Rep.', spoken: 'Representative', caseSensitive: true },
  { written: 'Capt.', spoken: 'Captain' },
  { written: 'Lt.', spoken: 'Lieutenant' },
  { written: 'Col.', spoken: 'Colonel', caseSensitive: true },
  { written: 'Sgt.', spoken: 'Sergeant' },
  { written: 'Jr.', spoken: 'Junior', canEndSentence: true },
  { written: 'Sr.', spoken: 'Senior', canEndSentence: true },
  { written: 'Ave.', spoken: 'Avenue', canEndSentence: true },
  { written: 'Rd.', spoken: 'Road', canEndSentence: true },
  { written: 'Blvd.', spoken: 'Boulevard', canEndSentence: true },
  { written: 'Inc.', spoken: 'Incorporated', canEndSentence: true },
  { written: 'Ltd.', spoken: 'Limited', canEndSentence: true },
  { written: 'Corp.', spoken: 'Corporation', canEndSentence: true },
  { written: 'Co.', spoken: 'Company', canEndSentence: true, caseSensitive: true },
  { written: 'Dept.', spoken: 'Department' },
  { written: 'e.g.', spoken: 'for example' },
  { written: 'i.e.', spoken: 'that is' },
  { written: 'etc.', spoken: 'et cetera', canEndSentence: true },
  { written: 'vs.', spoken: 'versus' },
  { written: 'vs', spoken: 'versus' },
  { written: 'approx.', spoken: 'approximately' },
  { written: 'Fig.', spoken: 'Figure' },
  { written: 'Vol.', spoken: 'Volume' },
  {
    written: 'No.',
    spoken: 'number',
    canEndSentence: true,
    beforeNumber: true,
    caseSensitive: true,
  },
];

export const english: LanguageRules = {
  code: 'en',
  name: 'English',
  number: FORMAT,
  words: {
    dot: 'dot',
    at: 'at',
    point: 'point',
    and: 'and',
    plus: 'plus',
    equals: 'equals',
    percent: 'percent',
  },
  abbreviations,
  rewrites,
  speakNumber,
  speakDigits: digitsEn,
};
