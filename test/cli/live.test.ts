import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav.js';
import { transcriptView } from '../../src/cli/live-render.js';
import { cli } from '../helpers/cli.js';
import { scriptedLiveSession } from '../helpers/live-script.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();
const WORDS = 'the draft says one thing and the confirm pass another'.split(' ');

const scriptedEvents = () =>
  scriptedLiveSession(
    WORDS,
    { costMs: 80, say: (index) => (index === 3 ? 'won' : (WORDS[index] as string)) },
    300,
  );

function capture(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY, columns: 60 });
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { out, text: () => chunks.join('') };
}

describe('earshot live', () => {
  it('on a terminal, draws drafts dim grey and confirmed text bright, in place', async () => {
    const { events, script } = await scriptedEvents();
    const { out, text } = capture(true);
    const view = transcriptView(out);
    for (const event of events) view.update(event);
    view.finish();
    await new Promise((resolve) => setImmediate(resolve));
    const written = text();
    expect(written).toContain('\r\x1b[2K');
    expect(written).toContain('\x1b[2;90m won');
    expect(written).toContain('\x1b[1;97m');
    // Each finished utterance ends up on its own bright line.
    const lines = written
      .split('\n')
      .slice(0, -1)
      .map((line) => line.slice(line.lastIndexOf('\x1b[2K') + 4));
    expect(lines).toEqual([
      '\x1b[1;97mthe draft says one thing\x1b[0m',
      '\x1b[1;97mand the confirm pass another\x1b[0m',
    ]);
    expect(script.text.trim()).toBe(`${WORDS.join(' ')}`);
  });

  it('in a pipe, prints each finished segment as a plain line', async () => {
    const { events } = await scriptedEvents();
    const { out, text } = capture(false);
    const view = transcriptView(out);
    for (const event of events) view.update(event);
    view.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text()).toBe('the draft says one thing\nand the confirm pass another\n');
  });

  it('fails with a clear error when the model cannot be had or an option is wrong', async () => {
    // Without --model, the configured default (asr.model) is used: offline, it cannot be had.
    const offlineDefault = await cli(['live', 'missing.wav'], {
      EARSHOT_OFFLINE: '1',
      EARSHOT_MODELS_DIR: tempDir(),
    });
    expect(offlineDefault.status).toBe(1);
    expect(offlineDefault.stderr).toMatch(
      /^error \[model_offline\]: .*onnx-community\/whisper-base/,
    );

    const wav = `${tempDir()}/silence.wav`;
    writeFileSync(wav, encodeWav(new Float32Array(1600), 16_000));
    const notFolder = await cli(['live', '--model', `${tempDir()}/nowhere`, wav]);
    expect(notFolder.status).toBe(1);
    expect(notFolder.stderr).toMatch(
      /^error \[model_not_found\]: .*nowhere .*missing config\.json/,
    );
    const offline = await cli(['live', '--model', 'onnx-community/whisper-tiny', wav], {
      EARSHOT_OFFLINE: '1',
      EARSHOT_MODELS_DIR: tempDir(),
    });
    expect(offline.status).toBe(1);
    expect(offline.stderr).toMatch(/^error \[model_offline\]: .*whisper-tiny/);

    const badSpeed = await cli(['live', '--model', tempDir(), '--speed', '0', wav]);
    expect(badSpeed.stderr).toMatch(/^error \[invalid_parameter\]: --speed/);
    const badDtype = await cli(['live', '--model', tempDir(), '--dtype', 'fp8', wav]);
    expect(badDtype.stderr).toMatch(/^error \[invalid_parameter\]: Unknown model dtype "fp8"/);
  });
});
