/**
 * Whisper's tokenizer: byte-level BPE plus the special tokens that steer decoding (start of
 * transcript, language, task, timestamps), read from a model folder's `tokenizer.json`. Special
 * token ids are looked up by name, never assumed, so English-only, multilingual and large-v3
 * vocabularies all work.
 */

import { WHISPER_LANGUAGES } from '../languages.js';
import { ByteLevelBpe, type TokenizerJson } from './byte-level-bpe.js';

export type WhisperTask = 'transcribe' | 'translate';

/** Languages written without spaces between words: words are split on Unicode characters. */
const UNSPACED_LANGUAGES = new Set(['zh', 'ja', 'th', 'lo', 'my', 'yue']);
/** Python's `string.punctuation`; Whisper tests `word in string.punctuation`, a substring test. */
const PYTHON_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const REPLACEMENT = '\ufffd';

function required(bpe: ByteLevelBpe, token: string): number {
  const id = bpe.tokenToId(token);
  if (id === undefined) throw new Error(`the tokenizer has no ${token} token`);
  return id;
}

export interface WordTokens {
  words: string[];
  tokens: number[][];
}

export class WhisperTokenizer {
  readonly bpe: ByteLevelBpe;
  readonly eot: number;
  readonly sot: number;
  readonly sotPrev: number;
  readonly sotLm: number;
  readonly noSpeech: number | null;
  readonly noTimestamps: number;
  readonly timestampBegin: number;
  readonly transcribe: number | null;
  readonly translate: number | null;
  /** Languages this vocabulary has tokens for, in token order. */
  readonly languages: ReadonlyArray<{ code: string; token: number }>;
  private readonly languageTokens: Map<string, number>;
  private nonSpeechCache: number[] | null = null;

  constructor(json: TokenizerJson) {
    this.bpe = new ByteLevelBpe(json);
    this.eot = required(this.bpe, '<|endoftext|>');
    this.sot = required(this.bpe, '<|startoftranscript|>');
    this.sotPrev = required(this.bpe, '<|startofprev|>');
    this.sotLm = required(this.bpe, '<|startoflm|>');
    this.noSpeech =
      this.bpe.tokenToId('<|nospeech|>') ?? this.bpe.tokenToId('<|nocaptions|>') ?? null;
    this.noTimestamps = required(this.bpe, '<|notimestamps|>');
    this.timestampBegin = this.noTimestamps + 1;
    this.transcribe = this.bpe.tokenToId('<|transcribe|>') ?? null;
    this.translate = this.bpe.tokenToId('<|translate|>') ?? null;
    this.languages = WHISPER_LANGUAGES.flatMap(([code]) => {
      const token = this.bpe.tokenToId(`<|${code}|>`);
      return token === undefined ? [] : [{ code, token }];
    });
    this.languageTokens = new Map(this.languages.map(({ code, token }) => [code, token]));
  }

  get isMultilingual(): boolean {
    return this.languages.length > 0;
  }

  languageToken(code: string): number | undefined {
    return this.languageTokens.get(code);
  }

  languageOf(token: number): string | undefined {
    return this.languages.find((language) => language.token === token)?.code;
  }

  /**
   * The tokens that start every window: `<|startoftranscript|>`, then for multilingual models
   * the language and the task.
   */
  sotSequence(language: string | null, task: WhisperTask): number[] {
    const sequence = [this.sot];
    if (!this.isMultilingual) return sequence;
    const languageToken = language
      ? this.languageTokens.get(language)
      : this.languageTokens.get('en');
    if (languageToken === undefined)
      throw new Error(`the model has no token for language ${language}`);
    sequence.push(languageToken);
    const taskToken = task === 'translate' ? this.translate : this.transcribe;
    if (taskToken !== null) sequence.push(taskToken);
    return sequence;
  }

  encode(text: string): number[] {
    return this.bpe.encode(text);
  }

