/**
 * Downloads one file of a model: under a lock shared by every process using the same cache,
 * into a partial file that survives interruptions (the next attempt, or the next run, resumes
 * it with an HTTP range request), verified against the hub's size and hash, then renamed into
 * place in one step so a half-written file is never seen at the real path.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { EarshotError, ModelError } from '../errors.js';
import { delay, withFileLock } from './file-lock.js';
import { asNetworkError, NetworkError } from './http.js';
import type { HubClient } from './hub-client.js';
import type { DownloadListener } from './progress.js';

export interface ExpectedFile {
  size: number | null;
  sha256: string | null;
  gitSha1: string | null;
}

export interface DownloadFileOptions {
  hub: HubClient;
  /** The model's display name, for events and messages. */
  model: string;
  id: string;
  /** Revision to fetch from: the listing's commit, so all files match. */
  commit: string;
  path: string;
  destination: string;
  /** Folder for partial files and locks. */
  workDir: string;
  expected: ExpectedFile;
  /** Checked once the lock is held: true when another process has fetched the file meanwhile. */
  alreadyDone?: () => Promise<boolean>;
  /** Tries per file, counting the first (default 5). */
  attempts?: number;
  /** First pause between tries, doubled each time (default 500 ms). */
  retryDelayMs?: number;
  lockStaleMs?: number;
  onEvent?: DownloadListener;
  signal?: AbortSignal;
}

export interface DownloadedFile {
  size: number;
  sha256: string;
  verified: 'sha256' | 'git-sha1' | 'size' | 'none';
  /** False when another process had fetched it while this one waited. */
  downloaded: boolean;
}

const PROGRESS_INTERVAL_MS = 100;

/** A file name for the path inside the work folder (no separators). */
function flatName(path: string): string {
  return path.replace(/[^\w.-]/g, '_');
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof ModelError) {
    const status = error.details['status'];
    return (
      error.code === 'model_download_failed' &&
      (status === 429 || (typeof status === 'number' && status >= 500))
    );
  }
  return false;
}

