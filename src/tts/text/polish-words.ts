/**
 * Polish vocabulary for the normalisation rules: counted nouns with their forms after a count,
 * month names and abbreviations.
 */
import type { Abbreviation } from './language.js';
import type { PolishGender } from './numbers-pl.js';
import type { CurrencyCode, UnitCode } from './patterns.js';

/**
 * A noun counted by a number: forms after 1, after 2–4 (and 22–24, …), after 5–21 (and 0,
 * 25–31, …), and after a decimal ("1,5 kilograma").
 */
export interface CountedNoun {
  forms: readonly [one: string, few: string, many: string, fraction: string];
  gender: PolishGender;
}

function noun(
  one: string,
  few: string,
  many: string,
  fraction: string,
  gender: PolishGender = 'm',
): CountedNoun {
  return { forms: [one, few, many, fraction], gender };
}

export const CURRENCIES: Record<CurrencyCode, { major: CountedNoun; minor?: CountedNoun }> = {
  PLN: {
    major: noun('złoty', 'złote', 'złotych', 'złotego'),
    minor: noun('grosz', 'grosze', 'groszy', 'grosza'),
  },
  USD: {
    major: noun('dolar', 'dolary', 'dolarów', 'dolara'),
    minor: noun('cent', 'centy', 'centów', 'centa'),
  },
  EUR: {
    major: noun('euro', 'euro', 'euro', 'euro', 'n'),
    minor: noun('cent', 'centy', 'centów', 'centa'),
  },
  GBP: {
    major: noun('funt', 'funty', 'funtów', 'funta'),
    minor: noun('pens', 'pensy', 'pensów', 'pensa'),
  },
  JPY: { major: noun('jen', 'jeny', 'jenów', 'jena') },
  CHF: {
    major: noun('frank', 'franki', 'franków', 'franka'),
    minor: noun('centym', 'centymy', 'centymów', 'centyma'),
  },
};

export const UNITS: Record<UnitCode, CountedNoun> = {
  km: noun('kilometr', 'kilometry', 'kilometrów', 'kilometra'),
  m: noun('metr', 'metry', 'metrów', 'metra'),
  cm: noun('centymetr', 'centymetry', 'centymetrów', 'centymetra'),
  mm: noun('milimetr', 'milimetry', 'milimetrów', 'milimetra'),
  kg: noun('kilogram', 'kilogramy', 'kilogramów', 'kilograma'),
  g: noun('gram', 'gramy', 'gramów', 'grama'),
  mg: noun('miligram', 'miligramy', 'miligramów', 'miligrama'),
  l: noun('litr', 'litry', 'litrów', 'litra'),
  ml: noun('mililitr', 'mililitry', 'mililitrów', 'mililitra'),
  'km/h': noun(
    'kilometr na godzinę',
    'kilometry na godzinę',
    'kilometrów na godzinę',
    'kilometra na godzinę',
  ),
  'm/s': noun('metr na sekundę', 'metry na sekundę', 'metrów na sekundę', 'metra na sekundę'),
  h: noun('godzina', 'godziny', 'godzin', 'godziny', 'f'),
  min: noun('minuta', 'minuty', 'minut', 'minuty', 'f'),
  s: noun('sekunda', 'sekundy', 'sekund', 'sekundy', 'f'),
  ms: noun('milisekunda', 'milisekundy', 'milisekund', 'milisekundy', 'f'),
  '°C': noun('stopień Celsjusza', 'stopnie Celsjusza', 'stopni Celsjusza', 'stopnia Celsjusza'),
  '°F': noun(
    'stopień Fahrenheita',
    'stopnie Fahrenheita',
    'stopni Fahrenheita',
    'stopnia Fahrenheita',
  ),
  kWh: noun('kilowatogodzina', 'kilowatogodziny', 'kilowatogodzin', 'kilowatogodziny', 'f'),
  kW: noun('kilowat', 'kilowaty', 'kilowatów', 'kilowata'),
  W: noun('wat', 'waty', 'watów', 'wata'),
  kB: noun('kilobajt', 'kilobajty', 'kilobajtów', 'kilobajta'),
  MB: noun('megabajt', 'megabajty', 'megabajtów', 'megabajta'),
  GB: noun('gigabajt', 'gigabajty', 'gigabajtów', 'gigabajta'),
  TB: noun('terabajt', 'terabajty', 'terabajtów', 'terabajta'),
  Hz: noun('herc', 'herce', 'herców', 'herca'),
  kHz: noun('kiloherc', 'kiloherce', 'kiloherców', 'kiloherca'),
  MHz: noun('megaherc', 'megaherce', 'megaherców', 'megaherca'),
  GHz: noun('gigaherc', 'gigaherce', 'gigaherców', 'gigaherca'),
};

