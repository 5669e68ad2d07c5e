/**
 * English numbers in words, American style (no "and" after hundreds): cardinals, ordinals,
 * years and digit strings. Integers up to 999 trillion; callers read longer digit strings
 * digit by digit.
 */

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion'];

/** The largest integer the cardinal readers accept. */
export const MAX_SPOKEN_INTEGER = 999_999_999_999_999;

function underThousand(n: number): string {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(`${ONES[hundreds]} hundred`);
  if (rest > 0 && rest < 20) words.push(ONES[rest] as string);
  else if (rest >= 20) {
    const unit = rest % 10;
    words.push(
      unit === 0
        ? (TENS[Math.floor(rest / 10)] as string)
        : `${TENS[Math.floor(rest / 10)]}-${ONES[unit]}`,
    );
  }
  return words.join(' ');
}

/** 1234 → "one thousand two hundred thirty-four". */
export function cardinalEn(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SPOKEN_INTEGER) return digitsEn(String(n));
  if (n === 0) return 'zero';
  const groups: string[] = [];
  let rest = n;
  for (let scale = 0; rest > 0; scale++) {
    const group = rest % 1000;
    if (group > 0)
      groups.unshift(
        scale === 0 ? underThousand(group) : `${underThousand(group)} ${SCALES[scale]}`,
      );
    rest = Math.floor(rest / 1000);
  }
  return groups.join(' ');
}

const IRREGULAR_ORDINALS: Record<string, string> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** 21 → "twenty-first". */
export function ordinalEn(n: number): string {
  const cardinal = cardinalEn(n);
  const match = /([a-z]+)$/.exec(cardinal);
  if (!match) return cardinal;
  const last = match[1] as string;
  const ordinal =
    IRREGULAR_ORDINALS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return cardinal.slice(0, cardinal.length - last.length) + ordinal;
}

/** 1999 → "nineteen ninety-nine", 2000 → "two thousand", 2024 → "twenty twenty-four". */
export function yearEn(year: number): string {
  if (year < 1000 || year > 9999) return cardinalEn(year);
  const century = Math.floor(year / 100);
  const rest = year % 100;
  if (year % 1000 < 10 && year % 1000 !== 0 && century % 10 === 0) return cardinalEn(year);
  if (year % 1000 === 0) return cardinalEn(year);
  if (rest === 0) return `${cardinalEn(century)} hundred`;
  if (rest < 10) return `${cardinalEn(century)} oh ${ONES[rest]}`;
  return `${cardinalEn(century)} ${cardinalEn(rest)}`;
}

/** "007" → "zero zero seven". */
export function digitsEn(digits: string): string {
  return [...digits]
    .filter((char) => char >= '0' && char <= '9')
    .map((digit) => ONES[Number(digit)])
    .join(' ');
}
