import { Readable } from 'node:stream';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, test } from 'vitest';
import { floatToS16le } from '../../src/audio/wav.js';
import { EarshotError } from '../../src/errors.js';
import { LiveAudioBuffer } from '../../src/stream/audio-buffer.js';
import { AudioPush, pacedAudio, pcmAudio } from '../../src/stream/sources.js';
import { amplitudeAt, tone } from '../helpers/signals.js';
import { VirtualTime } from '../helpers/virtual-time.js';

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

describe('paced audio', () => {
  test('each chunk is emitted when its last sample has happened, at the chosen speed', async () => {
    const time = new VirtualTime();
    const samples = Float32Array.from({ length: 16_000 + 800 }, (_, i) => i / 20_000);
    const arrivals: Array<[number, number]> = [];
    const chunks = await time.run(
      lastValueFrom(
        pacedAudio(samples, { chunkMs: 100, scheduler: time.scheduler }).pipe(toArray()),
      ),
    );
    expect(concat(chunks)).toEqual(samples);
    expect(chunks.map((chunk) => chunk.length)).toEqual([...Array(10).fill(1600), 800]);

    const fast = new VirtualTime();
    await fast.run(
      new Promise<void>((resolve) =>
        pacedAudio(samples, { chunkMs: 100, speed: 4, scheduler: fast.scheduler }).subscribe({
          next: (chunk) => arrivals.push([fast.now(), chunk.length]),
          complete: resolve,
        }),
      ),
    );
    expect(arrivals[0]).toEqual([25, 1600]);
    expect(arrivals.at(-1)).toEqual([262.5, 800]);
  });

  test('bad pacing options are refused with a typed error', () => {
    expect(() => pacedAudio(new Float32Array(10), { speed: 0 })).toThrow(EarshotError);
  });
});

describe('raw PCM from a byte stream', () => {
  test('bytes split anywhere, even inside a frame, decode to the same samples', async () => {
    const samples = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i / 7) * 0.5);
    const bytes = floatToS16le(samples);
    const pieces = [bytes.subarray(0, 3), bytes.subarray(3, 1001), bytes.subarray(1001)];
    const chunks = await lastValueFrom(
      pcmAudio(Readable.from(pieces), { sampleRate: 16_000 }).pipe(toArray()),
    );
    const decoded = concat(chunks);
    expect(decoded.length).toBe(samples.length);
    for (let i = 0; i < samples.length; i += 97) {
      expect(decoded[i]).toBeCloseTo(samples[i] as number, 4);
    }
  });

  test('stereo is averaged to mono and 8 kHz is resampled to 16 kHz', async () => {
    const left = tone(440, 8000, 1, 0.4);
    const stereo = new Float32Array(left.length * 2);
    for (let i = 0; i < left.length; i++) {
      stereo[2 * i] = left[i] as number;
      stereo[2 * i + 1] = 0;
    }
    const chunks = await lastValueFrom(
      pcmAudio(Readable.from([floatToS16le(stereo)]), { sampleRate: 8000, channels: 2 }).pipe(
        toArray(),
      ),
    );
    const mono = concat(chunks);
    expect(mono.length).toBe(16_000);
    expect(amplitudeAt(mono, 16_000, 440, 2000, 14_000)).toBeCloseTo(0.2, 2);
  });

  test('a stream that ends inside a frame fails with audio_invalid_pcm', async () => {
    const result = lastValueFrom(
      pcmAudio(Readable.from([new Uint8Array(5)]), { sampleRate: 16_000 }),
    );
    await expect(result).rejects.toMatchObject({ code: 'audio_invalid_pcm' });
    await expect(
      lastValueFrom(pcmAudio(Readable.from([new Uint8Array(2)]), { sampleRate: 12 })),
    ).rejects.toMatchObject({ code: 'audio_invalid_pcm' });
  });
});

describe('pushed audio', () => {
  test('pushed samples and PCM come out at 16 kHz, and end completes the stream', async () => {
    const push = new AudioPush(48_000);
    const collected = lastValueFrom(push.audio$.pipe(toArray()));
    push.push(tone(1000, 48_000, 0.5, 0.5));
    push.end();
    const mono = concat(await collected);
    expect(mono.length).toBe(8000);
    expect(amplitudeAt(mono, 16_000, 1000, 1000, 7000)).toBeCloseTo(0.5, 2);

    const pcm = new AudioPush();
    const fromPcm = lastValueFrom(pcm.audio$.pipe(toArray()));
    const bytes = floatToS16le(tone(500, 24_000, 0.1, 0.3));
    pcm.pushPcm(bytes.subarray(0, 101), { sampleRate: 24_000 });
    pcm.pushPcm(bytes.subarray(101), { sampleRate: 24_000 });
    pcm.end();
    expect(concat(await fromPcm).length).toBe(1600);
  });

  test('a bad push fails the stream with a typed error', async () => {
    const push = new AudioPush();
    const collected = lastValueFrom(push.audio$);
    push.pushPcm(new Uint8Array(4), { sampleRate: 5 });
    await expect(collected).rejects.toMatchObject({ code: 'audio_invalid_pcm' });
  });
});

describe('live audio buffer', () => {
  test('keeps absolute sample positions through trims, and reuses its storage', () => {
    const buffer = new LiveAudioBuffer(1000);
    const ramp = (from: number, length: number) =>
      Float32Array.from({ length }, (_, i) => from + i);
    let written = 0;
    for (let round = 0; round < 200; round++) {
      buffer.append(ramp(written, 300));
      written += 300;
      buffer.trimTo(written - 700);
    }
    expect(buffer.end).toBe(written);
    expect(buffer.start).toBe(written - 700);
    expect(buffer.capacity).toBe(1000);
    expect(buffer.slice(written - 10, written + 50)).toEqual(ramp(written - 10, 10));
    expect(buffer.slice(0, buffer.start + 2)).toEqual(ramp(buffer.start, 2));
    buffer.append(ramp(written, 5000));
    expect(buffer.capacity).toBeGreaterThanOrEqual(5700);
    expect(buffer.slice(written + 4990, written + 5000)).toEqual(ramp(written + 4990, 10));
  });
});