/** Scale words written short after a number: "5 tys.", "2 mln", "1,5 mld". */
export const SCALES: Record<string, CountedNoun> = {
  'tys.': noun('tysiąc', 'tysiące', 'tysięcy', 'tysiąca'),
  mln: noun('milion', 'miliony', 'milionów', 'miliona'),
  mld: noun('miliard', 'miliardy', 'miliardów', 'miliarda'),
  bln: noun('bilion', 'biliony', 'bilionów', 'biliona'),
};

export const PERCENT = noun('procent', 'procent', 'procent', 'procent');

/** Month names: genitive (used after a day: "15 marca") first, then the nominative. */
export const MONTH_FORMS: readonly (readonly string[])[] = [
  ['stycznia', 'styczeń'],
  ['lutego', 'luty'],
  ['marca', 'marzec'],
  ['kwietnia', 'kwiecień'],
  ['maja', 'maj'],
  ['czerwca', 'czerwiec'],
  ['lipca', 'lipiec'],
  ['sierpnia', 'sierpień'],
  ['września', 'wrzesień'],
  ['października', 'październik'],
  ['listopada', 'listopad'],
  ['grudnia', 'grudzień'],
];

export const ABBREVIATIONS: Abbreviation[] = [
  { written: 'np.', spoken: 'na przykład' },
  { written: 'itd.', spoken: 'i tak dalej', canEndSentence: true },
  { written: 'itp.', spoken: 'i tym podobne', canEndSentence: true },
  { written: 'tj.', spoken: 'to jest' },
  { written: 'tzn.', spoken: 'to znaczy' },
  { written: 'tzw.', spoken: 'tak zwany' },
  { written: 'm.in.', spoken: 'między innymi' },
  { written: 'ok.', spoken: 'około' },
  { written: 'wg', spoken: 'według' },
  { written: 'ul.', spoken: 'ulica' },
  { written: 'al.', spoken: 'aleja' },
  { written: 'pl.', spoken: 'plac' },
  { written: 'dr', spoken: 'doktor' },
  { written: 'dr.', spoken: 'doktor' },
  { written: 'mgr', spoken: 'magister' },
  { written: 'inż.', spoken: 'inżynier' },
  { written: 'prof.', spoken: 'profesor' },
  { written: 'hab.', spoken: 'habilitowany' },
  { written: 'doc.', spoken: 'docent' },
  { written: 'św.', spoken: 'święty' },
  { written: 'ks.', spoken: 'ksiądz' },
  { written: 'gen.', spoken: 'generał' },
  { written: 'płk', spoken: 'pułkownik' },
  { written: 'mjr', spoken: 'major' },
  { written: 'nr', spoken: 'numer' },
  { written: 'pkt', spoken: 'punkt' },
  { written: 'str.', spoken: 'strona' },
  { written: 'tel.', spoken: 'telefon' },
  { written: 'godz.', spoken: 'godzina' },
  { written: 'im.', spoken: 'imienia' },
  { written: 'woj.', spoken: 'województwo' },
  { written: 'pow.', spoken: 'powiat' },
  { written: 'ww.', spoken: 'wyżej wymieniony' },
  { written: 'jw.', spoken: 'jak wyżej' },
  { written: 'cd.', spoken: 'ciąg dalszy', canEndSentence: true },
  { written: 'dot.', spoken: 'dotyczy' },
  {
    written: 'sp. z o.o.',
    spoken: 'spółka z ograniczoną odpowiedzialnością',
    canEndSentence: true,
  },
  { written: 'p.n.e.', spoken: 'przed naszą erą', canEndSentence: true },
  { written: 'n.e.', spoken: 'naszej ery', canEndSentence: true },
  { written: 'r.', spoken: 'roku', canEndSentence: true },
  { written: 'w.', spoken: 'wieku', canEndSentence: true },
  { written: 'tys.', spoken: 'tysięcy', canEndSentence: true },
  { written: 'mln', spoken: 'milionów' },
  { written: 'mld', spoken: 'miliardów' },
  { written: 'zł', spoken: 'złotych' },
  { written: 'gr', spoken: 'groszy' },
];
