/**
 * Kokoro's voices: `voices/<name>.bin` files of style vectors, named by Kokoro's convention
 * (`af_heart`: first letter the language, second the gender). A file holds float32
 * [rows, 1, 256]: one style vector per phoneme count, rows 510 in Kokoro v1.0.
 */
import { readFile } from 'node:fs/promises';
import { ModelError } from '../../errors.js';
import type { SpeechVoice } from '../speech-model.js';

export const KOKORO_STYLE_SIZE = 256;

export interface KokoroLanguage {
  name: string;
  /** Language tags, the text front-end's first. */
  languages: readonly string[];
  espeakVoice: string;
  english: 'american' | 'british' | null;
  /** Kokoro reads this language with its own phonemizer, not eSpeak NG's phonemes. */
  ownPhonemizer?: boolean;
}

/** Kokoro's language letters (`KPipeline` lang codes). */
export const KOKORO_LANGUAGES: Readonly<Record<string, KokoroLanguage>> = {
  a: {
    name: 'American English',
    languages: ['en-us', 'en'],
    espeakVoice: 'en-us',
    english: 'american',
  },
  b: {
    name: 'British English',
    languages: ['en-gb', 'en'],
    espeakVoice: 'en-gb',
    english: 'british',
  },
  e: { name: 'Spanish', languages: ['es'], espeakVoice: 'es', english: null },
  f: { name: 'French', languages: ['fr-fr', 'fr'], espeakVoice: 'fr-fr', english: null },
  h: { name: 'Hindi', languages: ['hi'], espeakVoice: 'hi', english: null },
  i: { name: 'Italian', languages: ['it'], espeakVoice: 'it', english: null },
  j: { name: 'Japanese', languages: ['ja'], espeakVoice: 'ja', english: null, ownPhonemizer: true },
  p: {
    name: 'Brazilian Portuguese',
    languages: ['pt-br', 'pt'],
    espeakVoice: 'pt-br',
    english: null,
  },
  z: {
    name: 'Mandarin Chinese',
    languages: ['zh', 'cmn'],
    espeakVoice: 'cmn',
    english: null,
    ownPhonemizer: true,
  },
};

const VOICE_FILE = /^voices\/([a-z][fm]_[\w-]+)\.bin$/;

/** The voices among a repository's files, sorted by name. */
export function kokoroVoiceNames(files: readonly string[]): string[] {
  return files
    .map((file) => VOICE_FILE.exec(file)?.[1])
    .filter((name): name is string => name !== undefined && (name[0] as string) in KOKORO_LANGUAGES)
    .sort();
}

export function kokoroLanguageOf(voice: string): KokoroLanguage | null {
  return KOKORO_LANGUAGES[voice[0] ?? ''] ?? null;
}

export function kokoroVoiceInfo(voice: string): SpeechVoice {
  const language = kokoroLanguageOf(voice);
  const given = voice.slice(voice.indexOf('_') + 1).replace(/_/g, ' ');
  const name = `${given.charAt(0).toUpperCase()}${given.slice(1)}`;
  return {
    id: voice,
    name: language ? `${name} (${language.name})` : name,
    languages: language?.languages ?? [],
    ...(voice[1] === 'f'
      ? { gender: 'female' as const }
      : voice[1] === 'm'
        ? { gender: 'male' as const }
        : {}),
  };
}

/** A voice's style vectors, one row of 256 per phoneme count. */
export interface KokoroStyles {
  data: Float32Array;
  rows: number;
}

/** Reads a voice file; anything but whole rows of 256 float32 values fails with `model_corrupt`. */
export async function readKokoroStyles(path: string): Promise<KokoroStyles> {
  const bytes = await readFile(path);
  const rowBytes = KOKORO_STYLE_SIZE * 4;
  if (bytes.length === 0 || bytes.length % rowBytes !== 0) {
    throw new ModelError(
      'model_corrupt',
      `${path} is not a Kokoro voice: ${bytes.length} bytes is not a whole number of ${KOKORO_STYLE_SIZE}-value float32 style vectors.`,
      { details: { path } },
    );
  }
  const data = new Float32Array(bytes.length / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { data, rows: bytes.length / rowBytes };
}

/**
 * The style vector for a phoneme string of `phonemes` characters: row `phonemes − 1`, as
 * Kokoro's own pipeline picks it (`pack[len(ps) - 1]`), within the rows the voice has.
 */
export function styleFor(styles: KokoroStyles, phonemes: number): Float32Array {
  const row = Math.min(Math.max(phonemes - 1, 0), styles.rows - 1);
  return styles.data.subarray(row * KOKORO_STYLE_SIZE, (row + 1) * KOKORO_STYLE_SIZE);
}
