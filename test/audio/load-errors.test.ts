import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.js';
import { AudioDecodeError } from '../../src/errors.js';
import { ffmpeg } from '../helpers/ffmpeg.js';
import { useTempDir } from '../helpers/tmp.js';
import { writeWav } from '../helpers/wav-writer.js';

const tempDir = useTempDir();
const file = (name: string) => join(tempDir(), name);
const TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=4'];

function randomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function firstHalf(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes.subarray(0, Math.floor(bytes.length / 2));
}

async function failure(promise: Promise<unknown>): Promise<AudioDecodeError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AudioDecodeError);
  const decodeError = error as AudioDecodeError;
  // Every message is a sentence for people, not a stack trace or an ffmpeg dump.
  expect(decodeError.message).not.toMatch(/\n|at .*\.ts:|Conversion failed/);
  return decodeError;
}

beforeAll(async () => {
  await ffmpeg([...TONE, file('tone.flac')]);
  await ffmpeg([...TONE, '-c:a', 'libmp3lame', file('tone.mp3')]);
  await ffmpeg([...TONE, '-c:a', 'aac', file('tone.m4a')]);
  await ffmpeg([...TONE, '-c:a', 'libvorbis', file('tone.ogg')]);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=64x48:rate=10:duration=1',
    '-c:v',
    'libx264',
    file('silent-video.mp4'),
  ]);
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=64x48:rate=1:duration=1',
    '-frames:v',
    '1',
    file('picture.png'),
  ]);
});

describe('loadAudio errors', () => {
  it('reports an empty file, an empty buffer and an empty stream as audio_empty', async () => {
    writeFileSync(file('empty.wav'), '');
    expect((await failure(loadAudio(file('empty.wav')))).code).toBe('audio_empty');
    expect((await failure(loadAudio(Buffer.alloc(0)))).code).toBe('audio_empty');
    const stream = new PassThrough();
    stream.end();
    expect((await failure(loadAudio(stream))).code).toBe('audio_empty');
  });

  it.each(['tone.flac', 'tone.mp3', 'tone.m4a', 'tone.ogg'])(
    'reports the first half of %s as audio_truncated',
    async (name) => {
      const error = await failure(loadAudio(firstHalf(file(name))));
      expect(error.code).toBe('audio_truncated');
      expect(error.status).toBe(400);
    },
  );

  it('decodes what is there in a truncated file when strict truncation is off', async () => {
    const audio = await loadAudio(firstHalf(file('tone.flac')), { strictTruncation: false });
    expect(audio.durationS).toBeGreaterThan(0.5);
    expect(audio.durationS).toBeLessThan(3);
  });

  it('reports garbage after a valid header as audio_corrupt', async () => {
    const header = readFileSync(file('tone.flac')).subarray(0, 100);
    expect((await failure(loadAudio(Buffer.concat([header, randomBytes(40_000, 1)])))).code).toBe(
      'audio_corrupt',
    );
    const mp3Start = readFileSync(file('tone.mp3')).subarray(0, 3000);
    expect((await failure(loadAudio(Buffer.concat([mp3Start, randomBytes(60_000, 2)])))).code).toBe(
      'audio_corrupt',
    );
  });

  it('reports bytes in no known format as audio_unsupported_format (415)', async () => {
    const error = await failure(loadAudio(randomBytes(30_000, 3)));
    expect(error.code).toBe('audio_unsupported_format');
    expect(error.status).toBe(415);
  });

  it('names what a non-audio file is', async () => {
    const png = await failure(loadAudio(file('picture.png')));
    expect(png.code).toBe('audio_unsupported_format');
    expect(png.message).toContain('PNG image');
    const text = await failure(
      loadAudio(
        Buffer.from('{"transcript": "this is JSON, not audio", "words": [1, 2, 3, 4, 5, 6]}'),
      ),
    );
    expect(text.code).toBe('audio_unsupported_format');
  });

  it('reports a video without sound as audio_no_stream', async () => {
    expect((await failure(loadAudio(file('silent-video.mp4')))).code).toBe('audio_no_stream');
  });

  it('reports a missing path and a directory as audio_unreadable', async () => {
    expect((await failure(loadAudio(file('missing.flac')))).code).toBe('audio_unreadable');
    mkdirSync(file('folder.wav'), { recursive: true });
    expect((await failure(loadAudio(file('folder.wav')))).code).toBe('audio_unreadable');
  });

  it('stops a decode that exceeds its deadline with audio_decode_timeout', async () => {
    const error = await failure(loadAudio(file('tone.flac'), { timeoutS: 0.001 }));
    expect(error.code).toBe('audio_decode_timeout');
    expect(error.retryable).toBe(true);
  });

  it('stops waiting on a stream that stalls', async () => {
    const stalled = new PassThrough();
    stalled.write(Buffer.alloc(1000));
    const error = await failure(loadAudio(stalled, { timeoutS: 0.2 }));
    expect(error.code).toBe('audio_decode_timeout');
    expect(stalled.destroyed).toBe(true);
  });

  it('refuses audio longer than the limit, from a WAV header and while decoding', async () => {
    const wav = writeWav([new Float32Array(16000 * 3)], { encoding: 's16', sampleRate: 16000 });
    expect((await failure(loadAudio(wav, { maxDurationS: 2 }))).code).toBe('audio_too_long');
    expect((await failure(loadAudio(file('tone.flac'), { maxDurationS: 2 }))).code).toBe(
      'audio_too_long',
    );
  });

  it('refuses raw PCM that does not fit the stated layout', async () => {
    expect(
      (await failure(loadAudio(Buffer.alloc(1001), { raw: { sampleRate: 16000 } }))).code,
    ).toBe('audio_invalid_pcm');
    expect(
      (await failure(loadAudio(Buffer.alloc(1000), { raw: { sampleRate: 16000, channels: 3 } })))
        .code,
    ).toBe('audio_invalid_pcm');
    expect((await failure(loadAudio(Buffer.alloc(1000), { raw: { sampleRate: 0 } }))).code).toBe(
      'audio_invalid_pcm',
    );
  });

  it('refuses input that is not a path, bytes or a stream', async () => {
    expect((await failure(loadAudio(42 as unknown as string))).code).toBe('audio_unreadable');
  });
});
