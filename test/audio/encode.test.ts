import { describe, expect, it } from 'vitest';
import { AUDIO_OUTPUT_FORMATS, encodeAudio, encodeAudioStream } from '../../src/audio/encode.js';
import { loadAudio } from '../../src/audio/load.js';
import { AudioEncodeError } from '../../src/errors.js';
import { amplitudeAt, dominantFrequency, tone } from '../helpers/signals.js';

const EXPECTED_CONTAINER: Record<string, string> = {
  wav: 'wav',
  pcm: 'pcm',
  flac: 'flac',
  mp3: 'mp3',
  opus: 'opus',
  aac: 'aac',
};

describe('encodeAudio', () => {
  it.each(
    AUDIO_OUTPUT_FORMATS.flatMap((format) =>
      [16000, 22050, 24000].map((rate) => [format, rate] as const),
    ),
  )('%s at %i Hz decodes back with the same tone, duration and rate', async (format, rate) => {
    const signal = tone(660, rate, 1.5, 0.5);
    const encoded = await encodeAudio(signal, rate, format);
    expect(encoded.length).toBeGreaterThan(100);
    const decoded = await loadAudio(encoded, {
      sampleRate: 'source',
      ...(format === 'pcm' ? { raw: { sampleRate: rate } } : {}),
    });
    expect(decoded.source.format).toBe(EXPECTED_CONTAINER[format]);
    // Opus always decodes at 48 kHz; every other codec keeps the rate it was given.
    expect(decoded.sampleRate).toBe(format === 'opus' ? 48000 : rate);
    expect(decoded.durationS).toBeGreaterThan(1.49);
    expect(decoded.durationS).toBeLessThan(1.65); // lossy codecs add encoder delay and frame padding
    expect(dominantFrequency(decoded.samples, decoded.sampleRate, [440, 550, 660, 770, 880])).toBe(
      660,
    );
    const middle = Math.round(decoded.sampleRate * 0.2);
    expect(amplitudeAt(decoded.samples, decoded.sampleRate, 660, middle, middle * 6)).toBeCloseTo(
      0.5,
      1,
    );
  });

  it('refuses an unknown format and an impossible rate with audio_unsupported_output', async () => {
    await expect(encodeAudio(new Float32Array(10), 16000, 'ogg' as never)).rejects.toBeInstanceOf(
      AudioEncodeError,
    );
    await expect(encodeAudio(new Float32Array(10), 0, 'wav')).rejects.toMatchObject({
      code: 'audio_unsupported_output',
    });
  });
});

describe('encodeAudioStream', () => {
  it('yields encoded bytes before the input has ended', async () => {
    let released: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      released = resolve;
    });
    let secondBlockRequested = false;
    async function* blocks() {
      yield tone(440, 24000, 2, 0.5);
      secondBlockRequested = true;
      await gate;
      yield tone(440, 24000, 1, 0.5);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of encodeAudioStream(blocks(), 24000, 'mp3')) {
      if (chunks.length === 0) {
        // The first bytes arrived while the second block was still being held back.
        expect(secondBlockRequested).toBe(true);
        released();
      }
      chunks.push(chunk);
    }
    const decoded = await loadAudio(Buffer.concat(chunks), { sampleRate: 'source' });
    expect(decoded.durationS).toBeGreaterThan(2.95);
  });

  it('streams WAV with an open-ended header that loadAudio reads', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of encodeAudioStream(
      [tone(440, 16000, 0.5), tone(440, 16000, 0.5)],
      16000,
      'wav',
    ))
      chunks.push(chunk);
    const decoded = await loadAudio(Buffer.concat(chunks));
    expect(decoded.samples.length).toBe(16000);
  });

  it('stops ffmpeg when the consumer stops reading early', async () => {
    const stream = encodeAudioStream([tone(440, 16000, 30)], 16000, 'flac');
    const first = await stream.next();
    expect(first.done).toBe(false);
    await stream.return(undefined);
    // A second encode works: nothing was left holding resources.
    expect((await encodeAudio(tone(440, 16000, 0.2), 16000, 'flac')).length).toBeGreaterThan(0);
  });

  it('stops reading its input when the consumer stops reading early', async () => {
    // An input that would go on for 100 seconds, one second at a time (as synthesised speech
    // comes sentence by sentence); it reports when it is closed.
    let pulled = 0;
    let closed: () => void = () => {};
    const inputClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    async function* seconds() {
      try {
        for (; pulled < 100; ) {
          pulled++;
          // Each block takes a moment to make, as a sentence does.
          await new Promise((resolve) => setTimeout(resolve, 20));
          yield tone(440, 16000, 1);
        }
      } finally {
        closed();
      }
    }
    let closedFirst = false;
    void inputClosed.then(() => {
      closedFirst = true;
    });
    for await (const _chunk of encodeAudioStream(seconds(), 16000, 'mp3')) break;
    // Leaving the loop returns only once the input is closed: nothing goes on in the background.
    await Promise.resolve();
    expect(closedFirst).toBe(true);
    expect(pulled).toBeLessThan(100);
  });
});
