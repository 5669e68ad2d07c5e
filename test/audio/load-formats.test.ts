import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.js';
import { ffmpeg } from '../helpers/ffmpeg.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { amplitudeAt, dominantFrequency } from '../helpers/signals.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();
const CANDIDATES = [220, 330, 440, 660, 880, 1000];
/** Stereo test tone: 440 Hz left and right, 2 s, 44.1 kHz. */
const TONE = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2', '-ac', '2'];
const VIDEO = ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=2'];

interface Case {
  name: string;
  file: string;
  args: string[];
  format: string;
  codec: string;
  channels: number;
}

const CASES: Case[] = [
  { name: 'FLAC', file: 'tone.flac', args: [...TONE], format: 'flac', codec: 'flac', channels: 2 },
  {
    name: 'MP3',
    file: 'tone.mp3',
    args: [...TONE, '-c:a', 'libmp3lame'],
    format: 'mp3',
    codec: 'mp3',
    channels: 2,
  },
  {
    name: 'Ogg Vorbis',
    file: 'tone.ogg',
    args: [...TONE, '-c:a', 'libvorbis'],
    format: 'vorbis',
    codec: 'vorbis',
    channels: 2,
  },
  {
    name: 'Opus',
    file: 'tone.opus',
    args: [...TONE, '-c:a', 'libopus'],
    format: 'opus',
    codec: 'opus',
    channels: 2,
  },
  {
    name: 'M4A/AAC',
    file: 'tone.m4a',
    args: [...TONE, '-c:a', 'aac'],
    format: 'm4a',
    codec: 'aac',
    channels: 2,
  },
  {
    name: 'AAC (ADTS)',
    file: 'tone.aac',
    args: [...TONE, '-c:a', 'aac', '-f', 'adts'],
    format: 'aac',
    codec: 'aac',
    channels: 2,
  },
  {
    name: 'WebM',
    file: 'tone.webm',
    args: [...TONE, '-c:a', 'libopus'],
    format: 'webm',
    codec: 'opus',
    channels: 2,
  },
  {
    name: 'MP4 video',
    file: 'clip.mp4',
    args: [...VIDEO, ...TONE, '-c:v', 'libx264', '-c:a', 'aac', '-shortest'],
    format: 'mp4',
    codec: 'aac',
    channels: 2,
  },
  {
    name: 'MKV video',
    file: 'clip.mkv',
    args: [...VIDEO, ...TONE, '-c:v', 'libx264', '-c:a', 'libvorbis', '-shortest'],
    format: 'matroska',
    codec: 'vorbis',
    channels: 2,
  },
  {
    name: 'µ-law WAV (via ffmpeg)',
    file: 'mulaw.wav',
    args: [...TONE, '-c:a', 'pcm_mulaw'],
    format: 'wav',
    codec: 'pcm_mulaw',
    channels: 2,
  },
  {
    name: 'ADPCM WAV (via ffmpeg)',
    file: 'adpcm.wav',
    args: [...TONE, '-c:a', 'adpcm_ms'],
    format: 'wav',
    codec: 'adpcm_ms',
    channels: 2,
  },
  {
    name: 'RF64 WAV',
    file: 'rf64.wav',
    args: [...TONE, '-c:a', 'pcm_s24le', '-rf64', 'always'],
    format: 'wav',
    codec: 'pcm_s24le',
    channels: 2,
  },
];

beforeAll(async () => {
  for (const testCase of CASES) await ffmpeg([...testCase.args, join(tempDir(), testCase.file)]);
  await ffmpeg([...TONE, '-f', 's16le', '-ar', '8000', join(tempDir(), 'tone.s16le')]);
});

