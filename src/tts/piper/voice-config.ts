/**
 * A Piper voice's `<voice>.onnx.json`, as Piper writes it when exporting a voice: the sample
 * rate, how text becomes phonemes (`phoneme_type`, `espeak.voice`), the phoneme → id table, the
 * speakers of multi-speaker voices and the default inference scales.
 */
import { ModelError } from '../../errors.js';

export interface PiperVoiceConfig {
  sampleRate: number;
  /** `espeak`: IPA from eSpeak NG; `text`: the text's own (decomposed) characters. */
  phonemeType: 'espeak' | 'text';
  /** The eSpeak NG voice the phonemes come from ("en-us", "pl"). */
  espeakVoice: string;
  /** Phoneme (one code point) → ids. */
  phonemeIdMap: ReadonlyMap<string, readonly number[]>;
  /** Phoneme → phonemes applied before the ids (Brazilian Portuguese maps "c" to "k"). */
  phonemeMap: ReadonlyMap<string, readonly string[]>;
  numSpeakers: number;
  /** Speaker name → id, for multi-speaker voices. */
  speakerIdMap: ReadonlyMap<string, number>;
  noiseScale: number;
  lengthScale: number;
  noiseW: number;
  /** BCP-47-like tag of the voice's language ("pl-pl"), from `language.code` or the eSpeak voice. */
  language: string;
}

/** Piper's own defaults for voices without a phoneme map (piper-phonemize). */
const DEFAULT_PHONEME_MAPS: Readonly<Record<string, Readonly<Record<string, string[]>>>> = {
  'pt-br': { c: ['k'] },
};

type Json = Record<string, unknown>;

function object(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}

function finite(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function isIdList(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((id) => Number.isInteger(id) && (id as number) >= 0)
  );
}

/** Parses a `.onnx.json` file's text; a file Piper could not use fails with `model_corrupt`. */
export function parsePiperVoiceConfig(text: string, path: string): PiperVoiceConfig {
  const invalid = (problem: string) =>
    new ModelError('model_corrupt', `${path} is not a Piper voice configuration: ${problem}.`, {
      details: { path },
    });
  let root: Json | null;
  try {
    root = object(JSON.parse(text));
  } catch {
    throw invalid('it is not JSON');
  }
  if (!root) throw invalid('it is not a JSON object');

  const sampleRate = object(root['audio'])?.['sample_rate'];
  if (!Number.isInteger(sampleRate) || (sampleRate as number) < 8000) {
    throw invalid('audio.sample_rate is missing or not a sample rate');
  }
  const phonemeType = root['phoneme_type'] ?? 'espeak';
  if (phonemeType !== 'espeak' && phonemeType !== 'text') {
    throw invalid(
      `phoneme_type "${String(phonemeType)}" is not supported (Earshot reads espeak and text voices)`,
    );
  }
  const espeakVoice = object(root['espeak'])?.['voice'];
  if (phonemeType === 'espeak' && (typeof espeakVoice !== 'string' || espeakVoice === '')) {
    throw invalid('espeak.voice is missing');
  }

  const idTable = object(root['phoneme_id_map']);
  if (!idTable) throw invalid('phoneme_id_map is missing');
  const phonemeIdMap = new Map<string, number[]>();
  for (const [phoneme, ids] of Object.entries(idTable)) {
    if (!isIdList(ids)) throw invalid(`phoneme_id_map["${phoneme}"] is not a list of ids`);
    phonemeIdMap.set(phoneme, ids);
  }
  for (const marker of ['_', '^', '$']) {
    if (!phonemeIdMap.has(marker)) {
      throw invalid(`phoneme_id_map has no "${marker}" (pad, start and end markers)`);
    }
  }

  const voice = typeof espeakVoice === 'string' ? espeakVoice : '';
  const givenMap = object(root['phoneme_map']);
  const phonemeMap = new Map<string, string[]>(
    Object.entries(
      givenMap && Object.keys(givenMap).length > 0 ? givenMap : (DEFAULT_PHONEME_MAPS[voice] ?? {}),
    ).filter(
      (entry): entry is [string, string[]] =>
        Array.isArray(entry[1]) && entry[1].every((phoneme) => typeof phoneme === 'string'),
    ),
  );

  const numSpeakers = finite(root['num_speakers'], 1);
  const speakerIdMap = new Map<string, number>();
  for (const [name, id] of Object.entries(object(root['speaker_id_map']) ?? {})) {
    if (Number.isInteger(id) && (id as number) >= 0 && (id as number) < numSpeakers) {
      speakerIdMap.set(name, id as number);
    }
  }
  const inference = object(root['inference']) ?? {};
  const code = object(root['language'])?.['code'];
  return {
    sampleRate: sampleRate as number,
    phonemeType,
    espeakVoice: voice,
    phonemeIdMap,
    phonemeMap,
    numSpeakers: Math.max(1, Math.floor(numSpeakers)),
    speakerIdMap,
    noiseScale: finite(inference['noise_scale'], 0.667),
    lengthScale: finite(inference['length_scale'], 1),
    noiseW: finite(inference['noise_w'], 0.8),
    language: (typeof code === 'string' && code !== '' ? code : voice)
      .replace(/_/g, '-')
      .toLowerCase(),
  };
}
