import { describe, expect, it } from 'vitest';
import * as earshot from '../../src/index.js';

describe('VAD public API', () => {
  it('exports the VAD functions and classes from the package entry', () => {
    for (const name of [
      'speechTimestamps',
      'speechProbabilities',
      'segmentProbabilities',
      'VadIterator',
      'vadEvents',
      'SileroVad',
      'sileroVadFromConfig',
      'planSpeechChunks',
      'chunkAudio',
      'ChunkTimeline',
      'transcribeSpeechOnly',
      'vadOptionsFromConfig',
    ] as const) {
      expect(typeof earshot[name], name).toBe('function');
    }
    expect(earshot.SILERO_DEFAULTS.threshold).toBe(0.5);
    expect(earshot.SILERO_VERSIONS).toEqual(['v5', 'v6']);
  });
});
