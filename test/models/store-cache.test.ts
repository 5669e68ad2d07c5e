import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { createLogger } from '../../src/logging.js';
import { ModelStore, resolveModel } from '../../src/models/model-store.js';
import { type DownloadEvent, logDownloads } from '../../src/models/progress.js';
import { writeAudioModelFixture } from '../fixtures/audio-models.js';
import { useTempDir } from '../helpers/tmp.js';
import { embedderRepo, makeStore, useTestHub } from './store-helpers.js';

const tempDir = useTempDir('earshot-store-cache-');
const hub = useTestHub();
const EMBEDDER = { kind: 'audio-embedder' as const };

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

/** A port nothing listens on: a server is opened and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('model store without a hub', () => {
  it('fails offline naming the model, the missing files and the folder, without any request', async () => {
    const before = hub().requests.length;
    const { store, dir } = makeStore(hub(), tempDir(), { offline: true });
    const error = await failure(
      store.resolve('onnx-community/whisper-tiny', { kind: 'whisper', dtype: 'q8' }),
    );
    expect(error.code).toBe('model_offline');
    const folder = join(dir, 'onnx-community', 'whisper-tiny');
    expect(error.message).toContain('onnx-community/whisper-tiny (whisper, q8)');
    expect(error.message).toContain('EARSHOT_OFFLINE');
    expect(error.message).toContain(
      'config.json, generation_config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json, onnx/encoder_model_quantized.onnx, onnx/decoder_model_merged_quantized.onnx',
    );
    expect(error.message).toContain(`put them, with these paths, in ${folder}`);
    expect(error.details['folder']).toBe(folder);
    expect(hub().requests.length).toBe(before);
  });

  it('uses a complete cached model offline', async () => {
    hub().addRepo('earshot/offline-ready', embedderRepo());
    const online = makeStore(hub(), tempDir());
    await online.store.resolve('earshot/offline-ready', EMBEDDER);
    const offline = new ModelStore({
      dir: online.dir,
      hubUrl: hub().url,
      offline: true,
      token: null,
      timeoutS: 5,
    });
    const model = await offline.resolve('earshot/offline-ready', EMBEDDER);
    expect(model.source).toBe('cache');
    expect((await offline.pull('earshot/offline-ready', EMBEDDER)).source).toBe('cache');
  });

  it('fails fast when the hub cannot be reached, saying where to put the files', async () => {
    const port = await closedPort();
    const store = new ModelStore({
      dir: join(tempDir(), 'unreachable'),
      hubUrl: `http://127.0.0.1:${port}`,
      offline: false,
      token: null,
      timeoutS: 5,
    });
    const error = await failure(store.resolve('onnx-community/whisper-tiny', { kind: 'whisper' }));
    expect(error.code).toBe('model_hub_unreachable');
    expect(error.message).toContain(`the hub at http://127.0.0.1:${port} could not be reached`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx');
    expect(error.message).toContain(
      join(tempDir(), 'unreachable', 'onnx-community', 'whisper-tiny'),
    );
  });

  it('keeps using a complete cached model when pull cannot reach the hub', async () => {
    hub().addRepo('earshot/pull-unreachable', embedderRepo(15));
    const online = makeStore(hub(), tempDir());
    await online.store.resolve('earshot/pull-unreachable', EMBEDDER);
    const port = await closedPort();
    const cut = new ModelStore({
      dir: online.dir,
      hubUrl: `http://127.0.0.1:${port}`,
      offline: false,
      token: null,
      timeoutS: 5,
    });
    expect((await cut.pull('earshot/pull-unreachable', EMBEDDER)).source).toBe('cache');
    const other = await failure(cut.pull('earshot/pull-unreachable', { ...EMBEDDER, dtype: 'q8' }));
    expect(other.code).toBe('model_hub_unreachable');
    expect(other.message).toContain('Missing files: onnx/model_quantized.onnx.');
  });

  it('gives up on a hub that accepts connections but never answers, within the timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const store = new ModelStore({
        dir: join(tempDir(), 'silent'),
        hubUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        offline: false,
        token: null,
        timeoutS: 1,
      });
      const error = await failure(store.resolve('earshot/any', EMBEDDER));
      expect(error.code).toBe('model_hub_unreachable');
      expect(error.message).toContain('no response');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('model store cache', () => {
  it('pull fetches only the files that changed on the hub; resolve does not look', async () => {
    hub().addRepo('earshot/changing', embedderRepo(10));
    const { store } = makeStore(hub(), tempDir());
    await store.pull('earshot/changing', EMBEDDER);
    const configTransfers = hub().transfers('config.json').length;
    const updated = embedderRepo(11);
    hub().addRepo('earshot/changing', updated);

    const cached = await store.resolve('earshot/changing', EMBEDDER);
    expect(cached.source).toBe('cache');
    expect(readFileSync(cached.files.model).equals(updated['onnx/model.onnx'] as Buffer)).toBe(
      false,
    );

    const pulled = await store.pull('earshot/changing', EMBEDDER);
    expect(pulled.source).toBe('download');
    expect(readFileSync(pulled.files.model).equals(updated['onnx/model.onnx'] as Buffer)).toBe(
      true,
    );
    expect(hub().transfers('config.json').length).toBe(configTransfers);

    const unchanged = await store.pull('earshot/changing', EMBEDDER);
    expect(unchanged.source).toBe('cache');
  });

  it('keeps a file put in the cache by hand when it matches the hub', async () => {
    const files = embedderRepo(12);
    hub().addRepo('earshot/by-hand', files);
    const { store } = makeStore(hub(), tempDir());
    const folder = store.folderFor('earshot/by-hand');
    mkdirSync(join(folder, 'onnx'), { recursive: true });
    writeFileSync(join(folder, 'onnx', 'model.onnx'), files['onnx/model.onnx'] as Buffer);
    const before = hub().transfers('onnx/model.onnx').length;
    const model = await store.resolve('earshot/by-hand', EMBEDDER);
    expect(model.source).toBe('download');
    expect(hub().transfers('onnx/model.onnx').length).toBe(before);
  });

  it('lists cached models with their size and dtypes, and removes one dtype or all', async () => {
    hub().addRepo('earshot/listed', embedderRepo(13));
    const { store } = makeStore(hub(), tempDir());
    await store.resolve('earshot/listed', EMBEDDER);
    await store.resolve('earshot/listed', { ...EMBEDDER, dtype: 'q8' });
    const [listed] = await store.list();
    expect(listed).toMatchObject({
      id: 'earshot/listed',
      revision: 'main',
      dtypes: ['fp32', 'q8'],
      files: 3,
    });
    expect(listed?.sizeBytes).toBeGreaterThan(100_000);

    expect(await store.remove('earshot/listed', { dtype: 'fp32' })).toEqual(['onnx/model.onnx']);
    expect((await store.list())[0]?.dtypes).toEqual(['q8']);
    const removed = await store.remove('earshot/listed');
    expect(removed.sort()).toEqual(['config.json', 'onnx/model_quantized.onnx']);
    expect(await store.list()).toEqual([]);
    expect(existsSync(store.folderFor('earshot/listed'))).toBe(false);
    expect((await failure(store.remove('earshot/listed'))).code).toBe('model_not_found');
  });
});

describe('progress for servers', () => {
  it('reports each file once per listener through resolveModel, and as log lines', async () => {
    hub().addRepo('earshot/logged', embedderRepo(14));
    const events: DownloadEvent[] = [];
    const sink = new PassThrough();
    let logged = '';
    sink.on('data', (chunk) => {
      logged += String(chunk);
    });
    const log = logDownloads(createLogger({ log: { level: 'info' } }, sink));
    await resolveModel('earshot/logged', {
      kind: 'audio-embedder',
      dir: join(tempDir(), 'logged'),
      hubUrl: hub().url,
      offline: false,
      token: null,
      timeoutS: 5,
      onProgress: (event) => {
        events.push(event);
        log(event);
      },
    });
    const done = events.filter((event) => event.type === 'done').map((event) => event.file);
    expect(done).toEqual(['config.json', 'onnx/model.onnx']);
    const lines = logged
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.msg)).toEqual([
      'model download started',
      'model download finished',
      'model download started',
      'model download finished',
    ]);
    expect(lines[3]).toMatchObject({
      model: 'earshot/logged',
      file: 'onnx/model.onnx',
      verified: 'sha256',
    });
  });
});

describe('local model folders', () => {
  it('resolves a folder as it is, with no network', async () => {
    const fixture = writeAudioModelFixture(
      join(tempDir(), 'local-embedder'),
      { task: 'embedder', input: { kind: 'waveform' } },
      { dtypes: ['fp32', 'q8'] },
    );
    const store = new ModelStore({
      dir: join(tempDir(), 'unused'),
      hubUrl: 'http://127.0.0.1:9',
      offline: false,
      token: null,
      timeoutS: 1,
    });
    const model = await store.resolve(fixture.folder, { ...EMBEDDER, dtype: 'q8' });
    expect(model).toMatchObject({ source: 'local', hub: null, folder: fixture.folder });
    expect(model.files.model).toBe(join(fixture.folder, 'onnx', 'model_quantized.onnx'));
  });

  it('names what a local folder lacks and which dtypes it has', async () => {
    const folder = join(tempDir(), 'partial-folder');
    writeAudioModelFixture(folder, { task: 'embedder', input: { kind: 'waveform' } });
    copyFileSync(join(folder, 'onnx', 'model.onnx'), join(folder, 'onnx', 'model_fp16.onnx'));
    rmSync(join(folder, 'config.json'));
    const store = new ModelStore({
      dir: tempDir(),
      hubUrl: 'http://127.0.0.1:9',
      offline: false,
      token: null,
      timeoutS: 1,
    });
    const error = await failure(store.resolve(folder, { ...EMBEDDER, dtype: 'q8' }));
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain('missing config.json, onnx/model_quantized.onnx');
    expect(error.message).toContain('It has ONNX files of dtype fp32, fp16.');
  });
});
