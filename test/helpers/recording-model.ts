import type { SpeechModel } from '../../src/tts/speech-model.js';

/** The real engine, recording in `events` when each segment's synthesis starts and ends. */
export function recording(inner: SpeechModel, events: string[]): SpeechModel {
  return {
    specificationVersion: inner.specificationVersion,
    provider: inner.provider,
    modelId: inner.modelId,
    sampleRate: inner.sampleRate,
    defaultVoice: inner.defaultVoice,
    speedRange: inner.speedRange,
    maxSegmentChars: inner.maxSegmentChars,
    voices: () => inner.voices(),
    resolveVoice: (voice) => inner.resolveVoice(voice),
    doSynthesize: async (options) => {
      events.push(`start ${options.text}`);
      const result = await inner.doSynthesize(options);
      events.push(`end ${options.text}`);
      return result;
    },
  };
}
