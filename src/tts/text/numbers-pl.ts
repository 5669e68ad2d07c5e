/**
 * Polish numbers in words. Cardinals in the nominative with gender for 1 and 2 and the
 * inflected scale words (tysiąc / dwa tysiące / pięć tysięcy), the noun form a count takes
 * (jeden złoty / dwa złote / pięć złotych), and ordinals in the cases dates and clock times
 * need (piętnastego marca, w dwa tysiące dwudziestym czwartym roku, o czternastej).
 */

/** Grammatical gender of the counted noun; it changes only "jeden/jedna/jedno" and "dwa/dwie". */
export type PolishGender = 'm' | 'f' | 'n';

/**
 * Which form a noun takes after a count: `one` (1: złoty), `few` (2–4, 22–24, …: złote),
 * `many` (0, 5–21, 25–31, …: złotych).
 */
export type PolishCountForm = 'one' | 'few' | 'many';

const UNITS = [
  'zero',
  'jeden',
  'dwa',
  'trzy',
  'cztery',
  'pięć',
  'sześć',
  'siedem',
  'osiem',
  'dziewięć',
];
const TEENS = [
  'dziesięć',
  'jedenaście',
  'dwanaście',
  'trzynaście',
  'czternaście',
  'piętnaście',
  'szesnaście',
  'siedemnaście',
  'osiemnaście',
  'dziewiętnaście',
];
const TENS = [
  '',
  '',
  'dwadzieścia',
  'trzydzieści',
  'czterdzieści',
  'pięćdziesiąt',
  'sześćdziesiąt',
  'siedemdziesiąt',
  'osiemdziesiąt',
  'dziewięćdziesiąt',
];
const HUNDREDS = [
  '',
  'sto',
  'dwieście',
  'trzysta',
  'czterysta',
  'pięćset',
  'sześćset',
  'siedemset',
  'osiemset',
  'dziewięćset',
];
/** Scale words as [one, few, many]. */
const SCALES: readonly (readonly [string, string, string])[] = [
  ['', '', ''],
  ['tysiąc', 'tysiące', 'tysięcy'],
  ['milion', 'miliony', 'milionów'],
  ['miliard', 'miliardy', 'miliardów'],
  ['bilion', 'biliony', 'bilionów'],
];

export function countFormPl(n: number): PolishCountForm {
  if (n === 1) return 'one';
  const lastTwo = n % 100;
  const last = n % 10;
  return last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14) ? 'few' : 'many';
}

/** Picks `[one, few, many]` for a count. */
export function inflectPl(n: number, forms: readonly [string, string, string]): string {
  const form = countFormPl(n);
  return form === 'one' ? forms[0] : form === 'few' ? forms[1] : forms[2];
}

/** `alone`: the whole number is this group, so a lone 1 agrees with the noun's gender. */
function underThousand(n: number, gender: PolishGender, alone: boolean): string {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const unit = n % 10;
  if (hundreds > 0) words.push(HUNDREDS[hundreds] as string);
  if (tens === 1) words.push(TEENS[unit] as string);
  else {
    if (tens > 1) words.push(TENS[tens] as string);
    if (n === 1 && alone) words.push(gender === 'f' ? 'jedna' : gender === 'n' ? 'jedno' : 'jeden');
    else if (unit === 2 && gender === 'f') words.push('dwie');
    else if (unit > 0) words.push(UNITS[unit] as string);
  }
  return words.join(' ');
}

/** The largest integer `cardinalPl` reads as a number rather than digit by digit. */
export const MAX_SPOKEN_INTEGER_PL = 999_999_999_999_999;

/**
 * 21 → "dwadzieścia jeden", 1000 → "tysiąc", 2000 → "dwa tysiące", 5000 → "pięć tysięcy".
 * `gender` is that of the noun being counted (default masculine, as when counting plainly).
 */
export function cardinalPl(n: number, gender: PolishGender = 'm'): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SPOKEN_INTEGER_PL) return digitsPl(String(n));
  if (n === 0) return 'zero';
  const groups: string[] = [];
  let rest = n;
  for (let scale = 0; rest > 0; scale++) {
    const group = rest % 1000;
    rest = Math.floor(rest / 1000);
    if (group === 0) continue;
    if (scale === 0) {
      groups.unshift(underThousand(group, gender, n === group));
    } else {
      const forms = SCALES[scale] as readonly [string, string, string];
      // "tysiąc", not "jeden tysiąc"; but "dwadzieścia jeden tysięcy".
      groups.unshift(
        group === 1 ? forms[0] : `${underThousand(group, 'm', false)} ${inflectPl(group, forms)}`,
      );
    }
  }
  return groups.join(' ');
}

