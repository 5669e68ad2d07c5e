import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temporary folder for the current test file, removed when the file's tests end. */
export function useTempDir(prefix = 'earshot-test-'): () => string {
  let directory: string | null = null;
  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    directory ??= mkdtempSync(join(tmpdir(), prefix));
    return directory;
  };
}
