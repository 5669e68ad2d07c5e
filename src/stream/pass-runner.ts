/**
 * One pass of a model over a window of the session's audio, giving words on the session's
 * timeline. Passes run at temperature 0 unless the role's options say otherwise (fallback would
 * multiply the cost of a pass that must be fast), always with word timestamps, and with the
 * recently committed text as context.
 */
import { WHISPER_SAMPLE_RATE } from '../dsp/whisper-mel.js';
import type { LivePassConfig } from './live-options.js';
import { type HypothesisWord, hypothesisWords } from './words.js';

export async function runPass(
  config: LivePassConfig,
  samples: Float32Array,
  offsetS: number,
  context: string,
  signal: AbortSignal,
): Promise<HypothesisWord[]> {
  const options = config.options ?? {};
  const prompt = [options.initialPrompt, context].filter((part) => part && part.length > 0);
  const result = await config.model.transcribe(
    { samples, sampleRate: WHISPER_SAMPLE_RATE },
    {
      temperature: 0,
      ...options,
      wordTimestamps: true,
      conditionOnPreviousText: false,
      ...(prompt.length > 0 ? { initialPrompt: prompt.join(' ') } : {}),
      signal,
    },
  );
  return hypothesisWords(result, offsetS);
}
