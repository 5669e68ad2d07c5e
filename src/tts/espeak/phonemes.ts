/**
 * Text to IPA phonemes with eSpeak NG, for the neural engines (Piper, Kokoro), which are trained
 * on eSpeak's phonemes. eSpeak drops punctuation from its phoneme output, yet the models take it
 * as input (Piper maps the clause terminator to a phoneme; Kokoro keeps punctuation in its
 * token string), so the text is cut at punctuation first and each piece keeps what followed it.
 *
 * All pieces of a segment go through one run, separated by blank lines, which eSpeak always
 * treats as clause ends: it prints one line of phonemes per clause. Starting a run costs more
 * than phonemising (loading the language's dictionary), so one run per segment matters. If eSpeak
 * cuts a piece further than the punctuation did (it prints more lines than there are pieces),
 * each piece is phonemised on its own instead.
 */
import { SpeechError } from '../../errors.js';
import { type EspeakRuntime, sharedEspeakRuntime } from './runtime.js';

/** A stretch of text between punctuation marks, as phonemes. */
export interface PhonemePiece {
  /** The piece as written (trimmed); '' when the text starts with punctuation. */
  text: string;
  /** Its IPA phonemes, words separated by spaces; '' for a piece with nothing to say. */
  phonemes: string;
  /** The punctuation that followed, as written, with its surrounding whitespace; '' at the end. */
  punctuation: string;
}

export interface EspeakPhonemeOptions {
  /** An eSpeak voice or language (`-v`): "en-us", "pl". */
  voice: string;
  /** Where to cut: a global pattern matching a punctuation run with its whitespace. */
  punctuation: RegExp;
  /** Joins the letters of multi-letter phonemes ("a^ɪ" with "^"), as phonemizer's `tie` does. */
  tie?: string;
  /** Keeps eSpeak's language-switch flags ("(en)… (pl)"); by default they are removed. */
  keepLanguageFlags?: boolean;
  runtime?: () => Promise<EspeakRuntime>;
}

const SPEAKABLE = /[\p{L}\p{N}]/u;
const LANGUAGE_FLAG = /\([a-z]{2,3}(?:-[a-z0-9]+)*\)/giu;

/** Cuts `text` at every match of `pattern`, keeping the matches as the pieces' punctuation. */
export function splitAtPunctuation(
  text: string,
  pattern: RegExp,
): { text: string; punctuation: string }[] {
  const pieces: { text: string; punctuation: string }[] = [];
  let start = 0;
  for (const match of text.matchAll(
    new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`),
  )) {
    if (match[0].length === 0) continue;
    pieces.push({ text: text.slice(start, match.index).trim(), punctuation: match[0] });
    start = match.index + match[0].length;
  }
  const rest = text.slice(start).trim();
  if (rest !== '' || pieces.length === 0) pieces.push({ text: rest, punctuation: '' });
  return pieces;
}

function espeakArgs(options: EspeakPhonemeOptions, text: string): string[] {
  return [
    '-q',
    '-b',
    '1',
    '--ipa',
    ...(options.tie ? [`--tie=${options.tie}`] : []),
    '-v',
    options.voice,
    '--',
    text,
  ];
}

function phonemeLines(
  runtime: EspeakRuntime,
  options: EspeakPhonemeOptions,
  text: string,
): string[] {
  const result = runtime.run(espeakArgs(options, text));
  if (result.status !== 0) {
    const reason =
      result.stderr.find((line) => line.trim() !== '') ?? `exit status ${result.status}`;
    throw new SpeechError(
      'speech_synthesis_failed',
      `eSpeak NG could not phonemise for voice "${options.voice}": ${reason}`,
      { details: { voice: options.voice } },
    );
  }
  return result.stdout
    .map((line) => {
      const trimmed = line.trim();
      return options.keepLanguageFlags ? trimmed : trimmed.replace(LANGUAGE_FLAG, '');
    })
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
}

/** Phonemises `text` piece by piece (see the module comment). */
export async function espeakPhonemes(
  text: string,
  options: EspeakPhonemeOptions,
): Promise<PhonemePiece[]> {
  const pieces = splitAtPunctuation(text, options.punctuation);
  const spoken = pieces.filter((piece) => SPEAKABLE.test(piece.text));
  const phonemes = new Map<(typeof pieces)[number], string>();
  if (spoken.length > 0) {
    const runtime = await (options.runtime ?? sharedEspeakRuntime)();
    const lines = phonemeLines(runtime, options, spoken.map((piece) => piece.text).join('\n\n'));
    if (lines.length === spoken.length) {
      spoken.forEach((piece, index) => {
        phonemes.set(piece, lines[index] as string);
      });
    } else {
      for (const piece of spoken) {
        phonemes.set(piece, phonemeLines(runtime, options, piece.text).join(' '));
      }
    }
  }
  return pieces.map((piece) => ({ ...piece, phonemes: phonemes.get(piece) ?? '' }));
}
