import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTranscriptionModel } from '../../src/asr/load-model.js';
import type { TranscriptionModel, TranscriptionSegment } from '../../src/asr/types.js';
import { loadAudio } from '../../src/audio/load.js';
import type { ModelStore } from '../../src/models/model-store.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { offlineStore, singleThreadPool } from '../helpers/local-models.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir('earshot-worker-model-');
const pool = singleThreadPool();
let folder: string;
let store: ModelStore;
let inThread: TranscriptionModel;
let inWorker: TranscriptionModel;
let jfk: Float32Array;

const budget = {
  language: 'en',
  temperature: 0,
  maxNewTokens: 12,
  compressionRatioThreshold: null,
  logprobThreshold: null,
  noSpeechThreshold: null,
} as const;

beforeAll(async () => {
  jfk = (await loadAudio(JFK_FLAC)).samples;
  folder = writeWhisperFixture(join(tempDir(), 'random'), { seed: 4 }).folder;
  store = offlineStore(tempDir());
  const open = (worker: boolean) =>
    openTranscriptionModel(folder, { dtype: 'fp32', store, pool, inWorker: worker });
  inThread = await open(false);
  inWorker = await open(true);
});

afterAll(async () => {
  await Promise.all([inThread?.close(), inWorker?.close()]);
  await pool.close();
});

describe('a Whisper model in a worker thread', () => {
  it('transcribes to the same tokens as the model on the calling thread', async () => {
    const audio = { samples: jfk, sampleRate: 16_000 };
    const segments: TranscriptionSegment[] = [];
    const [here, there] = await Promise.all([
      inThread.transcribe(audio, { ...budget, wordTimestamps: true }),
      inWorker.transcribe(audio, {
        ...budget,
        wordTimestamps: true,
        onSegment: (segment) => segments.push(segment),
      }),
    ]);
    expect(inWorker.provider).toBe('whisper-onnx-worker');
    expect(there.segments.map((s) => s.tokens)).toEqual(here.segments.map((s) => s.tokens));
    expect(there.segments.flatMap((s) => s.words ?? [])).toEqual(
      here.segments.flatMap((s) => s.words ?? []),
    );
    expect(segments.map((s) => s.text)).toEqual(there.segments.map((s) => s.text));
    // Token texts come from the tokenizer on this side.
    const token = there.segments[0]?.tokens.find((t) => inWorker.tokenText?.(t));
    expect(inWorker.tokenText?.(token as number)).toEqual(inThread.tokenText?.(token as number));
    // The caller's samples are not moved to the worker.
    expect(audio.samples.length).toBe(jfk.length);
  });

  it('detects the language as the model on the calling thread does', async () => {
    const audio = { samples: jfk, sampleRate: 16_000 };
    const there = await inWorker.detectLanguage(audio);
    expect(there).toEqual(await inThread.detectLanguage(audio));
  });

  it('keeps error codes across the thread boundary and goes on serving', async () => {
    const audio = { samples: jfk.subarray(0, 16_000), sampleRate: 16_000 };
    await expect(inWorker.transcribe(audio, { beamSize: 0 })).rejects.toMatchObject({
      code: 'invalid_parameter',
      status: 400,
    });
    expect((await inWorker.transcribe(audio, budget)).durationS).toBeCloseTo(1, 3);
  });

  it('rejects at once with the reason when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = inWorker.transcribe(
      { samples: jfk, sampleRate: 16_000 },
      { ...budget, signal: controller.signal },
    );
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    expect((await inWorker.transcribe({ samples: jfk, sampleRate: 16_000 }, budget)).text).toBe(
      (await inThread.transcribe({ samples: jfk, sampleRate: 16_000 }, budget)).text,
    );
  });

  it("reports a model that cannot be loaded with the engine's error", async () => {
    const broken = writeWhisperFixture(join(tempDir(), 'broken'), { seed: 5 }).folder;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(broken, 'onnx', 'encoder_model.onnx'), 'not a model');
    await expect(
      openTranscriptionModel(broken, { dtype: 'fp32', store, pool, inWorker: true }),
    ).rejects.toMatchObject({ code: 'model_corrupt' });
  });

  it('refuses work once closed', async () => {
    const model = await openTranscriptionModel(folder, {
      dtype: 'fp32',
      store,
      pool,
      inWorker: true,
    });
    await model.close();
    await expect(
      model.transcribe({ samples: jfk.subarray(0, 16_000), sampleRate: 16_000 }, budget),
    ).rejects.toMatchObject({ code: 'model_load_failed' });
  });
});
