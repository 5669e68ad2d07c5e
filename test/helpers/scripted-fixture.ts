/**
 * ONNX Whisper fixtures whose decoder "hears" chosen segments: a random encoder and a scripted
 * merged decoder in the onnx-community layout, loaded through the real model path. The script
 * is positional, so it is written for the prompt the requests will use.
 */
import { type WhisperSize, writeWhisperFixture } from '../fixtures/whisper/index.js';
import { whisperTokenizer } from './whisper-tokenizer.js';

export interface HeardSegments {
  /** The language detection answers (and the first token after `<|startoftranscript|>`). */
  language: string;
  segments: ReadonlyArray<readonly [start: number, end: number, text: string]>;
  /** Tokens of the text prompt the requests send (`prompt`, `initial_prompt`); default none. */
  promptTokens?: number;
  /** Encoder dimensions (default `test`; benchmarks use real sizes). */
  dims?: WhisperSize;
}

/** Writes the fixture to `folder`. */
export function writeHeardFixture(folder: string, heard: HeardSegments): void {
  const tokenizer = whisperTokenizer();
  const ts = (seconds: number) => tokenizer.timestampBegin + Math.round(seconds / 0.02);
  const languageToken = tokenizer.languageToken(heard.language) as number;
  const spoken = heard.segments.flatMap(([start, end, text]) => [
    ts(start),
    ...tokenizer.encode(` ${text}`),
    ts(end),
  ]);
  // Positions: 0 answers language detection ([sot]); the prompt, when there is one, is
  // <|startofprev|> + its tokens before [sot, language, task]; the first sampled token follows
  // the task token.
  const before = heard.promptTokens ? heard.promptTokens + 1 : 0;
  const filler = Array.from({ length: before + 1 }, () => languageToken);
  writeWhisperFixture(folder, {
    dims: heard.dims ?? 'test',
    // The scripted decoder's cross-attention is uniform, which gives DTW nothing to align (every
    // word would land at 0 s); without the outputs, word times are interpolated within segments.
    crossAttentions: false,
    script: { tokens: [languageToken, ...filler, ...spoken, tokenizer.eot] },
  });
}
