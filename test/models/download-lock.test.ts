import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/models/file-lock.js';
import { ROOT } from '../helpers/paths.js';
import { useTempDir } from '../helpers/tmp.js';
import { embedderRepo, makeStore, useTestHub } from './store-helpers.js';

const tempDir = useTempDir('earshot-lock-');
const hub = useTestHub();

interface Child {
  process: ChildProcess;
  events: Record<string, unknown>[];
  /** Resolves with the first event that satisfies `test`. */
  next(test: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts `pull-child.ts` in its own Node process (through tsx, as the benches run). */
function pullInChild(dir: string, id: string): Child {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'test', 'models', 'pull-child.ts'),
      hub().url,
      dir,
      id,
      'audio-embedder',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const events: Record<string, unknown>[] = [];
  const waiters: {
    test: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    events.push(event);
    for (const waiter of waiters.filter((w) => w.test(event))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(stderr);
      resolve(code);
    }),
  );
  return {
    process: child,
    events,
    exited,
    next: (test) => {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        void exited.then(() =>
          reject(new Error(`child exited before the expected event; stderr: ${stderr}`)),
        );
      });
    },
  };
}

describe('download lock', () => {
  it('lets one holder work at a time and removes the lock afterwards', async () => {
    const lock = join(tempDir(), 'serial', 'file.lock');
    const log: string[] = [];
    const holder = (name: string) =>
      withFileLock(
        lock,
        async () => {
          log.push(`${name} in`);
          await new Promise((resolve) => setTimeout(resolve, 30));
          log.push(`${name} out`);
        },
        { pollMs: 5 },
      );
    await Promise.all([holder('a'), holder('b'), holder('c')]);
    for (let i = 0; i < log.length; i += 2) {
      expect(log[i]?.replace(' in', '')).toBe(log[i + 1]?.replace(' out', ''));
    }
    expect(log).toHaveLength(6);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const lock = join(tempDir(), 'stale', 'file.lock');
    mkdirSync(join(tempDir(), 'stale'), { recursive: true });
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid as number;
    await new Promise((resolve) => gone.on('exit', resolve));
    const { hostname } = await import('node:os');
    writeFileSync(lock, JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }));
    let waited = false;
    const result = await withFileLock(lock, async () => 'done', {
      onWait: () => {
        waited = true;
      },
    });
    expect(result).toBe('done');
    expect(waited).toBe(false);
  });

  it('makes two stores in one process share a single download of each file', async () => {
    const files = embedderRepo(20);
    hub().addRepo('earshot/shared-in-process', files);
    const first = makeStore(hub(), tempDir());
    const second = makeStore(hub(), tempDir(), { dir: first.dir });
    const before = hub().transfers('onnx/model.onnx').length;
    const [a, b] = await Promise.all([
      first.store.resolve('earshot/shared-in-process', { kind: 'audio-embedder' }),
      second.store.resolve('earshot/shared-in-process', { kind: 'audio-embedder' }),
    ]);
    expect(a.files).toEqual(b.files);
    expect(hub().transfers('onnx/model.onnx').length - before).toBe(1);
    expect(readFileSync(a.files.model).equals(files['onnx/model.onnx'] as Buffer)).toBe(true);
  });

  it('makes a second process wait for the first one instead of fetching the same file', async () => {
    const files = embedderRepo(21);
    hub().addRepo('earshot/shared-between-processes', files);
    let release = () => {};
    hub().fault('onnx/model.onnx', { hold: new Promise<void>((resolve) => (release = resolve)) });
    const dir = join(tempDir(), 'two-processes');
    const before = hub().transfers('onnx/model.onnx').length;

    const first = pullInChild(dir, 'earshot/shared-between-processes');
    await first.next((e) => e['type'] === 'start' && e['file'] === 'onnx/model.onnx');
    const second = pullInChild(dir, 'earshot/shared-between-processes');
    const waiting = await second.next((e) => e['type'] === 'waiting');
    expect(waiting).toMatchObject({ file: 'onnx/model.onnx' });
    expect(String(waiting['holder'])).toContain(`process ${first.process.pid}`);
    release();

    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    expect(hub().transfers('onnx/model.onnx').length - before).toBe(1);
    expect(
      second.events.some((e) => e['type'] === 'start' && e['file'] === 'onnx/model.onnx'),
    ).toBe(false);
    const path = join(dir, 'earshot', 'shared-between-processes', 'onnx', 'model.onnx');
    expect(readFileSync(path).equals(files['onnx/model.onnx'] as Buffer)).toBe(true);
  });
});
