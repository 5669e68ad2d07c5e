/**
 * Real-size random Whisper models for benchmarks, written once into `bench/fixtures/` (git
 * ignores it) and rebuilt when the generator changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeightFormat } from '../../test/fixtures/onnx/layers.js';
import {
  FIXTURE_GENERATOR_VERSION,
  WHISPER_DIMS,
  type WhisperSize,
  writeWhisperFixture,
} from '../../test/fixtures/whisper/index.js';

export const BENCH_FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

const SUFFIX: Record<WeightFormat, string> = { fp32: '', q8: '_quantized' };

/** The folder of the `size` fixture with every dtype in `dtypes`, written when missing. */
export function whisperFixtureFolder(
  size: WhisperSize,
  dtypes: readonly WeightFormat[] = ['fp32', 'q8'],
): string {
  const folder = join(BENCH_FIXTURES, `whisper-${size}`);
  const configPath = join(folder, 'config.json');
  const config = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : {};
  const complete =
    config.d_model === WHISPER_DIMS[size].dModel &&
    config.earshot_fixture?.generator === FIXTURE_GENERATOR_VERSION &&
    dtypes.every((dtype) =>
      ['encoder_model', 'decoder_model_merged'].every((file) =>
        existsSync(join(folder, 'onnx', `${file}${SUFFIX[dtype]}.onnx`)),
      ),
    );
  if (!complete) {
    console.log(`  writing ${size} fixture to ${folder} …`);
    writeWhisperFixture(folder, { dims: size, dtypes: ['fp32', 'q8'], seed: 1 });
  }
  return folder;
}