/** Downloads `path` to `destination` (see the module comment). */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadedFile> {
  const lock = join(options.workDir, 'locks', `${flatName(options.path)}.lock`);
  return withFileLock(
    lock,
    async () => {
      if (options.alreadyDone && (await options.alreadyDone())) {
        const size = await sizeOf(options.destination);
        return { size, sha256: options.expected.sha256 ?? '', verified: 'none', downloaded: false };
      }
      return fetchVerified(options);
    },
    {
      ...(options.lockStaleMs ? { staleMs: options.lockStaleMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onWait: (holder) =>
        options.onEvent?.({
          type: 'waiting',
          model: options.model,
          file: options.path,
          holder: holder ? `process ${holder.pid} on ${holder.host}` : 'another process',
        }),
    },
  );
}

async function fetchVerified(options: DownloadFileOptions): Promise<DownloadedFile> {
  const key =
    options.expected.sha256 ??
    options.expected.gitSha1 ??
    flatName(`${options.commit}-${options.path}`);
  const partial = join(options.workDir, 'partial', `${key}.part`);
  await mkdir(dirname(partial), { recursive: true });
  const resumedAtStart = await sizeOf(partial);
  try {
    const result = await transfer(options, partial);
    verify(options, result);
    await mkdir(dirname(options.destination), { recursive: true });
    await rename(partial, options.destination);
    return { ...result, downloaded: true };
  } catch (error) {
    if (error instanceof ModelError && error.code === 'model_checksum_mismatch') {
      await rm(partial, { force: true });
      // A partial file from an earlier run may have been of another version: start over once.
      if (resumedAtStart > 0) return fetchVerified(options);
    }
    if (error instanceof EarshotError || options.signal?.aborted) throw error;
    const network = asNetworkError(error);
    throw new ModelError(
      'model_download_failed',
      network instanceof NetworkError
        ? `Downloading ${options.path} of ${options.model} failed: ${network.message}. Run the command again to resume.`
        : `Could not write ${options.path} of ${options.model} to ${dirname(partial)}: ${(error as Error).message}`,
      { cause: error, details: { model: options.model, file: options.path } },
    );
  }
}

interface Transferred {
  size: number;
  sha256: string;
  verified: DownloadedFile['verified'];
  headerSha256: string | null;
  headerSize: number | null;
  gitSha1: string | null;
}

async function transfer(options: DownloadFileOptions, partial: string): Promise<Transferred> {
  const attempts = options.attempts ?? 5;
  const { model, path } = options;
  let announced = false;
  for (let attempt = 1; ; attempt++) {
    let offset = await sizeOf(partial);
    if (options.expected.size !== null && offset > options.expected.size) {
      await truncate(partial, 0);
      offset = 0;
    }
    let received = offset;
    try {
      const opened = await options.hub.openFile(
        options.id,
        options.commit,
        path,
        offset,
        options.signal,
      );
      if (opened.status === 200 && offset > 0) {
        // The server ignored the range: start again from the first byte.
        await truncate(partial, 0);
        offset = 0;
        received = 0;
      }
      const total = options.expected.size ?? opened.totalSize;
      if (!announced) {
        announced = true;
        options.onEvent?.({
          type: 'start',
          model,
          file: path,
          totalBytes: total,
          resumedFrom: offset,
        });
      }
      if (opened.status === 416 && offset !== opened.totalSize) {
        throw new NetworkError('the server could not resume this download', 'EBADRANGE');
      }
      if (opened.status !== 416) {
        let lastReport = 0;
        await saveBody(opened.body, partial, offset > 0, options.signal, (bytes) => {
          received += bytes;
          const now = performance.now();
          if (now - lastReport < PROGRESS_INTERVAL_MS) return;
          lastReport = now;
          options.onEvent?.({
            type: 'progress',
            model,
            file: path,
            receivedBytes: received,
            totalBytes: total,
          });
        });
      }
      const size = await sizeOf(partial);
      if (total !== null && size < total) {
        throw new NetworkError(
          `the connection ended after ${size} of ${total} bytes`,
          'ECONNRESET',
        );
      }
      options.onEvent?.({
        type: 'progress',
        model,
        file: path,
        receivedBytes: size,
        totalBytes: total,
      });
      return await digest(options, partial, size, opened.sha256, opened.totalSize);
    } catch (error) {
      const typed = asNetworkError(error);
      if (typed instanceof NetworkError && typed.code === 'EBADRANGE') {
        await truncate(partial, 0).catch(() => {});
      }
      if (options.signal?.aborted || !isRetryable(typed) || attempt >= attempts) throw typed;
      const reason = (typed as Error).message;
      options.onEvent?.({
        type: 'retry',
        model,
        file: path,
        attempt: attempt + 1,
        receivedBytes: received,
        reason,
      });
      await delay((options.retryDelayMs ?? 500) * 2 ** (attempt - 1), options.signal);
    }
  }
}

/**
 * Writes a response body to the partial file. Unlike `pipeline`, a broken connection does not
 * discard what was received: the file is closed normally, so every byte that arrived can be
 * resumed from.
 */
function saveBody(
  body: IncomingMessage,
  path: string,
  append: boolean,
  signal: AbortSignal | undefined,
  onBytes: (bytes: number) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const file = createWriteStream(path, { flags: append ? 'a' : 'w', highWaterMark: 1 << 20 });
    let failure: unknown = null;
    let settled = false;
    const close = () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      file.end(() => (failure ? reject(failure) : resolvePromise()));
    };
    const abort = () => body.destroy(signal?.reason as Error);
    signal?.addEventListener('abort', abort, { once: true });
    file.on('error', (error) => {
      failure ??= error;
      body.destroy();
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    // Flowing mode hands every parsed chunk over at once, so little is left unwritten when the
    // connection breaks; backpressure pauses the body while the disk catches up.
    body.on('data', (chunk: Buffer) => {
      onBytes(chunk.length);
      if (!file.write(chunk)) {
        body.pause();
        file.once('drain', () => body.resume());
      }
    });
    body.on('end', close);
    body.on('error', (error) => {
      failure ??= error;
      close();
    });
    body.on('close', () => {
      if (!body.complete)
        failure ??= new NetworkError('the connection closed mid-response', 'ECONNRESET');
      close();
    });
  });
}

async function digest(
  options: DownloadFileOptions,
  partial: string,
  size: number,
  headerSha256: string | null,
  headerSize: number | null,
): Promise<Transferred> {
  const sha256 = createHash('sha256');
  const sha1 = options.expected.gitSha1 ? createHash('sha1').update(`blob ${size}\0`) : null;
  for await (const chunk of createReadStream(partial)) {
    sha256.update(chunk as Buffer);
    sha1?.update(chunk as Buffer);
  }
  const expectedSha = options.expected.sha256 ?? headerSha256;
  const expectedSize = options.expected.size ?? headerSize;
  let verified: DownloadedFile['verified'] = 'none';
  if (expectedSha) verified = 'sha256';
  else if (options.expected.gitSha1) verified = 'git-sha1';
  else if (expectedSize !== null) verified = 'size';
  return {
    size,
    sha256: sha256.digest('hex'),
    verified,
    headerSha256,
    headerSize,
    gitSha1: sha1 ? sha1.digest('hex') : null,
  };
}

function verify(options: DownloadFileOptions, result: Transferred): void {
  const expectedSize = options.expected.size ?? result.headerSize;
  const expectedSha = options.expected.sha256 ?? result.headerSha256;
  const problems: string[] = [];
  if (expectedSize !== null && result.size !== expectedSize) {
    problems.push(`${result.size} bytes instead of ${expectedSize}`);
  }
  if (expectedSha && result.sha256 !== expectedSha) {
    problems.push(`sha256 ${result.sha256} instead of ${expectedSha}`);
  }
  if (options.expected.gitSha1 && result.gitSha1 !== options.expected.gitSha1) {
    problems.push(`git blob id ${result.gitSha1} instead of ${options.expected.gitSha1}`);
  }
  if (problems.length === 0) return;
  throw new ModelError(
    'model_checksum_mismatch',
    `${options.path} of ${options.model} does not match the hub's metadata (${problems.join('; ')}); it was discarded. Try again; if it keeps happening, the hub or a proxy is serving a damaged file.`,
    { details: { model: options.model, file: options.path, problems } },
  );
}
