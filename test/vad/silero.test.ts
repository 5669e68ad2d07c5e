import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resample.js';
import { loadConfig } from '../../src/config/index.js';
import { decodeOnnx } from '../../src/models/onnx-proto.js';
import { SessionPool } from '../../src/models/session-pool.js';
import {
  packagedSileroPath,
  SileroVad,
  type SileroVersion,
  sileroVadFromConfig,
} from '../../src/vad/silero.js';
import { buildSileroSequence, verifySileroSequence } from '../../src/vad/silero-graph.js';
import { speak } from '../helpers/espeak.js';
import { useTempDir } from '../helpers/tmp.js';

const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());
const tempDir = useTempDir();

let speech: Float32Array;
beforeAll(async () => {
  const spoken = (await speak('Morning meetings start at nine')).samples;
  // Half a second of silence, the sentence, half a second of silence.
  speech = new Float32Array(spoken.length + 16000);
  speech.set(spoken, 8000);
});

/** Consecutive frames of `samples` (the tail that does not fill a frame is left out). */
function frames(samples: Float32Array, size: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let from = 0; from + size <= samples.length; from += size)
    out.push(samples.subarray(from, from + size));
  return out;
}

/**
 * Silero's ONNX wrapper written out independently: each frame is fed with the previous
 * `context` samples in front, and the state returned by one call goes into the next.
 */
async function reference(
  path: string,
  input: Float32Array[],
  sampleRate: number,
  context: number,
): Promise<number[]> {
  const session = await InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  let state: Tensor = new Tensor('float32', new Float32Array(256), [2, 1, 128]);
  let previous = new Float32Array(context);
  const out: number[] = [];
  for (const frame of input) {
    const x = new Float32Array(context + frame.length);
    x.set(previous);
    x.set(frame, context);
    const result = await session.run({
      input: new Tensor('float32', x, [1, x.length]),
      state,
      sr: new Tensor('int64', BigInt64Array.of(BigInt(sampleRate)), []),
    });
    out.push((result['output'] as Tensor).data[0] as number);
    state = result['stateN'] as Tensor;
    previous = x.slice(x.length - context);
  }
  await session.release();
  return out;
}

function largestDifference(a: readonly number[], b: readonly number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((value, i) => Math.abs(value - (b[i] as number))));
}

async function scoreAll(model: SileroVad, sampleRate: number, input: Float32Array[]) {
  const scorer = await model.open(sampleRate);
  try {
    const out: number[] = [];
    for (const frame of input) out.push(await scorer.score(frame));
    return out;
  } finally {
    scorer.close();
  }
}

describe('Silero VAD model', () => {
  it.each(['v5', 'v6'] as const)(
    'loads %s from the @ricky0123/vad-web package and scores speech high and silence low',
    async (version: SileroVersion) => {
      const path = packagedSileroPath(version);
      expect(path).toMatch(
        new RegExp(`@ricky0123[/\\\\]vad-web[/\\\\]dist[/\\\\]silero_vad_${version}\\.onnx$`),
      );
      expect(existsSync(path)).toBe(true);
      const model = new SileroVad({ pool, version });
      expect(model.id).toBe(`silero-${version}`);
      const scores = await scoreAll(model, 16000, frames(speech, 512));
      const silence = scores.slice(0, 14); // the first 0.45 s
      expect(Math.max(...silence)).toBeLessThan(0.1);
      expect(Math.max(...scores)).toBeGreaterThan(0.9);
    },
  );

  it.each(['v5', 'v6'] as const)(
    "gives the published %s graph's probabilities, 64 samples of context and the state carried (16 kHz)",
    async (version) => {
      const input = frames(speech, 512);
      const expected = await reference(packagedSileroPath(version), input, 16000, 64);
      const scores = await scoreAll(new SileroVad({ pool, version }), 16000, input);
      expect(largestDifference(scores, expected)).toBeLessThan(5e-5);
    },
  );

  it.each(['v5', 'v6'] as const)(
    'runs 8 kHz audio natively with %s: 256-sample frames with 32 samples of context',
    async (version) => {
      const input = frames(resample(speech, 16000, 8000), 256);
      const model = new SileroVad({ pool, version });
      expect(model.frameSize(8000)).toBe(256);
      const expected = await reference(packagedSileroPath(version), input, 8000, 32);
      const scores = await scoreAll(model, 8000, input);
      expect(largestDifference(scores, expected)).toBeLessThan(5e-5);
      expect(Math.max(...scores)).toBeGreaterThan(0.9);
    },
  );

  it('gives the same probabilities however the frames are grouped into calls', async () => {
    const audio = speech.subarray(0, Math.floor(speech.length / 512) * 512);
    const model = new SileroVad({ pool });
    const oneByOne = await scoreAll(model, 16000, frames(audio, 512));
    const scorer = await model.open(16000);
    try {
      const grouped: number[] = [];
      for (let from = 0; from < audio.length; from += 7 * 512)
        grouped.push(...(await scorer.scoreFrames(audio.subarray(from, from + 7 * 512))));
      scorer.reset();
      const all = Array.from(await scorer.scoreFrames(audio));
      expect(grouped).toEqual(oneByOne);
      expect(all).toEqual(oneByOne);
    } finally {
      scorer.close();
    }
  });

  it('starts over after reset and serves overlapping calls in call order', async () => {
    const input = frames(speech, 512).slice(0, 60);
    const scorer = await new SileroVad({ pool }).open(16000);
    try {
      const sequential: number[] = [];
      for (const frame of input) sequential.push(await scorer.score(frame));
      scorer.reset();
      // All calls issued at once, from one reused buffer: each must see its own frame.
      const buffer = new Float32Array(512);
      const overlapping = input.map((frame) => {
        buffer.set(frame);
        return scorer.score(buffer);
      });
      expect(await Promise.all(overlapping)).toEqual(sequential);
    } finally {
      scorer.close();
    }
  });

  it('runs a Silero file from a path the user gives', async () => {
    const path = join(tempDir(), 'my-silero.onnx');
    copyFileSync(packagedSileroPath('v5'), path);
    const model = new SileroVad({ pool, path });
    expect(model.id).toBe(`silero:${path}`);
    const input = frames(speech, 512).slice(0, 40);
    expect(await scoreAll(model, 16000, input)).toEqual(
      await scoreAll(new SileroVad({ pool, version: 'v5' }), 16000, input),
    );
  });

  it('is chosen by the vad configuration section', () => {
    const config = loadConfig({ env: { EARSHOT_VAD_MODEL: 'v6' } }).config;
    expect(sileroVadFromConfig(config, pool).id).toBe('silero-v6');
    const custom = loadConfig({ env: { EARSHOT_VAD_MODEL_PATH: '/models/vad.onnx' } }).config;
    expect(sileroVadFromConfig(custom, pool).path).toBe('/models/vad.onnx');
  });
});

