/**
 * One pass of a model over a window of the session's audio, giving words on the session's
 * timeline. Passes run at temperature 0 and without timestamp tokens unless the role's options
 * say otherwise (fallback would multiply the cost of a pass that must be fast), always with word
 * timestamps and exactly one decoding window, and with the committed text before the window as
 * context. Drafts see only their audio, not a 30-second window (`audioContext: 'content'`): they
 * must be fast, and the confirm pass corrects what that costs in accuracy.
 */
import type { TranscribeOptions } from '../asr/types.js';
import { WHISPER_SAMPLE_RATE } from '../dsp/whisper-mel.js';
import type { LivePassConfig } from './live-options.js';
import { type HypothesisWord, hypothesisWords } from './words.js';

/** Per-role defaults, under the role's own options. */
const ROLE_DEFAULTS: Record<PassRole, TranscribeOptions> = {
  draft: { audioContext: 'content' },
  confirm: { audioContext: 'full' },
};

export type PassRole = 'draft' | 'confirm';

export async function runPass(
  config: LivePassConfig,
  role: PassRole,
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
      // Text only: with timestamps Whisper drops the unfinished last segment, which here is the
      // newest speech, the part a live pass is for.
      withoutTimestamps: true,
      ...ROLE_DEFAULTS[role],
      ...options,
      wordTimestamps: true,
      // One window per pass: the next pass covers the audio after the last word anyway.
      resumeAtLastWord: false,
      conditionOnPreviousText: false,
      ...(prompt.length > 0 ? { initialPrompt: prompt.join(' ') } : {}),
      signal,
    },
  );
  return hypothesisWords(result, offsetS);
}
