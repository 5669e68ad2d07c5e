/**
 * Voice activity detection as the live pipeline's endpoint detector: the streaming `VadIterator`
 * already speaks `speech_start` / `speech_end` with sample offsets, so the adapter only chooses
 * live-friendly timing. Batch segmentation ends speech after 100 ms of silence; live transcription
 * would then close an utterance at every pause between words, so an utterance ends only after
 * `endpointSilenceMs` (default 500 ms).
 */
import { VadIterator } from '../vad/vad-iterator.js';
import type { VadModel } from '../vad/vad-model.js';
import type { VadOptions } from '../vad/vad-options.js';
import type { EndpointDetector } from './endpoints.js';

export interface VadEndpointOptions extends VadOptions {
  /** Silence that ends an utterance, in ms. Default 500. */
  endpointSilenceMs?: number;
}

/** An endpoint detector for 16 kHz audio on `model` (Silero, or any `VadModel`). */
export function vadEndpoints(
  model: VadModel,
  options: VadEndpointOptions = {},
): Promise<EndpointDetector> {
  const { endpointSilenceMs, ...vad } = options;
  return VadIterator.create({
    ...vad,
    model,
    sampleRate: 16_000,
    minSilenceDurationMs: endpointSilenceMs ?? 500,
  });
}
