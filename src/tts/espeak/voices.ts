/**
 * eSpeak NG's voices, read from the WebAssembly build itself (`--voices`, `--voices=variant`),
 * and how a requested voice name is matched against them.
 */
import type { SpeechVoice } from '../speech-model.js';

/** One row of `espeak-ng --voices`. */
export interface EspeakVoiceRow {
  /** The language identifier eSpeak takes with `-v`: "en-us", "pl". */
  id: string;
  /** "English_(America)" as eSpeak lists it. */
  name: string;
  gender: 'female' | 'male' | undefined;
  /** Other language tags the voice answers to ("en" for "en-us"). */
  otherLanguages: string[];
}

/**
 * Parses the table `--voices` prints:
 * ` 2  en-us  --/M  English_(America)  gmw/en-US  (en 3)`. Names never contain spaces.
 */
export function parseVoiceTable(lines: readonly string[]): EspeakVoiceRow[] {
  const rows: EspeakVoiceRow[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || !/^\d+$/.test(fields[0] as string)) continue;
    const [, id, ageGender, name, file, ...rest] = fields as [
      string,
      string,
      string,
      string,
      string,
    ];
    const gender = ageGender.endsWith('/F')
      ? 'female'
      : ageGender.endsWith('/M')
        ? 'male'
        : undefined;
    const otherLanguages = [...rest.join(' ').matchAll(/\(([^\s()]+)\s+\d+\)/g)].map(
      (match) => match[1] as string,
    );
    // Variants are listed with the pseudo-language "variant"; their id is the file name.
    rows.push({
      id: id === 'variant' ? file.replace(/^!v\//, '') : id,
      name,
      gender,
      otherLanguages,
    });
  }
  return rows;
}

/**
 * OpenAI's voice names, so that clients written for OpenAI work unchanged: each maps to an
 * English voice with a variant of matching gender.
 */
export const OPENAI_VOICE_ALIASES: Readonly<Record<string, string>> = {
  alloy: 'en-us',
  ash: 'en-us+m3',
  ballad: 'en-gb+m2',
  cedar: 'en-us+m4',
  coral: 'en-us+f3',
  echo: 'en-us+m1',
  fable: 'en-gb-x-rp',
  marin: 'en-us+f1',
  nova: 'en-us+f2',
  onyx: 'en-us+m7',
  sage: 'en-us+f4',
  shimmer: 'en-us+f5',
  verse: 'en-us+m2',
};

function readable(name: string): string {
  return name.replace(/_/g, ' ');
}

export function voiceOf(row: EspeakVoiceRow): SpeechVoice {
  return {
    id: row.id,
    name: readable(row.name),
    languages: [row.id, ...row.otherLanguages.filter((language) => language !== row.id)],
    ...(row.gender ? { gender: row.gender } : {}),
  };
}

/**
 * Matches `requested` against the voices and variants, ignoring case: a voice id ("pl"), its
 * listed name ("Polish"), an OpenAI alias ("nova"), or any of these with "+variant"
 * ("en-us+f3"). Returns the voice with its canonical id, or null.
 */
export function matchVoice(
  requested: string,
  voices: readonly EspeakVoiceRow[],
  variants: readonly EspeakVoiceRow[],
): SpeechVoice | null {
  const wanted = requested.trim().toLowerCase();
  const alias = OPENAI_VOICE_ALIASES[wanted];
  const spelled = alias ?? wanted;
  const [base = '', variantName, ...extra] = spelled.split('+');
  if (extra.length > 0) return null;
  const key = base.replace(/[\s_]+/g, ' ');
  const voice = voices.find(
    (row) => row.id.toLowerCase() === key || readable(row.name).toLowerCase() === key,
  );
  if (!voice) return null;
  const found = voiceOf(voice);
  if (variantName === undefined) {
    return alias ? { ...found, name: `${requested.trim()} (${found.name})` } : found;
  }
  const variant = variants.find((row) => row.id.toLowerCase() === variantName);
  if (!variant) return null;
  return {
    ...found,
    id: `${voice.id}+${variant.id}`,
    name: alias
      ? `${requested.trim()} (${found.name}, ${variant.name})`
      : `${found.name}, ${variant.name}`,
    ...(variant.gender ? { gender: variant.gender } : {}),
  };
}
