/**
 * Speech timestamps on real speech (eSpeak NG) placed at known times between silences and noise,
 * and on long stretches of audio without speech.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../src/models/session-pool.js';
import { SileroVad } from '../../src/vad/silero.js';
import { speechProbabilities, speechTimestamps } from '../../src/vad/speech-timestamps.js';
import { noise, tone } from '../helpers/signals.js';
import { buildScene, type Scene } from '../helpers/speech-scene.js';
import { boundaryProblems, interleave, WITHIN_100_MS } from '../helpers/vad-truth.js';

const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());
const v5 = new SileroVad({ pool, version: 'v5' });
const v6 = new SileroVad({ pool, version: 'v6' });

const silences = (rate: number) =>
  buildScene(
    interleave((s) => [{ silenceS: s }]),
    rate,
  );

let inSilence: Scene;
beforeAll(async () => {
  inSilence = await silences(16000);
});

describe('speechTimestamps on speech at known places', () => {
  it('finds every utterance between silences, boundaries within ±100 ms', async () => {
    const found = await speechTimestamps(inSilence.samples, { model: v5 });
    expect(boundaryProblems(found, inSilence.truth, WITHIN_100_MS)).toEqual([]);
    expect(found.length).toBeGreaterThanOrEqual(inSilence.truth.length);
    for (const region of found) {
      expect(region.startS).toBe(region.start / 16000);
      expect(region.endS).toBe(region.end / 16000);
    }
  });

  it('finds every utterance between stretches of white noise and reports none of the noise', async () => {
    // Gaps of silence, white noise (−35 dBFS RMS) and silence again, of known lengths.
    const scene = await buildScene(
      interleave((s, i) => [
        { silenceS: 0.25 },
        { noiseS: s + 1, amplitude: 0.03, seed: i + 1 },
        { silenceS: 0.25 },
      ]),
    );
    const found = await speechTimestamps(scene.samples, { model: v5 });
    expect(boundaryProblems(found, scene.truth, WITHIN_100_MS)).toEqual([]);
  });

  it('runs 8 kHz audio at 8 kHz and finds the same utterances', async () => {
    const scene = await silences(8000);
    const found = await speechTimestamps(scene.samples, { model: v5, sampleRate: 8000 });
    expect(boundaryProblems(found, scene.truth, WITHIN_100_MS)).toEqual([]);
    expect(found.every((region) => region.startS === region.start / 8000)).toBe(true);
  });

  it('resamples 44.1 kHz audio for the model and answers on the 44.1 kHz sample grid', async () => {
    const scene = await silences(44100);
    const found = await speechTimestamps(scene.samples, { model: v5, sampleRate: 44100 });
    expect(boundaryProblems(found, scene.truth, WITHIN_100_MS)).toEqual([]);
    const at16k = await speechTimestamps(inSilence.samples, { model: v5 });
    expect(found.map((region) => region.start)).toEqual(
      at16k.map((region) => Math.round((region.start * 44100) / 16000)),
    );
    expect(found.at(-1)?.end).toBeLessThanOrEqual(scene.samples.length);
  });

  it('runs v6, which finds every utterance and ends regions a little later', async () => {
    const found = await speechTimestamps(inSilence.samples, { model: v6 });
    expect(
      boundaryProblems(found, inSilence.truth, { startS: 0.1, lateEndS: 0.2, earlyEndS: 0.1 }),
    ).toEqual([]);
  });

  it('extends a region into white noise that follows it directly, by under half a second', async () => {
    // Silero's probability decays over several frames when speech runs straight into noise
    // (−45 dBFS here), so ends come late; starts stay within ±100 ms.
    const scene = await buildScene(
      interleave((s, i) => [{ noiseS: s, amplitude: 0.01, seed: i + 1 }]),
    );
    const found = await speechTimestamps(scene.samples, { model: v5 });
    expect(
      boundaryProblems(found, scene.truth, { startS: 0.1, lateEndS: 0.5, earlyEndS: 0.1 }),
    ).toEqual([]);
  });
});

describe('speechTimestamps on audio without speech', () => {
  const thirty = 30 * 16000;
  const signals: Array<[string, () => Float32Array]> = [
    ['silence', () => new Float32Array(thirty)],
    ['quiet white noise', () => noise(thirty, 0.01, 3)],
    ['white noise', () => noise(thirty, 0.1, 4)],
    ['loud white noise', () => noise(thirty, 0.5, 5)],
    ['a steady 100 Hz tone', () => tone(100, 16000, 30, 0.3)],
    ['a steady 440 Hz tone', () => tone(440, 16000, 30, 0.3)],
    ['a steady 1 kHz tone', () => tone(1000, 16000, 30, 0.3)],
    ['a loud steady 220 Hz tone', () => tone(220, 16000, 30, 0.9)],
  ];

  it.each(signals)('reports no speech in 30 s of %s', async (_name, make) => {
    const samples = make();
    expect(await speechTimestamps(samples, { model: v5 })).toEqual([]);
    expect(await speechTimestamps(samples, { model: v6 })).toEqual([]);
  });

  it('returns nothing for empty audio and scores a partial last frame', async () => {
    expect(await speechTimestamps(new Float32Array(0), { model: v5 })).toEqual([]);
    const scores = await speechProbabilities(new Float32Array(1000), { model: v5 });
    expect(scores.probabilities).toHaveLength(2);
    expect(scores.totalSamples).toBe(1000);
  });

  it('rejects bad options before running the model', async () => {
    const samples = new Float32Array(16000);
    for (const options of [{ threshold: 2 }, { sampleRate: 0 }, { sampleRate: 22050.5 }]) {
      await expect(speechTimestamps(samples, { model: v5, ...options })).rejects.toMatchObject({
        code: 'invalid_parameter',
      });
    }
  });
});
