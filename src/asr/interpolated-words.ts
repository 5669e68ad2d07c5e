/**
 * Word times when the model export has no cross-attention outputs: each word gets a share of its
 * segment's span proportional to its length in characters. Coarse, but monotonic and inside the
 * segment; results say `wordTimestampMethod: 'token-interpolation'` so users know.
 */
import type { WhisperTokenizer } from './tokenizer/whisper-tokenizer.js';
import type { TranscriptionSegment } from './types.js';

export function interpolateWords(
  segment: TranscriptionSegment,
  tokenizer: WhisperTokenizer,
  language: string | null,
): void {
  const textTokens = segment.tokens.filter((token) => token < tokenizer.eot);
  const textProbs = segment.tokenProbs.filter(
    (_, index) => (segment.tokens[index] as number) < tokenizer.eot,
  );
  if (textTokens.length === 0) {
    segment.words = [];
    return;
  }
  const { words, tokens } = tokenizer.splitToWordTokens(textTokens, language);
  const weights = words.map((word) => Math.max(1, word.trim().length));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const span = segment.end - segment.start;
  let cursor = segment.start;
  let tokenIndex = 0;
  segment.words = words.map((word, index) => {
    const start = cursor;
    cursor += (span * (weights[index] as number)) / total;
    const count = (tokens[index] as number[]).length;
    const probabilities = textProbs.slice(tokenIndex, tokenIndex + count);
    tokenIndex += count;
    return {
      word,
      start: Math.round(start * 100) / 100,
      end: Math.round(cursor * 100) / 100,
      probability:
        probabilities.length > 0
          ? probabilities.reduce((sum, p) => sum + p, 0) / probabilities.length
          : 0,
    };
  });
}
