/**
 * Transcription with `vad`: voice activity detection finds the speech, only the speech is
 * transcribed (in chunks of up to 30 s), and every time comes back on the original timeline.
 * Engine independent: it works over any function that transcribes samples, so every
 * `TranscriptionModel` gets the option the same way.
 */

import { transcribeSpeechOnly } from '../vad/transcribe-speech-only.js';
import type { VadModel } from '../vad/vad-model.js';
import type { VadOptions } from '../vad/vad-options.js';
import type { TranscribeOptions, TranscriptionResult, TranscriptionSegment } from './types.js';

/** What `vad: { … }` accepts: the VAD's rules and how speech is grouped into chunks. */
export interface VadTranscribeOptions extends VadOptions {
  /** Longest chunk in seconds. Default 30. */
  maxChunkS?: number;
  /** Audio kept around each speech region in a chunk, in ms. Default 200. */
  chunkPadMs?: number;
}

type Transcribe = (
  samples: Float32Array,
  options: TranscribeOptions,
) => Promise<TranscriptionResult>;

/**
 * Runs `transcribe` on the speech chunks of 16 kHz `samples`. The language is detected once (on
 * the first chunk) and kept for the others; with `conditionOnPreviousText` each chunk gets the
 * previous chunk's text as its prompt.
 */
export async function transcribeSpeechWithVad(
  samples: Float32Array,
  options: TranscribeOptions,
  vad: VadModel,
  transcribe: Transcribe,
): Promise<TranscriptionResult> {
  const vadOptions: VadTranscribeOptions = typeof options.vad === 'object' ? options.vad : {};
  const { vad: _vad, onProgress, onSegment, ...chunkOptions } = options;
  let language: string | null = options.language ?? null;
  let languageProbs: TranscriptionResult['languageProbs'] = null;
  let previousText = options.initialPrompt ?? '';
  const warnings = new Set<string>();
  let wordTimestampMethod: TranscriptionResult['wordTimestampMethod'];
  const totalS = samples.length / 16_000;
  const transcript = await transcribeSpeechOnly<TranscriptionSegment>(
    samples,
    { ...vadOptions, model: vad, sampleRate: 16_000 },
    async (chunkSamples, chunk) => {
      const result = await transcribe(chunkSamples, {
        ...chunkOptions,
        language,
        ...(previousText && (options.conditionOnPreviousText ?? true)
          ? { initialPrompt: previousText }
          : {}),
        // Progress on the original timeline: where the chunk has got to in the file.
        ...(onProgress
          ? {
              onProgress: ({ doneS }) =>
                onProgress({ doneS: chunk.timeline.span(doneS, doneS).start, totalS }),
            }
          : {}),
        ...(onSegment
          ? {
              onSegment: (segment) =>
                onSegment({ ...segment, ...chunk.timeline.span(segment.start, segment.end) }),
            }
          : {}),
      });
      if (language === null) {
        language = result.language;
        languageProbs = result.languageProbs;
      }
      previousText = result.text;
      for (const warning of result.warnings) warnings.add(warning);
      wordTimestampMethod ??= result.wordTimestampMethod;
      return result;
    },
  );
  onProgress?.({ doneS: totalS, totalS });
  const segments = transcript.segments.map((segment, id) => ({
    ...segment,
    id,
    // The window's start on the original timeline, in mel frames (100 per second).
    seek: Math.round(segment.start * 100),
  }));
  return {
    text: segments.map((segment) => segment.text).join(''),
    language: language ?? options.language ?? 'en',
    languageProbs,
    durationS: transcript.durationS,
    segments,
    ...(wordTimestampMethod ? { wordTimestampMethod } : {}),
    speech: transcript.speech.map((region) => ({ start: region.startS, end: region.endS })),
    warnings: [...warnings],
  };
}
