import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIO_OUTPUT_FORMATS } from '../../src/audio/encode.js';
import { loadAudio } from '../../src/audio/load.js';
import { createProgram } from '../../src/cli/program.js';
import { VERSION } from '../../src/version.js';
import { cli } from '../helpers/cli.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { tone } from '../helpers/signals.js';
import { useTempDir } from '../helpers/tmp.js';
import { writeWav } from '../helpers/wav-writer.js';

const tempDir = useTempDir();

function allCommands() {
  const program = createProgram({ stdout: process.stdout, stderr: process.stderr, env: {} });
  const commands: string[][] = [];
  const walk = (command: typeof program, path: string[]) => {
    for (const child of command.commands) {
      commands.push([...path, child.name()]);
      walk(child, [...path, child.name()]);
    }
  };
  walk(program, []);
  return commands;
}

describe('earshot CLI', () => {
  it('prints help with examples and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: earshot');
    expect(result.stdout).toContain('Examples:');
  });

  it.each(allCommands())('has --help with examples for "%s %s"', async (...path) => {
    const result = await cli([...path.filter((part) => typeof part === 'string'), '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toMatch(/earshot /);
  });

  it('prints the package version', async () => {
    const result = await cli(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
    expect(VERSION).toBe(
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await cli(['transmogrify'])).status).toBe(2);
    expect((await cli(['audio', 'info', '--frobnicate', 'x'])).status).toBe(2);
  });
});

describe('earshot config', () => {
  it('prints the effective configuration as JSON with secrets masked', async () => {
    const result = await cli(['config'], {
      HF_TOKEN: 'hf_very_secret_token',
      EARSHOT_DECODE_TIMEOUT_S: '42',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('hf_very_secret_token');
    const printed = JSON.parse(result.stdout);
    expect(printed.audio.decodeTimeoutS).toBe(42);
    expect(printed.models.hfToken).toBe('********');
  });

  it('explains every setting with its variable and source', async () => {
    const result = await cli(['config', '--explain'], { EARSHOT_OFFLINE: '1' });
    expect(result.stdout).toContain('models.offline = true  [env; EARSHOT_OFFLINE]');
    expect(result.stdout).toContain(
      'audio.decodeTimeoutS = 300  [default; EARSHOT_DECODE_TIMEOUT_S]',
    );
  });

  it('fails with a message naming the bad key and exits 1', async () => {
    const result = await cli(['config'], { EARSHOT_MAX_AUDIO_DURATION_S: '-5' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^error \[config_invalid\]: .*audio\.maxDurationS.*EARSHOT_MAX_AUDIO_DURATION_S/,
    );
  });

  it('reads a config file given with --config', async () => {
    const path = join(tempDir(), 'custom.json');
    writeFileSync(path, JSON.stringify({ audio: { maxDurationS: 123 } }));
    const result = await cli(['--config', path, 'config']);
    expect(JSON.parse(result.stdout).audio.maxDurationS).toBe(123);
  });
});

describe('earshot audio info', () => {
  it('describes jfk.flac as text', async () => {
    const result = await cli(['audio', 'info', JFK_FLAC]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/format\s+flac/);
    expect(result.stdout).toMatch(/channels\s+2/);
    expect(result.stdout).toMatch(/sample rate\s+44100 Hz/);
    expect(result.stdout).toMatch(/duration\s+0:11\.000/);
    expect(result.stdout).toMatch(/loudness\s+-\d+\.\d LUFS/);
  });

  it('prints JSON with levels measured from the samples', async () => {
    const path = join(tempDir(), 'half-scale.wav');
    writeFileSync(
      path,
      writeWav([tone(1000, 48000, 3, 0.5)], { encoding: 's24', sampleRate: 48000 }),
    );
    const report = JSON.parse((await cli(['audio', 'info', '--json', path])).stdout);
    expect(report).toMatchObject({
      format: 'wav',
      codec: 'pcm_s24le',
      channels: 1,
      sampleRate: 48000,
      bitsPerSample: 24,
      durationS: 3,
    });
    expect(report.peakDbfs).toBeCloseTo(-6.02, 1);
    expect(report.loudnessLufs).toBeCloseTo(-9.03, 1);
  });

  it('reports silence loudness as null in JSON', async () => {
    const path = join(tempDir(), 'silence.wav');
    writeFileSync(
      path,
      writeWav([new Float32Array(16000)], { encoding: 's16', sampleRate: 16000 }),
    );
    const report = JSON.parse((await cli(['audio', 'info', '--json', path])).stdout);
    expect(report.loudnessLufs).toBeNull();
    expect(report.peakDbfs).toBeNull();
  });

  it('reads headerless PCM with --raw', async () => {
    const path = join(tempDir(), 'call.pcm');
    const pcm = Buffer.alloc(8000 * 2 * 2);
    writeFileSync(path, pcm);
    const report = JSON.parse(
      (await cli(['audio', 'info', '--json', '--raw', '8000:2', path])).stdout,
    );
    expect(report).toMatchObject({ format: 'pcm', channels: 2, sampleRate: 8000, durationS: 1 });
    expect((await cli(['audio', 'info', '--raw', 'fast', path])).stderr).toContain(
      'error [invalid_parameter]',
    );
  });

  it('explains a bad file with the error code and exits 1', async () => {
    const path = join(tempDir(), 'notes.txt');
    writeFileSync(path, 'These are meeting notes, not a recording. '.repeat(5));
    const result = await cli(['audio', 'info', path]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error [audio_unsupported_format]: The input is a text file, not audio.\n',
    );
  });
});

describe('earshot audio convert', () => {
  it.each(AUDIO_OUTPUT_FORMATS.filter((format) => format !== 'pcm'))(
    'converts jfk.flac to %s',
    async (format) => {
      const output = join(tempDir(), `jfk.${format}`);
      const result = await cli(['audio', 'convert', '--rate', '16000', JFK_FLAC, output]);
      expect(result.status).toBe(0);
      const decoded = await loadAudio(output);
      expect(decoded.durationS).toBeGreaterThan(10.9);
      expect(decoded.durationS).toBeLessThan(11.2);
    },
  );

  it('writes raw PCM to stdout with --format', async () => {
    const result = await cli([
      'audio',
      'convert',
      '--format',
      'pcm',
      '--rate',
      '8000',
      JFK_FLAC,
      '-',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdoutBytes.length).toBe(11 * 8000 * 2);
  });

  it('refuses an output it cannot name a format for', async () => {
    const result = await cli(['audio', 'convert', JFK_FLAC, join(tempDir(), 'out.xyz')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error [invalid_parameter]');
  });
});
