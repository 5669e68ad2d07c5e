import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAudio } from '../../src/audio/load.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { SileroVad } from '../../src/vad/silero.js';
import { speechTimestamps } from '../../src/vad/speech-timestamps.js';
import { cli } from '../helpers/cli.js';
import { buildScene, type Scene } from '../helpers/speech-scene.js';
import { useTempDir } from '../helpers/tmp.js';
import { writeWav } from '../helpers/wav-writer.js';

const tempDir = useTempDir();
const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());

let scene: Scene;
let wav: string;
beforeAll(async () => {
  scene = await buildScene([
    { silenceS: 1 },
    { say: 'Morning meetings start at nine' },
    { silenceS: 2 },
    { say: 'Light rain is expected later tonight', voice: 'en-gb' },
    { silenceS: 1.5 },
  ]);
  wav = join(tempDir(), 'speech.wav');
  writeFileSync(wav, writeWav([scene.samples], { encoding: 's16', sampleRate: 16000 }));
});

describe('earshot vad', () => {
  it('prints each speech segment as start – end (duration) and a summary', async () => {
    const result = await cli(['vad', wav]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const segments = lines.slice(0, -1);
    expect(segments.length).toBeGreaterThanOrEqual(2);
    for (const line of segments) {
      expect(line).toMatch(/^\d+:\d{2}\.\d{3} – \d+:\d{2}\.\d{3} \(\d+\.\d{3} s\)$/);
    }
    expect(segments[0]).toMatch(/^0:00\.9\d\d – /);
    expect(lines.at(-1)).toMatch(/^\d+ speech segments, [\d.]+ s of 8\.\d s$/);
  });

  it('prints JSON equal to speechTimestamps on the decoded audio', async () => {
    const result = await cli(['vad', '--json', '--model', 'v6', '--threshold', '0.6', wav]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.model).toBe('silero-v6');
    expect(report.sampleRate).toBe(16000);
    const decoded = await loadAudio(wav);
    const expected = await speechTimestamps(decoded.samples, {
      model: new SileroVad({ pool, version: 'v6' }),
      threshold: 0.6,
    });
    expect(report.segments).toEqual(expected);
    expect(report.segments.length).toBeGreaterThanOrEqual(scene.truth.length);
  });

  it('takes VAD settings from the environment, overridden by options', async () => {
    const strict = await cli(['vad', '--json', wav], { EARSHOT_VAD_MIN_SPEECH_MS: '60000' });
    expect(JSON.parse(strict.stdout).segments).toEqual([]);
    const overridden = await cli(['vad', '--json', '--min-speech-ms', '250', wav], {
      EARSHOT_VAD_MIN_SPEECH_MS: '60000',
    });
    expect(JSON.parse(overridden.stdout).segments.length).toBeGreaterThanOrEqual(2);
  });

  it('fails with a typed error for bad options, a missing file and a missing model', async () => {
    const badModel = await cli(['vad', '--model', 'v7', wav]);
    expect(badModel.status).toBe(1);
    expect(badModel.stderr).toContain('error [invalid_parameter]');
    expect((await cli(['vad', '--threshold', 'high', wav])).stderr).toContain(
      'error [invalid_parameter]',
    );
    expect((await cli(['vad', join(tempDir(), 'nothing.wav')])).stderr).toContain(
      'error [audio_unreadable]',
    );
    const noModel = await cli(['vad', wav], {
      EARSHOT_VAD_MODEL_PATH: join(tempDir(), 'absent.onnx'),
    });
    expect(noModel.status).toBe(1);
    expect(noModel.stderr).toContain('error [model_file_missing]');
  });
});
