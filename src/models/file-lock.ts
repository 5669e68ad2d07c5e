/**
 * A lock file that keeps two processes (or two stores in one process) from downloading the same
 * file at once. The holder creates the file exclusively, writes its pid and host, and touches it
 * while it works; a waiter takes the lock over when the holder's process is gone (same host) or
 * the file has not been touched for `staleMs` (a crashed holder on another host sharing the
 * folder).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export interface FileLockOptions {
  /** A lock untouched for this long is abandoned. Default 30 s. */
  staleMs?: number;
  /** Delay between attempts while another holder works. Default 100 ms. */
  pollMs?: number;
  /** Called once when the lock is found held by someone else. */
  onWait?: (holder: LockHolder | null) => void;
  signal?: AbortSignal;
}

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LockHolder | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, since: String(parsed.since) };
  } catch {
    return null;
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  let touched: number;
  try {
    touched = (await stat(path)).mtimeMs;
  } catch {
    return false; // Gone already: the next attempt will take it.
  }
  const holder = await readHolder(path);
  if (holder && holder.host === hostname() && holder.pid !== process.pid) {
    return !processAlive(holder.pid);
  }
  // A half-written or foreign lock: only its age tells.
  return Date.now() - touched > staleMs;
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
    };
    await handle.writeFile(JSON.stringify(holder));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(resolvePromise, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Runs `work` while holding the lock at `path`, waiting for any other holder first. */
export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const pollMs = options.pollMs ?? 100;
  await mkdir(dirname(path), { recursive: true });
  let told = false;
  while (!(await tryCreate(path))) {
    if (await isStale(path, staleMs)) {
      // Moved aside with one atomic rename rather than deleted: of two waiters that found the
      // same stale lock, only one succeeds.
      const aside = `${path}.${randomUUID()}.stale`;
      if (
        await rename(path, aside).then(
          () => true,
          () => false,
        )
      )
        await rm(aside, { force: true });
      continue;
    }
    if (!told) {
      told = true;
      options.onWait?.(await readHolder(path));
    }
    options.signal?.throwIfAborted();
    await delay(pollMs, options.signal);
  }
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      void utimes(path, now, now).catch(() => {});
    },
    Math.max(1000, staleMs / 3),
  );
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    await rm(path, { force: true });
  }
}
