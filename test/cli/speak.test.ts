import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.js';
import { cli } from '../helpers/cli.js';
import { useNeuralVoices } from '../helpers/neural-voices.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();

describe('earshot speak', () => {
  it('writes speech to a file in the format of its extension', async () => {
    const output = join(tempDir(), 'hello.mp3');
    const result = await cli(['speak', 'Hello there.', 'It costs $12.50 today.', '-o', output]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const decoded = await loadAudio(await readFile(output), { sampleRate: 'source' });
    expect(decoded.source.format).toBe('mp3');
    expect(decoded.sampleRate).toBe(22050);
    expect(decoded.durationS).toBeGreaterThan(2);
    expect(decoded.durationS).toBeLessThan(8);
  });

  it('reads the text from stdin and writes to stdout in the chosen format, voice and rate', async () => {
    const result = await cli(
      ['speak', '--format', 'wav', '--voice', 'pl', '--rate', '16000', '--speed', '1.5'],
      {},
      'Dzień dobry. Mam 21 lat i 2000 zł.',
    );
    expect(result.status).toBe(0);
    const decoded = await loadAudio(result.stdoutBytes, { sampleRate: 'source' });
    expect(decoded.source.format).toBe('wav');
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.durationS).toBeGreaterThan(1);
  });

  it('gives a WAV file its real sizes once the speech is written', async () => {
    const output = join(tempDir(), 'sizes.wav');
    expect((await cli(['speak', 'Sizes are known at the end.', '-o', output])).status).toBe(0);
    const bytes = await readFile(output);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
    const decoded = await loadAudio(bytes, { sampleRate: 'source' });
    expect(decoded.durationS).toBeCloseTo((bytes.length - 44) / 2 / 22050, 3);
  });

  it('takes "-" as stdin and honours --no-normalize', async () => {
    const result = await cli(['speak', '-', '--format', 'pcm', '--no-normalize'], {}, '12:30');
    expect(result.status).toBe(0);
    expect(result.stdoutBytes.length).toBeGreaterThan(22050);
  });

  it('lists voices, Polish and OpenAI names among them, as text or JSON', async () => {
    const text = await cli(['speak', '--list-voices']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^pl\s+Polish/m);
    expect(text.stdout).toMatch(/^nova\s+/m);
    const json = await cli(['speak', '--list-voices', '--json']);
    const voices = JSON.parse(json.stdout) as { id: string }[];
    expect(voices.length).toBeGreaterThan(100);
  });

  it.each([
    [['speak', ''], 'speech_text_empty'],
    [['speak', 'Hi.', '--speed', '5'], 'speech_speed_out_of_range'],
    [['speak', 'Hi.', '--speed', 'fast'], 'invalid_parameter'],
    [['speak', 'Hi.', '--voice', 'nosuchvoice'], 'speech_voice_not_found'],
    [['speak', 'Hi.', '--format', 'ogg'], 'audio_unsupported_output'],
    [['speak', 'Hi.', '--model', 'nosuchmodel'], 'model_not_found'],
  ])('fails clearly on bad input: %j', async (args, code) => {
    const result = await cli(args);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error [${code}]`);
  });

  it('refuses text over the configured limit, and leaves no file behind on an error', async () => {
    const output = join(tempDir(), 'too-long.wav');
    const result = await cli(
      ['speak', '-o', output],
      { EARSHOT_TTS_MAX_INPUT_CHARS: '10' },
      'x'.repeat(11),
    );
    expect(result.stderr).toContain('error [speech_text_too_long]');
    const voice = await cli(['speak', 'Hi.', '--voice', 'nosuchvoice', '-o', output]);
    expect(voice.status).toBe(1);
    expect(existsSync(output)).toBe(false);
  });

  it('uses the configured default voice', async () => {
    const result = await cli(['speak', 'Hi.', '--format', 'wav'], {
      EARSHOT_TTS_VOICE: 'nosuchvoice',
    });
    expect(result.stderr).toContain('error [speech_voice_not_found]');
  });
});

describe('earshot speak with neural voices', () => {
  const voices = useNeuralVoices();
  const env = () => ({ EARSHOT_MODELS_DIR: join(tempDir(), 'models'), EARSHOT_OFFLINE: '1' });

  it("speaks with a Piper voice from a folder, at the voice's own rate", async () => {
    const output = join(tempDir(), 'piper.flac');
    const model = `piper:${voices.piperFolder()}`;
    const result = await cli(
      ['speak', '--model', model, '--voice', 'en_US-danny-low', 'Hello there.', '-o', output],
      env(),
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const decoded = await loadAudio(await readFile(output), { sampleRate: 'source' });
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.durationS).toBeGreaterThan(0.2);
    const listed = await cli(['speak', '--model', model, '--list-voices'], env());
    expect(listed.stdout).toMatch(/^pl_PL-gosia-medium\s+gosia \(pl_PL, medium\)/m);
  });

  it('speaks with Kokoro in the weight format asked for, and lists its voices', async () => {
    const model = `kokoro:${voices.kokoroFolder()}`;
    const result = await cli(
      ['speak', '--model', model, '--dtype', 'fp32', '--voice', 'bf_emma', '--format', 'wav'],
      env(),
      'Good morning.',
    );
    expect(result.status).toBe(0);
    const decoded = await loadAudio(result.stdoutBytes, { sampleRate: 'source' });
    expect(decoded.sampleRate).toBe(24000);
    const listed = await cli(['speak', '--model', model, '--list-voices', '--json'], env());
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((voice) => voice.id)).toContain(
      'af_heart',
    );
    // The default weight format (q8) is not in the folder: a clear error, not a crash.
    const missing = await cli(['speak', '--model', model, 'Hi.', '--format', 'wav'], env());
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('error [model_not_found]');
    const wrong = await cli(['speak', '--model', model, '--dtype', 'q9', 'Hi.'], env());
    expect(wrong.stderr).toContain('error [invalid_parameter]');
  });
});