  /** Text of the tokens, leaving out timestamps. */
  decode(tokens: readonly number[]): string {
    return this.bpe.decode(tokens.filter((token) => token < this.timestampBegin));
  }

  /** Text with timestamps rendered as `<|1.08|>`, as OpenAI's `decode_with_timestamps`. */
  decodeWithTimestamps(tokens: readonly number[], timePrecision = 0.02): string {
    const parts: string[] = [];
    let run: number[] = [];
    for (const token of tokens) {
      if (token >= this.timestampBegin) {
        parts.push(
          this.bpe.decode(run),
          `<|${((token - this.timestampBegin) * timePrecision).toFixed(2)}|>`,
        );
        run = [];
      } else {
        run.push(token);
      }
    }
    parts.push(this.bpe.decode(run));
    return parts.join('');
  }

  /**
   * Symbols that are not speech (music notes, brackets, …), suppressed during sampling as
   * OpenAI's `non_speech_tokens`: a symbol is suppressed when it (or it with a leading space) is
   * a single token; musical symbols by their first token. Hyphen and apostrophe with a leading
   * space are suppressed so that they cannot start a word.
   */
  nonSpeechTokens(): number[] {
    if (this.nonSpeechCache) return this.nonSpeechCache;
    const symbols = [...'"#()*+/:;<=>@[\\]^_`{|}~「」『』'];
    symbols.push(
      ...'<< >> <<< >>> -- --- -( -[ (\' (" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪'.split(' '),
    );
    const miscellaneous = new Set('♩♪♫♬♭♮♯');
    const result = new Set<number>([
      this.encode(' -')[0] as number,
      this.encode(" '")[0] as number,
    ]);
    for (const symbol of [...symbols, ...miscellaneous]) {
      for (const tokens of [this.encode(symbol), this.encode(` ${symbol}`)]) {
        if (tokens.length === 1 || miscellaneous.has(symbol)) result.add(tokens[0] as number);
      }
    }
    this.nonSpeechCache = [...result].sort((a, b) => a - b);
    return this.nonSpeechCache;
  }

  /** Splits tokens into words (on spaces and punctuation; on characters for unspaced languages). */
  splitToWordTokens(tokens: readonly number[], language: string | null): WordTokens {
    if (language && UNSPACED_LANGUAGES.has(language)) return this.splitOnUnicode(tokens);
    return this.splitOnSpaces(tokens);
  }

  /** Groups tokens so that each group decodes to whole characters (no U+FFFD from a split). */
  private splitOnUnicode(tokens: readonly number[]): WordTokens {
    const full = this.decodeWithTimestamps(tokens);
    const words: string[] = [];
    const groups: number[][] = [];
    let current: number[] = [];
    let offset = 0;
    for (const token of tokens) {
      current.push(token);
      const decoded = this.decodeWithTimestamps(current);
      const replacementAt = decoded.indexOf(REPLACEMENT);
      if (replacementAt < 0 || full[offset + replacementAt] === REPLACEMENT) {
        words.push(decoded);
        groups.push(current);
        current = [];
        offset += decoded.length;
      }
    }
    return { words, tokens: groups };
  }

  private splitOnSpaces(tokens: readonly number[]): WordTokens {
    const subwords = this.splitOnUnicode(tokens);
    const words: string[] = [];
    const groups: number[][] = [];
    subwords.words.forEach((subword, index) => {
      const subwordTokens = subwords.tokens[index] as number[];
      const special = (subwordTokens[0] as number) >= this.eot;
      const withSpace = subword.startsWith(' ');
      const punctuation = PYTHON_PUNCTUATION.includes(subword.trim());
      if (special || withSpace || punctuation || words.length === 0) {
        words.push(subword);
        groups.push([...subwordTokens]);
      } else {
        words[words.length - 1] += subword;
        (groups[groups.length - 1] as number[]).push(...subwordTokens);
      }
    });
    return { words, tokens: groups };
  }
}
