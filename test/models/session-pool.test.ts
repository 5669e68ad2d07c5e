import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import type { ModelContract } from '../../src/models/contract.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { useTempDir } from '../helpers/tmp.js';

// A real ONNX file that ships in an npm package: Silero VAD v5.
const require = createRequire(import.meta.url);
const SILERO_V5 = join(
  dirname(require.resolve('@ricky0123/vad-web/package.json')),
  'dist',
  'silero_vad_v5.onnx',
);

const SILERO_CONTRACT: ModelContract = {
  description: 'Silero VAD v5',
  inputs: [
    { name: 'input', type: ['float32'], rank: 2 },
    { name: 'state', type: ['float32'], rank: 3 },
    { name: 'sr', type: ['int64'] },
  ],
  outputs: [
    { name: 'output', type: ['float32'] },
    { name: 'stateN', type: ['float32'] },
  ],
};

const tempDir = useTempDir();
const pools: SessionPool[] = [];
function pool(idleTtlS = 0): SessionPool {
  const created = new SessionPool({
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    idleTtlS,
  });
  pools.push(created);
  return created;
}
afterEach(async () => {
  for (const created of pools.splice(0)) await created.close();
});

async function modelError(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe('SessionPool', () => {
  it('loads a session once and shares it between concurrent callers', async () => {
    const sessions = pool();
    const loads: string[] = [];
    sessions.onLoad(({ path }) => loads.push(path));
    const [a, b] = await Promise.all([
      sessions.acquire(SILERO_V5, SILERO_CONTRACT),
      sessions.acquire(SILERO_V5, SILERO_CONTRACT),
    ]);
    expect(a.session).toBe(b.session);
    expect(loads).toEqual([SILERO_V5]);
    const result = await a.session.run({
      input: new Tensor('float32', new Float32Array(576), [1, 576]),
      state: new Tensor('float32', new Float32Array(256), [2, 1, 128]),
      sr: new Tensor('int64', BigInt64Array.from([16000n]), []),
    });
    expect(result['output']?.dims).toEqual([1, 1]);
    a.release();
    b.release();
  });

  it('unloads a session after its idle time and loads it again on the next use', async () => {
    const sessions = pool(0.05);
    let loads = 0;
    sessions.onLoad(() => loads++);
    await sessions.use(SILERO_V5, SILERO_CONTRACT, async () => {});
    expect(sessions.loaded()).toEqual([SILERO_V5]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sessions.loaded()).toEqual([]);
    await sessions.use(SILERO_V5, SILERO_CONTRACT, async () => {});
    expect(loads).toBe(2);
  });

  it('keeps a session loaded while it is borrowed, whatever the idle time', async () => {
    const sessions = pool(0.05);
    const lease = await sessions.acquire(SILERO_V5, SILERO_CONTRACT);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sessions.loaded()).toEqual([SILERO_V5]);
    lease.release();
  });

  it('reports a missing file as model_file_missing', async () => {
    const error = await modelError(pool().acquire(join(tempDir(), 'absent.onnx'), SILERO_CONTRACT));
    expect(error.code).toBe('model_file_missing');
    expect(error.message).toContain('absent.onnx');
  });

  it('reports a corrupt file as model_corrupt and loads the repaired file on the next try', async () => {
    const path = join(tempDir(), 'damaged.onnx');
    writeFileSync(path, Buffer.from('this is not a protobuf model at all'));
    const sessions = pool();
    expect((await modelError(sessions.acquire(path, SILERO_CONTRACT))).code).toBe('model_corrupt');
    copyFileSync(SILERO_V5, path);
    const lease = await sessions.acquire(path, SILERO_CONTRACT);
    lease.release();
  });

  it('explains a contract mismatch: what was expected and what the file has', async () => {
    const wrong: ModelContract = {
      description: 'Whisper encoder',
      inputs: [{ name: 'input_features', type: ['float32'], rank: 3 }],
      outputs: [
        { name: 'last_hidden_state', type: ['float32'] },
        { name: /^present\./, required: false },
      ],
    };
    const error = await modelError(pool().acquire(SILERO_V5, wrong));
    expect(error.code).toBe('model_contract_mismatch');
    expect(error.message).toContain('missing input input_features (float32, rank 3)');
    expect(error.message).toContain('missing output last_hidden_state');
    expect(error.message).toMatch(
      /It has inputs input \(float32 \[\?, \?\]\), state \(float32 \[2, \?, 128\]\), sr \(int64 \[\]\)/,
    );
  });

  it('explains how to fix a CUDA provider whose files are not installed', async () => {
    const binaries = join(
      dirname(require.resolve('onnxruntime-node')),
      '..',
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
    const cuda = new SessionPool({
      executionProvider: 'cuda',
      intraOpThreads: 1,
      interOpThreads: 1,
      idleTtlS: 0,
    });
    pools.push(cuda);
    if (existsSync(join(binaries, 'libonnxruntime_providers_cuda.so'))) {
      // This machine has onnxruntime's CUDA files: the model must load on the GPU provider.
      (await cuda.acquire(SILERO_V5, SILERO_CONTRACT)).release();
      return;
    }
    const error = await modelError(cuda.acquire(SILERO_V5, SILERO_CONTRACT));
    expect(error.code).toBe('model_load_failed');
    expect(error.message).toContain('EARSHOT_EXECUTION_PROVIDER=cpu');
  });

  it('reports wrong element types and ranks', async () => {
    const typed: ModelContract = {
      description: 'test',
      inputs: [{ name: 'input', type: ['float16'], rank: 3 }],
      outputs: [],
    };
    const error = await modelError(pool().acquire(SILERO_V5, typed));
    expect(error.message).toContain('input input is float32, expected float16');
    expect(error.message).toContain('input input has rank 2, expected 3');
  });
});
