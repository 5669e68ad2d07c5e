import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { ROOT } from '../helpers/paths.js';
import { Gate, ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer } from '../helpers/server.js';
import { tone } from '../helpers/signals.js';
import { useTempDir } from '../helpers/tmp.js';
import { writeWav } from '../helpers/wav-writer.js';

const tempDir = useTempDir();
const clip = writeWav([tone(440, 16_000, 1, 0.3)], { encoding: 's16', sampleRate: 16_000 });

function transcribe(url: string) {
  const form = new FormData();
  form.append('file', new Blob([clip]), 'clip.wav');
  return fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: form });
}

describe('graceful shutdown', () => {
  it('lets a request in progress finish, refuses new ones, then closes the models', async () => {
    const gate = new Gate();
    const model = new ScriptedWhisperModel('scripted/base', { gate });
    const { url, server } = await startServer({ models: { 'scripted/base': model } });
    const inFlight = transcribe(url);
    await gate.arrived(1);
    const closed = server.close(30);
    // Wait until the listening socket is closed (the close runs over a few ticks).
    while (server.app.server.listening) await new Promise((resolve) => setTimeout(resolve, 5));
    const late = await transcribe(url).then(
      (response) => response.status,
      () => 'refused',
    );
    expect(late).toBe('refused');
    expect(model.closed).toBe(false);
    gate.open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }).text).toBe(model.sentence);
    await closed;
    expect(model.closed).toBe(true);
  });

  it('cancels what is still running when the grace period ends, with 503', async () => {
    const clock = new ManualClock();
    const gate = new Gate();
    const model = new ScriptedWhisperModel('scripted/base', { gate });
    const { url, server } = await startServer({ models: { 'scripted/base': model }, clock });
    const inFlight = transcribe(url);
    await gate.arrived(1);
    const closed = server.close(5);
    clock.advance(5_000);
    const response = await inFlight;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('shutting down'),
        type: 'server_error',
        param: null,
        code: 'server_shutting_down',
      },
    });
    await closed;
    expect(model.closed).toBe(true);
  });
});

describe('earshot serve', () => {
  it('starts on the configured port, answers, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--port', '0'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          EARSHOT_CONFIG: '',
          EARSHOT_MODELS_DIR: tempDir(),
          EARSHOT_OFFLINE: '1',
          EARSHOT_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        const match = /listening on (http:\/\/[\d.:]+)/.exec(stdout);
        if (match) resolve(match[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    // No model is installed and downloads are off: the server runs but is not ready, and says why.
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { models: Array<{ error: { code: string } }> };
    expect(body.models[0]?.error.code).toBe('model_offline');
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toContain('"msg":"stopped"');
  });
});
