import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { toLanguageCode } from '../../src/asr/languages.js';
import { WhisperTokenizer } from '../../src/asr/tokenizer/whisper-tokenizer.js';
import { SHARED_DATA } from '../helpers/paths.js';

const CONFIG_DIR = join(SHARED_DATA, 'whisper-tiny-config');
const tokenizer = new WhisperTokenizer(
  JSON.parse(readFileSync(join(CONFIG_DIR, 'tokenizer.json'), 'utf8')),
);
const generation = JSON.parse(readFileSync(join(CONFIG_DIR, 'generation_config.json'), 'utf8'));

const SAMPLES = [
  'And so my fellow Americans, ask not what your country can do for you.',
  ' Zażółć gęślą jaźń — dzień dobry!',
  '東京は日本の首都です。',
  "It's 3.14159, isn't it? Yes: 42% of $1,000.",
  '  multiple   spaces\tand\nnewlines ',
  'emoji 🎉🚀 and ♪ music ♪',
  '<|en|> looks special but is text',
];

describe('WhisperTokenizer', () => {
  it('finds the special tokens by name', () => {
    expect(tokenizer.eot).toBe(50257);
    expect(tokenizer.sot).toBe(50258);
    expect(tokenizer.transcribe).toBe(generation.task_to_id.transcribe);
    expect(tokenizer.translate).toBe(generation.task_to_id.translate);
    expect(tokenizer.noTimestamps).toBe(generation.no_timestamps_token_id);
    expect(tokenizer.timestampBegin).toBe(50364);
  });

  it('knows the 99 languages of the vocabulary in token order', () => {
    expect(tokenizer.languages).toHaveLength(99);
    tokenizer.languages.forEach(({ code, token }, index) => {
      expect(token).toBe(50259 + index);
      expect(generation.lang_to_id[`<|${code}|>`]).toBe(token);
    });
  });

  it('builds the start-of-transcript sequence for a language and task', () => {
    expect(tokenizer.sotSequence('pl', 'transcribe')).toEqual([
      50258,
      generation.lang_to_id['<|pl|>'],
      50359,
    ]);
    expect(tokenizer.sotSequence('en', 'translate')).toEqual([50258, 50259, 50358]);
  });

  it('computes the non-speech tokens that the model card lists as suppress_tokens', () => {
    // Hugging Face's suppress_tokens are OpenAI's non_speech_tokens plus the control tokens
    // (start of transcript, tasks, start of LM/prev, no-captions).
    const control = [
      tokenizer.sot,
      tokenizer.translate,
      tokenizer.transcribe,
      tokenizer.sotLm,
      tokenizer.sotPrev,
      tokenizer.noSpeech,
    ];
    const expected = (generation.suppress_tokens as number[]).filter(
      (token) => !control.includes(token),
    );
    expect(tokenizer.nonSpeechTokens()).toEqual(expected.sort((a, b) => a - b));
    expect(tokenizer.nonSpeechTokens().length).toBe(82);
  });

  it.each(SAMPLES)('round-trips %j', (text) => {
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('renders timestamps and drops them from plain text', () => {
    const tokens = [
      tokenizer.timestampBegin,
      ...tokenizer.encode(' Hello'),
      tokenizer.timestampBegin + 54,
    ];
    expect(tokenizer.decodeWithTimestamps(tokens)).toBe('<|0.00|> Hello<|1.08|>');
    expect(tokenizer.decode(tokens)).toBe(' Hello');
  });

  it('splits tokens into words on spaces, keeping punctuation separate', () => {
    const tokens = tokenizer.encode(' Ask not, what your country can do.');
    const { words, tokens: groups } = tokenizer.splitToWordTokens([...tokens, tokenizer.eot], 'en');
    expect(words).toEqual([
      ' Ask',
      ' not',
      ',',
      ' what',
      ' your',
      ' country',
      ' can',
      ' do',
      '.',
      '<|endoftext|>',
    ]);
    expect(groups.flat()).toEqual([...tokens, tokenizer.eot]);
  });

  it('splits Chinese into characters, never inside a multi-byte character', () => {
    const tokens = tokenizer.encode('東京は日本');
    const { words } = tokenizer.splitToWordTokens(tokens, 'zh');
    expect(words.join('')).toBe('東京は日本');
    expect(words.every((word) => !word.includes('\ufffd'))).toBe(true);
  });

  it('accepts language codes, names and aliases', () => {
    expect(toLanguageCode('Polish')).toBe('pl');
    expect(toLanguageCode('EN')).toBe('en');
    expect(toLanguageCode('castilian')).toBe('es');
    expect(toLanguageCode('klingon')).toBeNull();
  });
});

describe('WhisperTokenizer against transformers.js', () => {
  let reference: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  beforeAll(async () => {
    env.allowRemoteModels = false;
    env.localModelPath = SHARED_DATA;
    reference = await AutoTokenizer.from_pretrained('whisper-tiny-config');
  });

  it.each(SAMPLES.slice(0, 6))('encodes %j to the same ids', (text) => {
    const ids = reference.encode(text, { add_special_tokens: false });
    expect(tokenizer.encode(text)).toEqual(ids);
  });
});
