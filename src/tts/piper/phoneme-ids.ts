/**
 * Text to Piper's phoneme ids, following piper-phonemize: eSpeak NG's IPA for each clause,
 * decomposed (NFD) into single code points, each code point one phoneme; the clause's terminator
 * becomes a phoneme of its own (", " after a comma, colon or semicolon; "." "?" "!" at a
 * sentence end). Ids are `^ _ (phoneme _)* $`: start, pad, every phoneme followed by a pad, end.
 */
import { espeakPhonemes } from '../espeak/phonemes.js';
import type { EspeakRuntime } from '../espeak/runtime.js';
import type { PiperVoiceConfig } from './voice-config.js';

/** The clause terminators eSpeak NG ends a clause at (followed by a space or the end). */
export const PIPER_CLAUSE_END = /\s*[.,;:!?]+(?=\s|$)\s*/gu;

const SENTENCE_END = new Set(['.', '?', '!']);
const CLAUSE_END = new Set([',', ':', ';']);

function mapped(phonemes: string, config: PiperVoiceConfig): string[] {
  const out: string[] = [];
  for (const phoneme of phonemes.normalize('NFD')) {
    const replacement = config.phonemeMap.get(phoneme);
    if (replacement) out.push(...replacement);
    else out.push(phoneme);
  }
  return out;
}

/** The phonemes (code points) Piper speaks for one segment of text. */
export async function piperPhonemes(
  text: string,
  config: PiperVoiceConfig,
  runtime?: () => Promise<EspeakRuntime>,
): Promise<string[]> {
  if (config.phonemeType === 'text') return mapped(text, config);
  const pieces = await espeakPhonemes(text, {
    voice: config.espeakVoice,
    punctuation: PIPER_CLAUSE_END,
    ...(runtime ? { runtime } : {}),
  });
  const phonemes: string[] = [];
  pieces.forEach((piece, index) => {
    phonemes.push(...mapped(piece.phonemes, config));
    const terminator = piece.punctuation.trim().at(-1) ?? '';
    const more = index < pieces.length - 1;
    if (SENTENCE_END.has(terminator)) {
      phonemes.push(terminator);
      if (more) phonemes.push(' ');
    } else if (CLAUSE_END.has(terminator)) {
      phonemes.push(terminator, ' ');
    } else if (more && piece.phonemes !== '') {
      phonemes.push(' ');
    }
  });
  // A trailing space after the last clause means nothing to the model.
  while (phonemes.at(-1) === ' ') phonemes.pop();
  return phonemes;
}

export interface PhonemeIds {
  ids: number[];
  /** How many phonemes got ids (0: nothing to say). */
  spoken: number;
  /** Phonemes the voice has no id for (skipped, as Piper does), with their counts. */
  missing: Map<string, number>;
}

/** Piper's id sequence for phonemes; unknown phonemes are skipped and counted. */
export function piperPhonemeIds(phonemes: readonly string[], config: PiperVoiceConfig): PhonemeIds {
  const table = config.phonemeIdMap;
  const pad = table.get('_') as readonly number[];
  const ids: number[] = [...(table.get('^') as readonly number[]), ...pad];
  const missing = new Map<string, number>();
  let spoken = 0;
  for (const phoneme of phonemes) {
    const found = table.get(phoneme) ?? table.get(phoneme.toLowerCase());
    if (!found) {
      missing.set(phoneme, (missing.get(phoneme) ?? 0) + 1);
      continue;
    }
    ids.push(...found, ...pad);
    spoken++;
  }
  ids.push(...(table.get('$') as readonly number[]));
  return { ids, spoken, missing };
}
