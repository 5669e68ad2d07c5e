/**
 * Kokoro's tokenizer, from the model's `tokenizer.json`: one token per phoneme character
 * (`model.vocab`), characters outside the vocabulary dropped (its normalizer removes them), and
 * the sequence wrapped in the pad token "$" (id 0), as its `TemplateProcessing` post-processor
 * says. At most 510 tokens fit between the pads.
 */
import { readFile } from 'node:fs/promises';
import { ModelError } from '../../errors.js';

/** Tokens one model call takes between its two pad tokens. */
export const KOKORO_MAX_TOKENS = 510;

export interface KokoroTokenizer {
  vocab: ReadonlyMap<string, number>;
  /** The token at both ends of every sequence. */
  padId: number;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}

/** The pad token the post-processor wraps sequences in (`$` when it names none). */
function padToken(root: Json): string {
  const single = object(root['post_processor'])?.['single'];
  if (Array.isArray(single)) {
    const first = object(object(single[0])?.['SpecialToken'])?.['id'];
    if (typeof first === 'string') return first;
  }
  return '$';
}

export function parseKokoroTokenizer(text: string, path: string): KokoroTokenizer {
  const invalid = (problem: string) =>
    new ModelError('model_corrupt', `${path} is not a Kokoro tokenizer: ${problem}.`, {
      details: { path },
    });
  let root: Json | null;
  try {
    root = object(JSON.parse(text));
  } catch {
    throw invalid('it is not JSON');
  }
  const table = object(object(root?.['model'])?.['vocab']);
  if (!root || !table) throw invalid('it has no model.vocab');
  const vocab = new Map<string, number>();
  for (const [symbol, id] of Object.entries(table)) {
    if (Number.isInteger(id) && (id as number) >= 0 && [...symbol].length === 1) {
      vocab.set(symbol, id as number);
    }
  }
  const pad = padToken(root);
  const padId = vocab.get(pad);
  if (padId === undefined) throw invalid(`its pad token "${pad}" is not in the vocabulary`);
  if (vocab.size < 2) throw invalid('its vocabulary is empty');
  return { vocab, padId };
}

export async function readKokoroTokenizer(path: string): Promise<KokoroTokenizer> {
  return parseKokoroTokenizer(await readFile(path, 'utf8'), path);
}

/** Token ids of a phoneme string, without the pads; unknown characters are dropped. */
export function kokoroTokens(phonemes: string, tokenizer: KokoroTokenizer): number[] {
  const ids: number[] = [];
  for (const symbol of phonemes) {
    const id = tokenizer.vocab.get(symbol);
    if (id !== undefined && id !== tokenizer.padId) ids.push(id);
  }
  return ids;
}

/**
 * Cuts a phoneme string into runs of at most `max` tokens, at the last word break before the
 * limit (mid-word only for a word longer than the limit), as Kokoro's pipeline does.
 */
export function kokoroRuns(
  phonemes: string,
  tokenizer: KokoroTokenizer,
  max = KOKORO_MAX_TOKENS,
): string[] {
  const runs: string[] = [];
  let rest = phonemes.trim();
  while (kokoroTokens(rest, tokenizer).length > max) {
    const symbols = [...rest];
    let count = 0;
    let cut = -1;
    let end = symbols.length;
    for (let i = 0; i < symbols.length; i++) {
      if (tokenizer.vocab.has(symbols[i] as string)) count++;
      if (count > max) {
        end = i;
        break;
      }
      if (symbols[i] === ' ') cut = i;
    }
    const at = cut > 0 ? cut : end;
    runs.push(symbols.slice(0, at).join('').trim());
    rest = symbols.slice(at).join('').trim();
  }
  if (rest !== '') runs.push(rest);
  return runs;
}
