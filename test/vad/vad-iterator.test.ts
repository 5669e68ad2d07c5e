import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../src/models/session-pool.js';
import { SileroVad } from '../../src/vad/silero.js';
import { speechProbabilities, speechTimestamps } from '../../src/vad/speech-timestamps.js';
import { type VadEvent, VadIterator, vadEvents } from '../../src/vad/vad-iterator.js';
import { buildScene, type Scene } from '../helpers/speech-scene.js';
import { interleave } from '../helpers/vad-truth.js';

const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());
const model = new SileroVad({ pool });

const scenes = new Map<number, Scene>();
beforeAll(async () => {
  for (const rate of [16000, 8000, 44100]) {
    scenes.set(
      rate,
      await buildScene(
        interleave((s) => [{ silenceS: s }]),
        rate,
      ),
    );
  }
});

/** Seeded chunk sizes between 1 and `max` samples. */
function* chunkSizes(seed: number, max: number): Generator<number> {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    yield 1 + (state % max);
  }
}

async function streamAll(
  samples: Float32Array,
  sampleRate: number,
  options: { minSpeechDurationMs?: number } = {},
) {
  const iterator = await VadIterator.create({ model, sampleRate, ...options });
  const events: VadEvent[] = [];
  const sizes = chunkSizes(sampleRate, Math.round(sampleRate / 8));
  for (let from = 0; from < samples.length; ) {
    const size = sizes.next().value as number;
    events.push(...(await iterator.push(samples.subarray(from, from + size))));
    from += size;
  }
  events.push(...(await iterator.flush()));
  iterator.close();
  return events;
}

function pairs(events: readonly VadEvent[]) {
  const regions: Array<{ start: number; end: number; startS: number; endS: number }> = [];
  events.forEach((event, i) => {
    expect(event.type).toBe(i % 2 === 0 ? 'speech_start' : 'speech_end');
    if (event.type === 'speech_start') {
      regions.push({ start: event.sample, end: -1, startS: event.time, endS: -1 });
    } else {
      Object.assign(regions.at(-1) as object, { end: event.sample, endS: event.time });
    }
  });
  return regions;
}

describe('VadIterator', () => {
  it.each([16000, 8000, 44100])(
    'streams events that pair up into exactly the batch regions (%i Hz, uneven chunks)',
    async (rate) => {
      const scene = scenes.get(rate) as Scene;
      const events = await streamAll(scene.samples, rate);
      const batch = await speechTimestamps(scene.samples, { model, sampleRate: rate });
      expect(batch.length).toBeGreaterThanOrEqual(scene.truth.length);
      expect(pairs(events)).toEqual(batch);
    },
  );

  it('announces speech in the push holding its first speech frame when no minimum is set', async () => {
    const scene = scenes.get(16000) as Scene;
    const { probabilities } = await speechProbabilities(scene.samples, { model });
    const firstSpeech = probabilities.findIndex((p) => p >= 0.5);
    const iterator = await VadIterator.create({ model, minSpeechDurationMs: 0 });
    let announcedAt = -1;
    for (let frame = 0; announcedAt < 0; frame++) {
      const events = await iterator.push(scene.samples.subarray(frame * 512, (frame + 1) * 512));
      if (events.length > 0) {
        announcedAt = frame;
        expect(events).toEqual([
          { type: 'speech_start', sample: frame * 512 - 480, time: (frame * 512 - 480) / 16000 },
        ]);
        expect(iterator.speaking).toBe(true);
      }
    }
    iterator.close();
    expect(announcedAt).toBe(firstSpeech);
  });

  it('announces the end of speech once the silence has lasted the minimum', async () => {
    const scene = scenes.get(16000) as Scene;
    const iterator = await VadIterator.create({ model });
    const ends: Array<{ sample: number; heardUpTo: number }> = [];
    for (let frame = 0; frame * 512 < scene.samples.length; frame++) {
      for (const event of await iterator.push(
        scene.samples.subarray(frame * 512, (frame + 1) * 512),
      )) {
        if (event.type === 'speech_end')
          ends.push({ sample: event.sample, heardUpTo: (frame + 1) * 512 });
      }
    }
    iterator.close();
    expect(ends.length).toBeGreaterThanOrEqual(scene.truth.length);
    // Raw end + 100 ms of silence (rounded up to whole frames) + one frame, less the 30 ms pad.
    for (const { sample, heardUpTo } of ends)
      expect(heardUpTo - sample).toBeLessThanOrEqual(4 * 512 + 512 - 480);
  });

  it('feeds a pipeline as an async iterable and starts over after reset', async () => {
    const scene = scenes.get(16000) as Scene;
    async function* chunks() {
      for (let from = 0; from < scene.samples.length; from += 3200)
        yield scene.samples.slice(from, from + 3200);
    }
    const fromIterable: VadEvent[] = [];
    for await (const event of vadEvents(chunks(), { model })) fromIterable.push(event);
    expect(pairs(fromIterable)).toEqual(await speechTimestamps(scene.samples, { model }));

    const iterator = await VadIterator.create({ model });
    const first = [...(await iterator.push(scene.samples)), ...(await iterator.flush())];
    iterator.reset();
    const second = [...(await iterator.push(scene.samples)), ...(await iterator.flush())];
    iterator.close();
    expect(second).toEqual(first);
    expect(first).toEqual(fromIterable);
  });

  it('rejects bad options when created', async () => {
    await expect(VadIterator.create({ model, threshold: -1 })).rejects.toMatchObject({
      code: 'invalid_parameter',
    });
  });
});
