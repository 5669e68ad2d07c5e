import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { cli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';
import { useTestHub } from '../models/store-helpers.js';

const tempDir = useTempDir('earshot-models-cli-');
const hub = useTestHub();
const MODEL = 'earshot-fixtures/whisper-test';

beforeAll(() => {
  const fixture = writeWhisperFixture(join(tempDir(), 'fixture'), { dtypes: ['fp32', 'q8'] });
  hub().addFolder(MODEL, fixture.folder);
  hub().addFolder('earshot-fixtures/private-whisper', fixture.folder, { private: true });
});

function env(extra: Record<string, string> = {}) {
  return { EARSHOT_HUB_URL: hub().url, EARSHOT_MODELS_DIR: join(tempDir(), 'cache'), ...extra };
}

describe('earshot models', () => {
  it('pulls a model, printing progress lines on stderr and the folder on stdout', async () => {
    const result = await cli(['models', 'pull', MODEL, '--dtype', 'q8'], env());
    expect(result.stderr).not.toContain('error');
    expect(result.status).toBe(0);
    const folder = join(tempDir(), 'cache', 'earshot-fixtures', 'whisper-test');
    expect(result.stdout).toContain(`${MODEL} (whisper, q8) is ready in ${folder}`);
    expect(result.stdout).toContain('  onnx/decoder_model_merged_quantized.onnx');
    expect(result.stderr).toContain(`downloading ${MODEL}: onnx/encoder_model_quantized.onnx`);
    expect(result.stderr).toMatch(
      /onnx\/decoder_model_merged_quantized\.onnx: done, .* sha256 verified/,
    );
    expect(existsSync(join(folder, 'onnx', 'encoder_model.onnx'))).toBe(false);
  });

  it('lists cached models and removes them', async () => {
    await cli(['models', 'pull', MODEL], env());
    const listed = await cli(['models', 'list'], env());
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^MODEL\s+SIZE\s+DTYPES\s+FILES/);
    expect(listed.stdout).toMatch(/earshot-fixtures\/whisper-test\s+\d+(\.\d+)? MB\s+fp32,q8\s+10/);
    const json = JSON.parse((await cli(['models', 'list', '--json'], env())).stdout);
    expect(json[0]).toMatchObject({ id: MODEL, dtypes: ['fp32', 'q8'] });

    const dtype = await cli(['models', 'rm', MODEL, '--dtype', 'q8'], env());
    expect(dtype.stdout).toBe(`removed 2 file(s) of ${MODEL}\n`);
    const all = await cli(['models', 'rm', MODEL], env());
    expect(all.status).toBe(0);
    expect((await cli(['models', 'list'], env())).stdout).toContain('no models in');
  });

  it('fails offline with the model, the missing files and the folder, not a stack trace', async () => {
    const result = await cli(
      ['models', 'pull', 'onnx-community/whisper-tiny'],
      env({ EARSHOT_OFFLINE: '1' }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^error \[model_offline\]: onnx-community\/whisper-tiny \(whisper, fp32\)/,
    );
    expect(result.stderr).toContain('Missing files: config.json,');
    expect(result.stderr).toContain(join(tempDir(), 'cache', 'onnx-community', 'whisper-tiny'));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails at once when nothing listens at the hub address', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const result = await cli(
      ['models', 'pull', 'onnx-community/whisper-tiny'],
      env({ EARSHOT_HUB_URL: `http://127.0.0.1:${port}` }),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error \[model_hub_unreachable\]: onnx-community\/whisper-tiny/);
    expect(result.stderr).toContain('onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('uses HF_TOKEN for private models and explains a 401 without it', async () => {
    const denied = await cli(['models', 'pull', 'earshot-fixtures/private-whisper'], env());
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/^error \[model_unauthorized\]: .*set HF_TOKEN/);
    const allowed = await cli(
      ['models', 'pull', 'earshot-fixtures/private-whisper'],
      env({ HF_TOKEN: hub().token }),
    );
    expect(allowed.status).toBe(0);
  });

  it('asks for --kind when the id does not tell, and rejects unknown dtypes', async () => {
    const unknown = await cli(['models', 'pull', 'someone/something'], env());
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('name it with --kind');
    const dtype = await cli(['models', 'pull', MODEL, '--dtype', 'fp64'], env());
    expect(dtype.stderr).toContain('Unknown model dtype "fp64"');
  });
});
