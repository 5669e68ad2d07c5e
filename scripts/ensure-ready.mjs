#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs dependencies when
// node_modules is missing or older than the lock file, then builds when dist is out of date.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const npm = process.env.npm_execpath
  ? [process.execPath, process.env.npm_execpath]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm'];

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newestIn(directory) {
  let newest = mtime(directory);
  if (!existsSync(directory)) return 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : mtime(path));
  }
  return newest;
}

function run(args) {
  const [command, ...rest] = [...npm, ...args];
  const result = spawnSync(command, rest, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const installedMarker = join(root, 'node_modules', '.package-lock.json');
if (
  !existsSync(installedMarker) ||
  mtime(installedMarker) < mtime(join(root, 'package-lock.json'))
) {
  run(['install', '--no-audit', '--no-fund']);
}
const builtMarker = join(root, 'dist', 'index.js');
if (
  mtime(builtMarker) < Math.max(newestIn(join(root, 'src')), mtime(join(root, 'tsconfig.json')))
) {
  run(['run', 'build']);
}
