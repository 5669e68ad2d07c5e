/**
 * Text to Kokoro's phoneme string. Kokoro was trained on misaki's phonemes: for English its own
 * lexicon with eSpeak NG as the fallback, for the other languages eSpeak NG itself, each rewritten
 * into misaki's symbols (diphthongs as single letters: "aɪ" → "I", "eɪ" → "A"; affricates as
 * ligatures: "tʃ" → "ʧ"). Here every word goes through eSpeak NG, with misaki's rewrites
 * (`misaki/espeak.py`: EspeakFallback for English, EspeakG2P for the rest). Punctuation is kept
 * in the string, as Kokoro reads it.
 */
import { espeakPhonemes } from '../espeak/phonemes.js';
import type { EspeakRuntime } from '../espeak/runtime.js';

/** Punctuation Kokoro keeps (kokoro-js), with the whitespace around it. */
export const KOKORO_PUNCTUATION = /(\s*[;:,.!?¡¿—…"«»“”(){}[\]]+\s*)+/gu;

/** eSpeak's multi-letter phonemes (joined by the tie "^") rewritten as misaki writes them. */
function byLength(table: Record<string, string>): [string, string][] {
  return Object.entries(table).sort((a, b) => b[0].length - a[0].length);
}

const ENGLISH = byLength({
  'ʔˌn\u0329': 'tn',
  'ʔn\u0329': 'tn',
  ʔn: 'tn',
  ʔ: 't',
  'a^ɪ': 'I',
  'a^ʊ': 'W',
  'd^ʒ': 'ʤ',
  'e^ɪ': 'A',
  e: 'A',
  't^ʃ': 'ʧ',
  'ɔ^ɪ': 'Y',
  'ə^l': 'ᵊl',
  ʲo: 'jo',
  ʲə: 'jə',
  ʲ: '',
  ɚ: 'əɹ',
  r: 'ɹ',
  x: 'k',
  ç: 'k',
  ɐ: 'ə',
  ɬ: 'l',
  '\u0303': '',
});

const OTHER = byLength({
  'a^ɪ': 'I',
  'a^ʊ': 'W',
  'd^z': 'ʣ',
  'd^ʒ': 'ʤ',
  'e^ɪ': 'A',
  'o^ʊ': 'O',
  'ə^ʊ': 'Q',
  's^s': 'S',
  't^s': 'ʦ',
  't^ʃ': 'ʧ',
  'ɔ^ɪ': 'Y',
});

function rewrite(phonemes: string, table: readonly [string, string][]): string {
  let out = phonemes;
  for (const [from, to] of table) out = out.replaceAll(from, to);
  return out;
}

/** misaki's EspeakFallback: English, American or British. */
function englishPhonemes(phonemes: string, british: boolean): string {
  let out = rewrite(phonemes, ENGLISH)
    .replace(/(\S)\u0329/gu, 'ᵊ$1')
    .replaceAll('\u0329', '');
  if (british) {
    out = out.replaceAll('e^ə', 'ɛː').replaceAll('iə', 'ɪə').replaceAll('ə^ʊ', 'Q');
  } else {
    out = out
      .replaceAll('o^ʊ', 'O')
      .replaceAll('ɜːɹ', 'ɜɹ')
      .replaceAll('ɜː', 'ɜɹ')
      .replaceAll('ɪə', 'iə')
      .replaceAll('ː', '');
  }
  return out.replaceAll('o', 'ɔ').replaceAll('^', '');
}

/** misaki's EspeakG2P: the other languages. */
function otherPhonemes(phonemes: string): string {
  return rewrite(phonemes, OTHER).replaceAll('^', '').replaceAll('-', '');
}

export interface KokoroPhonemizeOptions {
  /** eSpeak NG voice: "en-us", "en-gb", "fr-fr", … */
  espeakVoice: string;
  /** English rules (misaki's EspeakFallback) instead of the general ones. */
  english: 'american' | 'british' | null;
  runtime?: () => Promise<EspeakRuntime>;
}

/** Kokoro's phoneme string for one segment of text. */
export async function kokoroPhonemes(
  text: string,
  options: KokoroPhonemizeOptions,
): Promise<string> {
  const pieces = await espeakPhonemes(text, {
    voice: options.espeakVoice,
    punctuation: KOKORO_PUNCTUATION,
    tie: '^',
    ...(options.runtime ? { runtime: options.runtime } : {}),
  });
  const parts: string[] = [];
  for (const piece of pieces) {
    if (piece.phonemes !== '') {
      parts.push(
        options.english
          ? englishPhonemes(piece.phonemes, options.english === 'british')
          : otherPhonemes(piece.phonemes),
      );
    }
    // Punctuation as written, with runs of whitespace reduced to one space.
    parts.push(piece.punctuation.replace(/\s+/gu, ' '));
  }
  return parts.join('').replace(/\s+/gu, ' ').trim();
}
