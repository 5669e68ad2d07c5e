import { describe, expect, it } from 'vitest';
import {
  ChunkTimeline,
  chunkAudio,
  planSpeechChunks,
  SILERO_DEFAULTS,
  SILERO_VERSIONS,
  SileroVad,
  segmentProbabilities,
  sileroVadFromConfig,
  speechProbabilities,
  speechTimestamps,
  transcribeSpeechOnly,
  VadIterator,
  vadEvents,
  vadOptionsFromConfig,
} from '../../src/index.js';

describe('VAD public API', () => {
  it('exports the VAD functions and classes from the package entry', () => {
    const exported = {
      speechTimestamps,
      speechProbabilities,
      segmentProbabilities,
      VadIterator,
      vadEvents,
      SileroVad,
      sileroVadFromConfig,
      planSpeechChunks,
      chunkAudio,
      ChunkTimeline,
      transcribeSpeechOnly,
      vadOptionsFromConfig,
    };
    for (const [name, value] of Object.entries(exported))
      expect(typeof value, name).toBe('function');
    expect(SILERO_DEFAULTS.threshold).toBe(0.5);
    expect(SILERO_VERSIONS).toEqual(['v5', 'v6']);
  });
});
