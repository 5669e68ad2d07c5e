/**
 * `npm run fixtures -- --dims tiny|base|small [--dtype fp32,q8] [--n-mels 80|128] [--out DIR]`:
 * writes a real-size Whisper model with seeded random weights, in hub layout, for benchmarks
 * (default folder `bench/fixtures/whisper-<dims>`, which git ignores). Tokenizer files come from
 * the shared Whisper tiny folder.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { WeightFormat } from '../test/fixtures/onnx/layers.js';
import {
  WHISPER_DIMS,
  type WhisperSize,
  writeWhisperFixture,
} from '../test/fixtures/whisper/index.js';

const { values } = parseArgs({
  options: {
    dims: { type: 'string', default: 'tiny' },
    dtype: { type: 'string', default: 'fp32' },
    'n-mels': { type: 'string', default: '80' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});

const dims = values.dims as WhisperSize;
if (!(dims in WHISPER_DIMS)) {
  console.error(`--dims must be one of ${Object.keys(WHISPER_DIMS).join(', ')}`);
  process.exit(2);
}
const dtypes = (values.dtype as string).split(',').map((d) => d.trim()) as WeightFormat[];
if (dtypes.some((d) => d !== 'fp32' && d !== 'q8')) {
  console.error('--dtype takes fp32, q8 or fp32,q8 (the builder writes those two formats)');
  process.exit(2);
}
const nMels = Number(values['n-mels']);
if (nMels !== 80 && nMels !== 128) {
  console.error('--n-mels must be 80 or 128');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const folder = values.out ?? join(root, 'bench', 'fixtures', `whisper-${dims}`);
const started = performance.now();
const fixture = writeWhisperFixture(folder, {
  dims,
  dtypes,
  nMels,
  vocab: nMels === 128 ? 51866 : 51865,
  seed: Number(values.seed),
});
console.log(`${folder} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
for (const file of fixture.onnxFiles) {
  console.log(`  ${file}  ${(statSync(join(folder, file)).size / 1e6).toFixed(1)} MB`);
}
