/**
 * The voices of a Piper repository, found from its file list: every `<path>.onnx` with its
 * `<path>.onnx.json` beside it is a voice named after the file (`pl_PL-gosia-medium`), wherever
 * it lies (rhasspy/piper-voices keeps them in `pl/pl_PL/gosia/medium/`). Piper names voices
 * `<language>_<REGION>-<name>-<quality>`; the language is read from that until the voice's own
 * configuration is loaded.
 */
import type { SpeechVoice } from '../speech-model.js';

export interface PiperVoiceEntry {
  /** What a request names it by: the file name without `.onnx`, or the path where names clash. */
  id: string;
  /** Its path in the repository without `.onnx` (the model store's `{voice}`). */
  path: string;
}

const PIPER_NAME = /^([a-z]{2,3})_([A-Za-z]{2,3})-(.+)-(x_low|low|medium|high)$/;

/** The voices among a repository's files, sorted by id. */
export function piperVoiceEntries(files: readonly string[]): PiperVoiceEntry[] {
  const present = new Set(files);
  const paths = files
    .filter((file) => file.endsWith('.onnx') && present.has(`${file}.json`))
    .map((file) => file.slice(0, -'.onnx'.length));
  const names = paths.map((path) => path.slice(path.lastIndexOf('/') + 1));
  const clash = (name: string) => names.indexOf(name) !== names.lastIndexOf(name);
  return paths
    .map((path, index) => {
      const name = names[index] as string;
      return { id: clash(name) ? path : name, path };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** What the name says about a voice, before its configuration is read. */
export function piperVoiceInfo(entry: PiperVoiceEntry): SpeechVoice {
  const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
  const parts = PIPER_NAME.exec(name);
  if (!parts) return { id: entry.id, name, languages: [] };
  const [, language = '', region = '', speaker = '', quality = ''] = parts;
  return {
    id: entry.id,
    name: `${speaker.replace(/_/g, ' ')} (${language}_${region.toUpperCase()}, ${quality.replace('_', '-')})`,
    languages: [`${language}-${region.toLowerCase()}`, language],
  };
}

/** `voice+speaker` → its parts (Piper's multi-speaker voices pick a speaker after a plus sign). */
export function splitSpeaker(requested: string): { voice: string; speaker: string | null } {
  const plus = requested.lastIndexOf('+');
  return plus === -1
    ? { voice: requested.trim(), speaker: null }
    : { voice: requested.slice(0, plus).trim(), speaker: requested.slice(plus + 1).trim() };
}
