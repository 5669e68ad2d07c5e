import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscribeOptions } from '../../src/asr/types.js';
import { WhisperModel } from '../../src/asr/whisper/whisper-model.js';
import { loadAudio } from '../../src/audio/load.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { offlineStore, singleThreadPool } from '../helpers/local-models.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir('earshot-resume-');
const pool = singleThreadPool();
let model: WhisperModel;
let jfk: Float32Array;

beforeAll(async () => {
  jfk = (await loadAudio(JFK_FLAC)).samples;
  const folder = writeWhisperFixture(join(tempDir(), 'random'), { dims: 'test', seed: 3 }).folder;
  const store = offlineStore(tempDir());
  model = await WhisperModel.load(await store.resolve(folder, { kind: 'whisper' }), pool);
});

afterAll(async () => {
  await model.close();
  await pool.close();
});

describe('where the next window starts after word timestamps', () => {
  // With these random weights (seed 3) the words' alignment ends well before the audio does.
  const options: TranscribeOptions = {
    language: 'en',
    temperature: 0,
    withoutTimestamps: true,
    minNewTokens: 4,
    maxNewTokens: 6,
    noSpeechThreshold: null,
    wordTimestamps: true,
  };

  it('resumes at the last word by default, as OpenAI does, and by whole windows when asked', async () => {
    const audio = { samples: jfk, sampleRate: 16_000 };
    const resumed = await model.transcribe(audio, options);
    const lastWordEnd = resumed.segments[0]?.words?.at(-1)?.end ?? Number.NaN;
    expect(lastWordEnd).toBeLessThan(10);
    expect(resumed.segments.length).toBeGreaterThan(1);
    expect(resumed.segments[1]?.seek).toBe(Math.round(lastWordEnd * 100));

    const once = await model.transcribe(audio, { ...options, resumeAtLastWord: false });
    expect(once.segments.map((segment) => segment.seek)).toEqual([0]);
    expect(once.segments[0]?.text).toBe(resumed.segments[0]?.text);
  });
});
