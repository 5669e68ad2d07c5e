import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { locateFfmpeg } from '../../src/audio/ffmpeg.js';

const run = promisify(execFile);

/** Runs ffmpeg to make a test file; `args` are everything after the global flags. */
export async function ffmpeg(args: string[]): Promise<void> {
  await run(locateFfmpeg(), ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Makes a file from an ffmpeg lavfi source expression, e.g. `sine=frequency=440:duration=2`. */
export async function synthesize(
  source: string,
  output: string,
  codecArgs: string[] = [],
): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', source, ...codecArgs, output]);
  return output;
}
