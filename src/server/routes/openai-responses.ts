/**
 * OpenAI response bodies for a `TranscriptionResult`: `json` (with `logprobs` on request),
 * `text`, `srt`, `vtt` and `verbose_json` (segments and/or words by timestamp granularity).
 */
import type {
  TranscriptionModel,
  TranscriptionResult,
  TranscriptionTask,
} from '../../asr/types.js';
import { transcriptWriters, verboseJson } from '../../formats/writers.js';
import type { OpenAiResponseFormat } from './openai-schemas.js';

export interface OpenAiLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface RenderOptions {
  format: OpenAiResponseFormat;
  task: TranscriptionTask;
  granularities: ReadonlySet<'word' | 'segment'>;
  logprobs: boolean;
  tokenText: TranscriptionModel['tokenText'];
}

export interface RenderedBody {
  contentType: string;
  body: string | Record<string, unknown>;
}

/** Per-token log-probabilities of `tokens`, leaving out control tokens. */
export function logprobsOf(
  tokens: readonly number[],
  probabilities: readonly number[],
  tokenText: TranscriptionModel['tokenText'],
): OpenAiLogprob[] {
  if (!tokenText) return [];
  const out: OpenAiLogprob[] = [];
  tokens.forEach((token, index) => {
    const piece = tokenText(token);
    if (!piece) return;
    out.push({
      token: piece.text,
      logprob: Math.log(Math.max(probabilities[index] ?? 0, Number.MIN_VALUE)),
      bytes: [...piece.bytes],
    });
  });
  return out;
}

function usage(result: TranscriptionResult) {
  // OpenAI bills (and reports) whole seconds of input audio.
  return { type: 'duration' as const, seconds: Math.ceil(result.durationS) };
}

export function renderOpenAi(result: TranscriptionResult, options: RenderOptions): RenderedBody {
  const text = result.text.trim();
  switch (options.format) {
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', body: `${text}\n` };
    case 'srt':
    case 'vtt': {
      const writer = transcriptWriters[options.format];
      return { contentType: writer.mimeType, body: writer.write(result, {}) };
    }
    case 'verbose_json': {
      const wantWords = options.granularities.has('word');
      const wantSegments = options.granularities.size === 0 || options.granularities.has('segment');
      const { segments, words, ...rest } = verboseJson(result, {
        task: options.task,
        includeWords: wantWords,
      });
      return {
        contentType: 'application/json; charset=utf-8',
        body: {
          ...rest,
          text,
          ...(wantSegments ? { segments } : {}),
          ...(wantWords ? { words: words ?? [] } : {}),
          usage: usage(result),
        },
      };
    }
    default:
      return {
        contentType: 'application/json; charset=utf-8',
        body: {
          text,
          ...(options.logprobs
            ? {
                logprobs: result.segments.flatMap((segment) =>
                  logprobsOf(segment.tokens, segment.tokenProbs, options.tokenText),
                ),
              }
            : {}),
          usage: usage(result),
        },
      };
  }
}
