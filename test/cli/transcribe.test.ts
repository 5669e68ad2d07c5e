import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg } from '../../src/audio/ffmpeg.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { cli } from '../helpers/cli.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { useTempDir } from '../helpers/tmp.js';
import { whisperTokenizer } from '../helpers/whisper-tokenizer.js';

const tempDir = useTempDir('earshot-transcribe-cli-');
const run = promisify(execFile);
let model: string;
const env = () => ({ EARSHOT_OFFLINE: '1', EARSHOT_MODELS_DIR: join(tempDir(), 'cache') });

beforeAll(() => {
  // A scripted decoder makes the transcript known in advance: two segments with timestamps.
  const t = whisperTokenizer();
  const ts = (seconds: number) => t.timestampBegin + Math.round(seconds / 0.02);
  const words = t.encode(' And so my fellow Americans');
  model = join(tempDir(), 'whisper-scripted');
  writeWhisperFixture(model, {
    script: {
      tokens: [
        t.languageToken('en') as number,
        t.transcribe as number,
        ts(0),
        ...words,
        ts(2.5),
        ts(2.5),
        ...t.encode(' ask not'),
        ts(4),
        t.eot,
      ],
    },
  });
});

describe('earshot transcribe', () => {
  it('prints SRT for jfk.flac that ffmpeg parses back', async () => {
    const result = await cli(
      [
        'transcribe',
        '--model',
        model,
        '--dtype',
        'fp32',
        '--language',
        'en',
        '--format',
        'srt',
        '--no-progress',
        JFK_FLAC,
      ],
      env(),
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      '1\n00:00:00,000 --> 00:00:02,500\nAnd so my fellow Americans\n\n2\n00:00:02,500 --> 00:00:04,000\nask not\n\n',
    );
    const path = join(tempDir(), 'jfk.srt');
    writeFileSync(path, result.stdout);
    const parsed = await run(locateFfmpeg(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      path,
      '-f',
      'webvtt',
      'pipe:1',
    ]);
    expect(parsed.stdout).toContain('00:02.500 --> 00:04.000');
  });

  it('encodes only the audio with --audio-context content and writes the same subtitles', async () => {
    const result = await cli(
      [
        'transcribe',
        '--model',
        model,
        '--language',
        'en',
        '--format',
        'srt',
        '--dtype',
        'fp32',
        '--audio-context',
        'content',
        '--no-progress',
        JFK_FLAC,
      ],
      env(),
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('00:00:02,500 --> 00:00:04,000\nask not');
    expect(readdirSync(join(model, '.earshot', 'derived'))).toContain(
      'encoder_model.variable-length.onnx',
    );
  });

  it('writes every format for several files into an output folder', async () => {
    const out = join(tempDir(), 'out');
    const result = await cli(
      [
        'transcribe',
        '--model',
        model,
        '--dtype',
        'fp32',
        '--language',
        'en',
        '--format',
        'all',
        '-o',
        out,
        '--no-progress',
        JFK_FLAC,
        JFK_FLAC,
      ],
      env(),
    );
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'jfk.json',
      'jfk.srt',
      'jfk.tsv',
      'jfk.txt',
      'jfk.verbose.json',
      'jfk.vtt',
    ]);
    expect(readFileSync(join(out, 'jfk.txt'), 'utf8')).toBe(
      'And so my fellow Americans\nask not\n',
    );
    expect(JSON.parse(readFileSync(join(out, 'jfk.verbose.json'), 'utf8'))).toMatchObject({
      language: 'english',
      duration: 11,
    });
    expect(readFileSync(join(out, 'jfk.vtt'), 'utf8').startsWith('WEBVTT')).toBe(true);
  });

  it('re-flows subtitles with word timestamps and line limits', async () => {
    const result = await cli(
      [
        'transcribe',
        '--model',
        model,
        '--dtype',
        'fp32',
        '--language',
        'en',
        '--format',
        'vtt',
        '--max-line-width',
        '12',
        '--max-line-count',
        '1',
        '--no-progress',
        JFK_FLAC,
      ],
      env(),
    );
    expect(result.status).toBe(0);
    const cues = result.stdout.split('\n\n').slice(1).filter(Boolean);
    expect(cues.length).toBeGreaterThan(2);
    for (const cue of cues) expect((cue.split('\n')[1] ?? '').length).toBeLessThanOrEqual(12);
  });

  it('keeps going past a bad file, reports it and exits 1', async () => {
    const bad = join(tempDir(), 'notes.txt');
    writeFileSync(
      bad,
      'not audio at all, just some text that is long enough to be sniffed as text',
    );
    const result = await cli(
      [
        'transcribe',
        '--model',
        model,
        '--dtype',
        'fp32',
        '--language',
        'en',
        '--no-progress',
        bad,
        JFK_FLAC,
      ],
      env(),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error [audio_unsupported_format]: notes.txt');
    expect(result.stdout).toContain(`==> ${JFK_FLAC} <==\nAnd so my fellow Americans`);
  });

  it('explains a model that is not available offline', async () => {
    const result = await cli(
      ['transcribe', '--model', 'onnx-community/whisper-tiny', '--no-progress', JFK_FLAC],
      env(),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error \[model_offline\]: .*onnx-community\/whisper-tiny/);
  });

  it('refuses bad flags with invalid_parameter', async () => {
    for (const flags of [
      ['--task', 'summarise'],
      ['--format', 'docx'],
      ['--beam-size', '0'],
      ['--temperature', 'hot'],
      ['--audio-context', 'half'],
    ]) {
      const result = await cli(
        ['transcribe', '--model', model, '--dtype', 'fp32', ...flags, JFK_FLAC],
        env(),
      );
      expect(result.stderr).toContain('error [invalid_parameter]');
    }
  });
});