/** "007" → "zero zero siedem". */
export function digitsPl(digits: string): string {
  return [...digits]
    .filter((char) => char >= '0' && char <= '9')
    .map((digit) => UNITS[Number(digit)])
    .join(' ');
}

/**
 * Ordinal case forms: masculine nominative, genitive and locative (dates, years: "piętnasty",
 * "piętnastego", "piętnastym"), feminine nominative, genitive/locative and instrumental
 * (clock hours: "czternasta", "o czternastej", "przed czternastą").
 */
export type PolishOrdinalForm = 'nomM' | 'genM' | 'locM' | 'nomF' | 'genF' | 'insF';

/** Endings per form for the two stem classes (hard "piąt-y", soft/velar "trzec-i", "drug-i"). */
const ENDINGS: Record<'hard' | 'soft' | 'velar', Record<PolishOrdinalForm, string>> = {
  hard: { nomM: 'y', genM: 'ego', locM: 'ym', nomF: 'a', genF: 'ej', insF: 'ą' },
  soft: { nomM: 'i', genM: 'iego', locM: 'im', nomF: 'ia', genF: 'iej', insF: 'ią' },
  velar: { nomM: 'i', genM: 'iego', locM: 'im', nomF: 'a', genF: 'iej', insF: 'ą' },
};

const UNIT_STEMS = [
  '',
  'pierwsz',
  'drug',
  'trzec',
  'czwart',
  'piąt',
  'szóst',
  'siódm',
  'ósm',
  'dziewiąt',
];
const TEEN_STEMS = [
  'dziesiąt',
  'jedenast',
  'dwunast',
  'trzynast',
  'czternast',
  'piętnast',
  'szesnast',
  'siedemnast',
  'osiemnast',
  'dziewiętnast',
];
const TEN_STEMS = [
  '',
  '',
  'dwudziest',
  'trzydziest',
  'czterdziest',
  'pięćdziesiąt',
  'sześćdziesiąt',
  'siedemdziesiąt',
  'osiemdziesiąt',
  'dziewięćdziesiąt',
];
const HUNDRED_STEMS = [
  '',
  'setn',
  'dwusetn',
  'trzechsetn',
  'czterechsetn',
  'pięćsetn',
  'sześćsetn',
  'siedemsetn',
  'osiemsetn',
  'dziewięćsetn',
];
/** Prefixes of round-thousand ordinals: "dwutysięczny", "pięciotysięczny". */
const THOUSAND_PREFIXES = [
  '',
  '',
  'dwu',
  'trzy',
  'cztero',
  'pięcio',
  'sześcio',
  'siedmio',
  'ośmio',
  'dziewięcio',
];

function stemWord(stem: string, form: PolishOrdinalForm): string {
  const kind = stem === 'trzec' ? 'soft' : stem === 'drug' ? 'velar' : 'hard';
  return stem + ENDINGS[kind][form];
}

/**
 * 24 → "dwudziesty czwarty"; 2024 (genM) → "dwa tysiące dwudziestego czwartego". As Polish does,
 * only the tens and units are ordinal; hundreds and thousands stay cardinal unless they end the
 * number (1900 → "tysiąc dziewięćsetny", 2000 → "dwutysięczny").
 */
export function ordinalPl(n: number, form: PolishOrdinalForm = 'nomM'): string {
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_SPOKEN_INTEGER_PL) return cardinalPl(n);
  const belowHundred = n % 100;
  const hundreds = Math.floor(n / 100) % 10;
  const thousands = Math.floor(n / 1000);
  const words: string[] = [];
  if (belowHundred === 0 && hundreds === 0) {
    // Round thousands are one compound word ("dwutysięczny"); larger ones are read as cardinals.
    if (thousands < 10) return stemWord(`${THOUSAND_PREFIXES[thousands]}tysięczn`, form);
    return cardinalPl(n);
  }
  if (thousands > 0) words.push(cardinalPl(thousands * 1000));
  if (belowHundred === 0) {
    words.push(stemWord(HUNDRED_STEMS[hundreds] as string, form));
    return words.join(' ');
  }
  if (hundreds > 0) words.push(cardinalPl(hundreds * 100));
  const tens = Math.floor(belowHundred / 10);
  const unit = belowHundred % 10;
  if (tens === 1) words.push(stemWord(TEEN_STEMS[unit] as string, form));
  else {
    if (tens > 1) words.push(stemWord(TEN_STEMS[tens] as string, form));
    if (unit > 0) words.push(stemWord(UNIT_STEMS[unit] as string, form));
  }
  return words.join(' ');
}