function expectTone(audio: Awaited<ReturnType<typeof loadAudio>>): void {
  expect(audio.sampleRate).toBe(16000);
  expect(audio.durationS).toBeGreaterThan(1.95);
  expect(audio.durationS).toBeLessThan(2.1);
  expect(audio.samples.length).toBe(Math.ceil(audio.durationS * 16000 - 1e-6));
  expect(dominantFrequency(audio.samples, 16000, CANDIDATES)).toBe(440);
  // lavfi's sine has amplitude 1/8, and ffmpeg's mono → stereo upmix lowers it by 3 dB;
  // lossy codecs keep it within a few percent.
  const amplitude = amplitudeAt(audio.samples, 16000, 440, 1600, 28800);
  expect(amplitude).toBeGreaterThan(0.08);
  expect(amplitude).toBeLessThan(0.095);
}

describe('loadAudio formats', () => {
  it.each(CASES)('decodes $name from a path', async (testCase) => {
    const audio = await loadAudio(join(tempDir(), testCase.file));
    expectTone(audio);
    expect(audio.source).toMatchObject({
      format: testCase.format,
      codec: testCase.codec,
      channels: testCase.channels,
    });
  });

  it.each(CASES.filter((testCase) => ['FLAC', 'M4A/AAC', 'MP4 video'].includes(testCase.name)))(
    'decodes $name from a Buffer and from a stream',
    async (testCase) => {
      const path = join(tempDir(), testCase.file);
      expectTone(await loadAudio(readFileSync(path)));
      expectTone(await loadAudio(createReadStream(path)));
    },
  );

  it('decodes raw s16le PCM with a stated rate and channel count', async () => {
    const audio = await loadAudio(join(tempDir(), 'tone.s16le'), {
      raw: { sampleRate: 8000, channels: 2 },
    });
    expectTone(audio);
    expect(audio.source).toEqual({
      format: 'pcm',
      codec: 'pcm_s16le',
      channels: 2,
      sampleRate: 8000,
      bitsPerSample: 16,
    });
  });

  it('decodes raw PCM pushed as an async iterable of chunks', async () => {
    const bytes = readFileSync(join(tempDir(), 'tone.s16le'));
    async function* chunks() {
      for (let offset = 0; offset < bytes.length; offset += 1001)
        yield bytes.subarray(offset, offset + 1001);
    }
    expectTone(await loadAudio(chunks(), { raw: { sampleRate: 8000, channels: 2 } }));
  });

  it('reads the real jfk.flac (44.1 kHz stereo 24-bit) as 11 s at 16 kHz', async () => {
    const audio = await loadAudio(JFK_FLAC);
    expect(audio.source).toMatchObject({
      format: 'flac',
      codec: 'flac',
      channels: 2,
      sampleRate: 44100,
    });
    expect(audio.samples.length).toBe(176000);
    expect(audio.durationS).toBeCloseTo(11, 6);
  });

  it('ignores a misleading file name: MP3 data named .wav decodes as MP3', async () => {
    const path = join(tempDir(), 'really-an-mp3.wav');
    await ffmpeg(['-i', join(tempDir(), 'tone.mp3'), '-c', 'copy', '-f', 'mp3', path]);
    const audio = await loadAudio(path);
    expect(audio.source.format).toBe('mp3');
    expectTone(audio);
  });

  it('treats a hostile file name as a plain file, not an ffmpeg protocol or option', async () => {
    const path = join(tempDir(), '-i concat:x|y $(rm -rf).flac');
    await ffmpeg(['-i', join(tempDir(), 'tone.flac'), '-c', 'copy', `file:${path}`]);
    expectTone(await loadAudio(path));
  });

  it('can stop at the source rate instead of converting', async () => {
    const audio = await loadAudio(join(tempDir(), 'tone.flac'), { sampleRate: 'source' });
    expect(audio.sampleRate).toBe(44100);
    expect(audio.samples.length).toBe(88200);
  });
});

describe('loadAudio stream handling', () => {
  it('accepts a Node Readable built from a Buffer', async () => {
    const bytes = readFileSync(join(tempDir(), 'tone.ogg'));
    expectTone(await loadAudio(Readable.from([bytes.subarray(0, 100), bytes.subarray(100)])));
  });
});
