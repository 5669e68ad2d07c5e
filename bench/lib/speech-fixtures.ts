/**
 * Real-size random-weight speech models for benchmarks, written once into `bench/fixtures/`
 * (git ignores it) and rebuilt when the generator changes: a Piper voice of the medium
 * architecture in rhasspy/piper-voices layout, and Kokoro-82M's architecture in
 * onnx-community/Kokoro-82M-v1.0-ONNX layout (fp32).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeKokoroFixture } from '../../test/fixtures/kokoro/index.js';
import { writePiperFixture } from '../../test/fixtures/piper/index.js';
import { BENCH_FIXTURES } from './fixtures.js';

/** Bump when a generator's graph changes, so stale folders are rewritten. */
const SPEECH_FIXTURE_VERSION = 2;
const MARKER = 'earshot-fixture.json';

export const PIPER_BENCH_VOICE = 'en/en_US/lessac/medium/en_US-lessac-medium';

function upToDate(folder: string): boolean {
  const marker = join(folder, MARKER);
  if (!existsSync(marker)) return false;
  return (
    (JSON.parse(readFileSync(marker, 'utf8')) as { version?: number }).version ===
    SPEECH_FIXTURE_VERSION
  );
}

function finish(folder: string, files: string[]): { folder: string; onnxMb: number } {
  writeFileSync(join(folder, MARKER), JSON.stringify({ version: SPEECH_FIXTURE_VERSION }));
  const onnx = files.filter((file) => file.endsWith('.onnx'));
  const bytes = onnx.reduce((sum, file) => sum + statSync(join(folder, file)).size, 0);
  return { folder, onnxMb: bytes / 1e6 };
}

function onnxMb(folder: string, file: string): number {
  return statSync(join(folder, file)).size / 1e6;
}

/** The medium-size Piper voice (about 62 MB, like the published medium voices). */
export function piperBenchFolder(): { folder: string; onnxMb: number } {
  const folder = join(BENCH_FIXTURES, 'piper-medium');
  if (upToDate(folder)) return { folder, onnxMb: onnxMb(folder, `${PIPER_BENCH_VOICE}.onnx`) };
  console.log(`  writing the medium Piper voice to ${folder} …`);
  const { files } = writePiperFixture(folder, {
    size: 'medium',
    voices: [{ path: PIPER_BENCH_VOICE, espeakVoice: 'en-us', languageCode: 'en_US' }],
  });
  return finish(folder, files);
}

/** Kokoro at full size, fp32 (about 335 MB, like the published 325 MB model.onnx). */
export function kokoroBenchFolder(): { folder: string; onnxMb: number } {
  const folder = join(BENCH_FIXTURES, 'kokoro-full');
  if (upToDate(folder)) return { folder, onnxMb: onnxMb(folder, 'onnx/model.onnx') };
  console.log(`  writing the full-size Kokoro model to ${folder} …`);
  const { files } = writeKokoroFixture(folder, { size: 'full', voices: ['af_heart'] });
  return finish(folder, files);
}
