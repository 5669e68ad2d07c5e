import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { ROOT } from '../helpers/paths.js';
import { useTempDir } from '../helpers/tmp.js';

// `npm test` builds first (scripts/ensure-ready.mjs); these tests check the built package as a
// user of it sees it.
const built = existsSync(join(ROOT, 'dist', 'index.js'));
const tempDir = useTempDir('earshot-package-');

describe('the built package', () => {
  it('has been built', () => {
    expect(built, 'dist/ is missing: run `npm run build` (npm test does it for you)').toBe(true);
  });

  it("exports the public API under the package name 'earshot'", () => {
    const script = `
      import { loadAudio, encodeAudio, logMelSpectrogram, EarshotError } from 'earshot';
      const samples = new Float32Array(16000).map((_, i) => Math.sin(i / 10) * 0.1);
      const wav = await encodeAudio(samples, 16000, 'wav');
      const audio = await loadAudio(wav);
      const mel = logMelSpectrogram(audio.samples);
      console.log(JSON.stringify({ frames: mel.nFrames, mels: mel.nMels, error: typeof EarshotError }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ frames: 100, mels: 80, error: 'function' });
  });

  it('runs a Whisper model in a worker thread from the built files', () => {
    const folder = join(tempDir(), 'whisper');
    writeWhisperFixture(folder, { seed: 2 });
    const script = `
      import { ModelStore, WorkerTranscriptionModel } from 'earshot';
      const store = new ModelStore({ dir: ${JSON.stringify(join(tempDir(), 'cache'))}, hubUrl: 'http://127.0.0.1:9', offline: true, token: null, timeoutS: 5 });
      const resolved = await store.resolve(${JSON.stringify(folder)}, { kind: 'whisper', dtype: 'fp32' });
      const pool = { executionProvider: 'cpu', intraOpThreads: 1, interOpThreads: 1, idleTtlS: 0 };
      const model = await WorkerTranscriptionModel.open(resolved, pool);
      const samples = new Float32Array(32000).map((_, i) => Math.sin(i / 10) * 0.1);
      const result = await model.transcribe({ samples, sampleRate: 16000 }, { language: 'en', maxNewTokens: 3 });
      await model.close();
      console.log(JSON.stringify({ provider: model.provider, durationS: result.durationS }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ provider: 'whisper-onnx-worker', durationS: 2 });
  });

  it('runs as the earshot binary', () => {
    const output = execFileSync(
      process.execPath,
      [join(ROOT, 'dist', 'cli', 'main.js'), '--version'],
      { encoding: 'utf8' },
    );
    expect(output.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
