import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { useTempDir } from '../helpers/tmp.js';
import { embedderRepo, makeStore, useTestHub } from './store-helpers.js';

const tempDir = useTempDir('earshot-store-');
const hub = useTestHub();

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

const EMBEDDER = { kind: 'audio-embedder' as const };

/**
 * The offset a range request resumed from. How much of a dropped transfer reaches the disk
 * depends on socket buffering, so tests check that a resume starts after the first byte and no
 * later than where the server cut the connection.
 */
function resumedAt(range: string | null | undefined, cutAt: number): number {
  const start = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1]);
  expect(start).toBeGreaterThan(0);
  expect(start).toBeLessThanOrEqual(cutAt);
  return start;
}

describe('model store downloads', () => {
  it('fetches only the files the kind and dtype need, then uses the cache without the network', async () => {
    const files = embedderRepo();
    hub().addRepo('earshot/only-needed', files);
    const { store, events } = makeStore(hub(), tempDir());
    const model = await store.resolve('earshot/only-needed', { ...EMBEDDER, dtype: 'q8' });
    expect(model.source).toBe('download');
    expect(Object.keys(model.files).sort()).toEqual(['config', 'model']);
    expect(
      readFileSync(model.files.model).equals(files['onnx/model_quantized.onnx'] as Buffer),
    ).toBe(true);
    const fetched = hub()
      .requests.filter((r) => r.path.includes('/only-needed/resolve/'))
      .map((r) => r.path.split('/').slice(5).join('/'));
    expect(fetched.sort()).toEqual(['config.json', 'onnx/model_quantized.onnx']);
    const done = events.filter((event) => event.type === 'done');
    expect(done.map((event) => [event.file, event.verified])).toEqual([
      ['config.json', 'git-sha1'],
      ['onnx/model_quantized.onnx', 'sha256'],
    ]);

    const before = hub().requests.length;
    const again = await store.resolve('earshot/only-needed', { ...EMBEDDER, dtype: 'q8' });
    expect(again.source).toBe('cache');
    expect(again.files).toEqual(model.files);
    expect(hub().requests.length).toBe(before);
  });

  it('follows the redirect to the CDN and never sends the token there', async () => {
    hub().addRepo('earshot/private-model', embedderRepo(), { private: true });
    const { store } = makeStore(hub(), tempDir(), { token: hub().token });
    await store.resolve('earshot/private-model', EMBEDDER);
    const relevant = hub().requests.filter(
      (r) => r.path.includes('private-model') || r.path.includes('file=onnx'),
    );
    const cdn = relevant.filter((r) => r.server === 'cdn');
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((r) => r.authorization === null)).toBe(true);
    const onHub = relevant.filter((r) => r.server === 'hub');
    expect(onHub.every((r) => r.authorization === `Bearer ${hub().token}`)).toBe(true);
  });

  it('resumes with a range request after the connection drops midway', async () => {
    const files = embedderRepo(2);
    hub().addRepo('earshot/dropped', files);
    hub().fault('onnx/model.onnx', { dropAfterBytes: 100_000 });
    const { store, events } = makeStore(hub(), tempDir());
    const model = await store.resolve('earshot/dropped', EMBEDDER);
    expect(readFileSync(model.files.model).equals(files['onnx/model.onnx'] as Buffer)).toBe(true);
    const [first, second] = hub().transfers('onnx/model.onnx').slice(-2);
    expect(first?.range).toBeNull();
    const start = resumedAt(second?.range, 100_000);
    const retry = events.find((event) => event.type === 'retry');
    expect(retry).toMatchObject({ file: 'onnx/model.onnx', attempt: 2 });
    expect((retry as { receivedBytes: number }).receivedBytes).toBeGreaterThanOrEqual(start);
    expect(events.find((e) => e.type === 'done' && e.file === 'onnx/model.onnx')).toMatchObject({
      verified: 'sha256',
    });
  });

  it('abandons a transfer that stalls for longer than the timeout and resumes it', async () => {
    const files = embedderRepo(7);
    hub().addRepo('earshot/stalled', files);
    const never = new Promise<void>(() => {});
    hub().fault('onnx/model.onnx', { hold: never });
    const { store, events } = makeStore(hub(), tempDir(), { timeoutS: 2 });
    const model = await store.resolve('earshot/stalled', EMBEDDER);
    expect(readFileSync(model.files.model).equals(files['onnx/model.onnx'] as Buffer)).toBe(true);
    const half = (files['onnx/model.onnx'] as Buffer).length >> 1;
    const retry = events.find(
      (event) => event.type === 'retry' && event.file === 'onnx/model.onnx',
    );
    expect(retry).toBeDefined();
    resumedAt(hub().transfers('onnx/model.onnx').at(-1)?.range, half);
  });

  it('keeps the part downloaded before a failure and resumes it on the next run', async () => {
    const files = embedderRepo(3);
    hub().addRepo('earshot/next-run', files);
    hub().fault('onnx/model.onnx', { dropAfterBytes: 150_000 });
    const first = makeStore(hub(), tempDir(), { attempts: 1 });
    const error = await failure(first.store.resolve('earshot/next-run', EMBEDDER));
    expect(error.code).toBe('model_download_failed');
    expect(error.message).toContain('Run the command again to resume');
    const folder = first.store.folderFor('earshot/next-run');
    expect(existsSync(join(folder, 'onnx', 'model.onnx'))).toBe(false);
    // The interrupted model is listed, so it can be seen and removed.
    expect((await first.store.list()).map((model) => model.id)).toEqual(['earshot/next-run']);

    const second = makeStore(hub(), tempDir(), { dir: first.dir });
    const model = await second.store.resolve('earshot/next-run', EMBEDDER);
    expect(readFileSync(model.files.model).equals(files['onnx/model.onnx'] as Buffer)).toBe(true);
    const start = resumedAt(hub().transfers('onnx/model.onnx').at(-1)?.range, 150_000);
    expect(
      second.events.find((e) => e.type === 'start' && e.file === 'onnx/model.onnx'),
    ).toMatchObject({ resumedFrom: start });
    expect(readdirSync(join(folder, '.earshot', 'partial'))).toEqual([]);
  });

  it('starts again from the first byte when the server ignores the range request', async () => {
    const files = embedderRepo(6);
    hub().addRepo('earshot/no-ranges', files);
    hub().fault('onnx/model.onnx', { dropAfterBytes: 120_000 });
    const first = makeStore(hub(), tempDir(), { attempts: 1 });
    await failure(first.store.resolve('earshot/no-ranges', EMBEDDER));
    hub().fault('onnx/model.onnx', { ignoreRange: true });
    const second = makeStore(hub(), tempDir(), { dir: first.dir });
    const model = await second.store.resolve('earshot/no-ranges', EMBEDDER);
    expect(readFileSync(model.files.model).equals(files['onnx/model.onnx'] as Buffer)).toBe(true);
    resumedAt(hub().transfers('onnx/model.onnx').at(-1)?.range, 120_000);
  });

  it('discards a large file whose sha256 does not match and succeeds on a clean retry', async () => {
    hub().addRepo('earshot/damaged', embedderRepo(4));
    hub().fault('onnx/model.onnx', { corrupt: true });
    const { store } = makeStore(hub(), tempDir());
    const error = await failure(store.resolve('earshot/damaged', EMBEDDER));
    expect(error.code).toBe('model_checksum_mismatch');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/onnx\/model\.onnx of earshot\/damaged does not match.*sha256/);
    const folder = store.folderFor('earshot/damaged');
    expect(existsSync(join(folder, 'onnx', 'model.onnx'))).toBe(false);
    expect(readdirSync(join(folder, '.earshot', 'partial'))).toEqual([]);
    const model = await store.resolve('earshot/damaged', EMBEDDER);
    expect(existsSync(model.files.model)).toBe(true);
  });

  it('checks small git-stored files against their blob id', async () => {
    hub().addRepo('earshot/damaged-config', embedderRepo(5));
    hub().fault('config.json', { corrupt: true });
    const { store } = makeStore(hub(), tempDir());
    const error = await failure(store.resolve('earshot/damaged-config', EMBEDDER));
    expect(error.code).toBe('model_checksum_mismatch');
    expect(error.message).toContain('git blob id');
  });

  it('asks for HF_TOKEN when the hub answers 401 to a request without a token', async () => {
    hub().addRepo('earshot/needs-token', embedderRepo(), { private: true });
    const anonymous = makeStore(hub(), tempDir());
    const error = await failure(anonymous.store.resolve('earshot/needs-token', EMBEDDER));
    expect(error.code).toBe('model_unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toContain('without a token');
    expect(error.message).toContain('set HF_TOKEN');

    const wrong = makeStore(hub(), tempDir(), { token: 'hf_wrong' });
    const refused = await failure(wrong.store.resolve('earshot/needs-token', EMBEDDER));
    expect(refused.message).toContain('did not accept the token in HF_TOKEN');
  });

  it('explains a gated model and points to its page', async () => {
    hub().addRepo('earshot/gated', embedderRepo(), { gated: true });
    const { store } = makeStore(hub(), tempDir(), { token: 'hf_not_approved' });
    const error = await failure(store.resolve('earshot/gated', EMBEDDER));
    expect(error.code).toBe('model_unauthorized');
    expect(error.message).toContain(`accept its conditions at ${hub().url}/earshot/gated`);
  });

  it('follows the relative redirect of a renamed repository', async () => {
    hub().addRepo('earshot/new-name', embedderRepo(), { renamedFrom: ['earshot/old-name'] });
    const { store } = makeStore(hub(), tempDir());
    const model = await store.resolve('earshot/old-name', EMBEDDER);
    expect(model.folder).toBe(store.folderFor('earshot/old-name'));
    expect(existsSync(model.files.model)).toBe(true);
  });

  it('names the dtypes a repository has when the requested one is missing', async () => {
    hub().addRepo('earshot/some-dtypes', embedderRepo());
    const { store } = makeStore(hub(), tempDir());
    const error = await failure(
      store.resolve('earshot/some-dtypes', { ...EMBEDDER, dtype: 'int8' }),
    );
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain('has no onnx/model_int8.onnx');
    expect(error.message).toContain('It has dtypes fp32, fp16, q8.');
  });

  it('reports an unknown model and an unknown revision as model_not_found', async () => {
    hub().addRepo('earshot/tagged', embedderRepo(), { revisions: ['v1'] });
    const { store } = makeStore(hub(), tempDir(), { token: hub().token });
    const tagged = await store.resolve('earshot/tagged@v1', EMBEDDER);
    expect(tagged.folder.endsWith(join('earshot', 'tagged@v1'))).toBe(true);
    expect(tagged.hub).toMatchObject({ id: 'earshot/tagged', revision: 'v1' });
    const revision = await failure(store.resolve('earshot/tagged@v2', EMBEDDER));
    expect(revision.code).toBe('model_not_found');
    expect(revision.message).toContain('revision "v2"');
    const missing = await failure(store.resolve('earshot/no-such-model', EMBEDDER));
    expect(missing.code).toBe('model_not_found');
  });

  it('fetches the external-data files of an ONNX graph with it', async () => {
    hub().addRepo('earshot/external', {
      ...embedderRepo(),
      'onnx/model.onnx_data': Buffer.alloc(4096, 7),
      'onnx/model_quantized.onnx_data': Buffer.alloc(10, 1),
    });
    const { store } = makeStore(hub(), tempDir());
    const model = await store.resolve('earshot/external', EMBEDDER);
    expect(readdirSync(join(model.folder, 'onnx')).sort()).toEqual([
      'model.onnx',
      'model.onnx_data',
    ]);
  });
});
