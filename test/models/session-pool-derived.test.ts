import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import type { ModelContract } from '../../src/models/contract.js';
import { encodeOnnx } from '../../src/models/onnx-proto.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();
const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});
afterAll(() => pool.close());

const vector = (name: string) => ({
  name,
  type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 3 }] } } },
});
/** y = x (Identity) or y = x + x (Add), as a one-node ONNX model. */
function model(op: 'Identity' | 'Add'): Uint8Array {
  return encodeOnnx({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 18 }],
    graph: {
      name: op,
      node: [{ opType: op, input: op === 'Add' ? ['x', 'x'] : ['x'], output: ['y'] }],
      input: [vector('x')],
      output: [vector('y')],
    },
  });
}
const CONTRACT: ModelContract = {
  description: 'test model',
  inputs: [{ name: 'x', type: ['float32'], rank: 1 }],
  outputs: [{ name: 'y', type: ['float32'], rank: 1 }],
};

describe('SessionPool with derived models', () => {
  it('loads a model made from the file, once, under the file path and its key', async () => {
    const path = join(tempDir(), 'identity.onnx');
    writeFileSync(path, model('Identity'));
    let builds = 0;
    const doubled = {
      key: 'doubled',
      build: (bytes: Uint8Array) => {
        builds++;
        expect(bytes.length).toBeGreaterThan(0);
        return model('Add');
      },
    };
    const [a, b] = await Promise.all([
      pool.acquire(path, CONTRACT, doubled),
      pool.acquire(path, CONTRACT, doubled),
    ]);
    const plain = await pool.acquire(path, CONTRACT);
    const x = new Tensor('float32', Float32Array.of(1, 2, 3), [3]);
    expect(Array.from((await a.session.run({ x }))['y']?.data as Float32Array)).toEqual([2, 4, 6]);
    expect(Array.from((await plain.session.run({ x }))['y']?.data as Float32Array)).toEqual([
      1, 2, 3,
    ]);
    expect(a.session).toBe(b.session);
    expect(builds).toBe(1);
    expect(pool.loaded()).toEqual(expect.arrayContaining([path, `${path}#doubled`]));
    for (const lease of [a, b, plain]) lease.release();
  });

  it('passes on typed errors from the build and reports others as model_corrupt', async () => {
    const path = join(tempDir(), 'identity-2.onnx');
    writeFileSync(path, model('Identity'));
    const typed = await pool
      .acquire(path, CONTRACT, {
        key: 'typed',
        build: () => {
          throw new ModelError('model_contract_mismatch', 'not the right weights');
        },
      })
      .catch((error: ModelError) => error);
    expect(typed).toMatchObject({ code: 'model_contract_mismatch' });
    const other = await pool
      .acquire(path, CONTRACT, { key: 'broken', build: () => Promise.reject(new Error('boom')) })
      .catch((error: ModelError) => error);
    expect(other).toMatchObject({ code: 'model_corrupt' });
    expect((other as ModelError).message).toContain('boom');
  });
});