describe('Silero VAD errors', () => {
  const code = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );

  it('refuses frames of the wrong length, unsupported rates and unknown versions', async () => {
    const model = new SileroVad({ pool });
    const scorer = await model.open(16000);
    expect(await code(scorer.score(new Float32Array(480)))).toBe('invalid_parameter');
    scorer.close();
    expect(await code(scorer.score(new Float32Array(512)))).toBe('invalid_request');
    expect(await code(model.open(44100))).toBe('invalid_parameter');
    expect(() => new SileroVad({ pool, version: 'v7' as SileroVersion })).toThrowError(
      expect.objectContaining({ code: 'invalid_parameter' }),
    );
  });

  it('refuses audio that is not a whole number of frames', async () => {
    const scorer = await new SileroVad({ pool }).open(16000);
    expect(await code(scorer.scoreFrames(new Float32Array(1000)))).toBe('invalid_parameter');
    expect(Array.from(await scorer.scoreFrames(new Float32Array(0)))).toEqual([]);
    scorer.close();
  });

  it('reports a file that is not ONNX', async () => {
    const path = join(tempDir(), 'not-a-model.onnx');
    writeFileSync(path, 'this is not a model');
    expect(await code(new SileroVad({ pool, path }).load())).toBe('model_corrupt');
  });

  it('refuses a rebuilt graph that does not reproduce the file', async () => {
    // v6 weights checked against the v5 file: the networks differ, so verification must fail.
    const v5 = readFileSync(packagedSileroPath('v5'));
    const v6 = decodeOnnx(readFileSync(packagedSileroPath('v6')), 'v6');
    const framing = { sampleRate: 16000, frame: 512, context: 64 };
    const wrong = buildSileroSequence(v6, framing, 'v6');
    const reference = await InferenceSession.create(v5);
    try {
      expect(await code(verifySileroSequence(reference, wrong, framing, 'v5'))).toBe(
        'model_contract_mismatch',
      );
    } finally {
      await reference.release();
    }
  });

  it('reports a missing file and a model with other inputs (the legacy h/c export)', async () => {
    const missing = new SileroVad({ pool, path: join(tempDir(), 'absent.onnx') });
    expect(await code(missing.load())).toBe('model_file_missing');
    const legacy = join(dirname(packagedSileroPath('v5')), 'silero_vad_legacy.onnx');
    const error = await new SileroVad({ pool, path: legacy }).open(16000).then(
      () => null,
      (caught: { code: string; message: string }) => caught,
    );
    expect(error?.code).toBe('model_contract_mismatch');
    expect(error?.message).toContain('missing input state');
  });
});
