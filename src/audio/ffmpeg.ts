/**
 * Running ffmpeg over pipes: finding the binary, enforcing a deadline, and reading what it says
 * about the input on stderr. Only this module spawns ffmpeg.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { AudioDecodeError, ExternalToolError } from '../errors.js';

const require = createRequire(import.meta.url);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, pathVariable = process.env['PATH'] ?? ''): string | null {
  for (const directory of pathVariable.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function bundledFfmpeg(): string | null {
  try {
    const installer = require('@ffmpeg-installer/ffmpeg') as { path?: string };
    return installer.path && isExecutable(installer.path) ? installer.path : null;
  } catch {
    return null;
  }
}

/**
 * The ffmpeg to use: the configured path, else `ffmpeg` on PATH, else the binary shipped in the
 * `@ffmpeg-installer/ffmpeg` package.
 */
export function locateFfmpeg(configured: string | null = null): string {
  if (configured) {
    if (!isExecutable(configured)) {
      throw new ExternalToolError(
        'ffmpeg_not_found',
        `ffmpeg was configured at ${configured} (EARSHOT_FFMPEG) but that file is not an executable.`,
        {
          details: { path: configured },
        },
      );
    }
    return configured;
  }
  const found = findOnPath('ffmpeg') ?? bundledFfmpeg();
  if (!found) {
    throw new ExternalToolError(
      'ffmpeg_not_found',
      'ffmpeg is needed for this audio format but was not found: install ffmpeg, set EARSHOT_FFMPEG to its path, or reinstall Earshot so that @ffmpeg-installer/ffmpeg is present.',
    );
  }
  return found;
}

export interface FfmpegRun {
  /** Resolves with ffmpeg's stderr when it exits with status 0; rejects otherwise. */
  done: Promise<string>;
  stdout: NodeJS.ReadableStream;
  stdin: NodeJS.WritableStream;
  /** Everything ffmpeg has written to stderr so far (capped). */
  stderr(): string;
  kill(): void;
}

const STDERR_LIMIT = 64 * 1024;

/**
 * Starts ffmpeg with `args`. The process is killed when `timeoutMs` passes or `signal` aborts;
 * `done` then rejects with `audio_decode_timeout` or an abort error.
 */
export function runFfmpeg(
  ffmpegPath: string,
  args: string[],
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): FfmpegRun {
  const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'info', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk;
  });
  // Writing into a pipe ffmpeg has closed raises EPIPE; the exit status reports the real problem.
  child.stdin.on('error', () => {});
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  const onAbort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const done = new Promise<string>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT' || error.code === 'EACCES') {
        reject(
          new ExternalToolError(
            'ffmpeg_not_found',
            `ffmpeg could not be started from ${ffmpegPath}: ${error.message}`,
            { cause: error },
          ),
        );
      } else {
        reject(
          new ExternalToolError('ffmpeg_failed', `ffmpeg could not be started: ${error.message}`, {
            cause: error,
          }),
        );
      }
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (timedOut) {
        reject(
          new AudioDecodeError(
            'audio_decode_timeout',
            `Audio processing took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped.`,
          ),
        );
      } else if (options.signal?.aborted) {
        reject(
          options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'),
        );
      } else if (status === 0) {
        resolve(stderr);
      } else {
        reject(new FfmpegExitError(status, stderr));
      }
    });
  });
  return {
    done,
    stdout: child.stdout,
    stdin: child.stdin,
    stderr: () => stderr,
    kill: () => child.kill('SIGKILL'),
  };
}

/** ffmpeg exited with a non-zero status; callers translate it into a user-facing error. */
export class FfmpegExitError extends Error {
  constructor(
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`ffmpeg exited with status ${status}: ${lastMeaningfulLine(stderr)}`);
  }
}

/** The last line of ffmpeg's output that says something, without file paths. */
export function lastMeaningfulLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) => line !== '' && !line.startsWith('Stream mapping') && !line.startsWith('Press ['),
    );
  const line = lines.at(-1) ?? 'no output';
  return line.replace(/(file:)?\/[^\s:'"]+/g, '<file>');
}

export interface ProbedStream {
  /** Container as ffmpeg names it (`flac`, `mov,mp4,m4a,3gp,3g2,mj2`, …). */
  container: string | null;
  /** Declared duration, when the container states one. */
  durationS: number | null;
  /** First audio stream's codec, rate and channel count, as ffmpeg reports on input. */
  codec: string | null;
  sampleRate: number | null;
  channels: number | null;
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  '2.1': 3,
  '3.0': 3,
  '3.0(back)': 3,
  quad: 4,
  'quad(side)': 4,
  '4.0': 4,
  '4.1': 5,
  '5.0': 5,
  '5.0(side)': 5,
  '5.1': 6,
  '5.1(side)': 6,
  '6.0': 6,
  '6.1': 7,
  '7.0': 7,
  '7.1': 8,
  '7.1(wide)': 8,
  octagonal: 8,
  downmix: 2,
};

/** Parses an `Audio: codec, rate Hz, layout, …` stream description. */
export function parseAudioStreamLine(
  line: string,
): { codec: string; sampleRate: number; channels: number } | null {
  const match = /Audio: ([^,\s]+)[^,]*, (\d+) Hz, ([^,]+)/.exec(line);
  if (!match) return null;
  const layout = (match[3] as string).trim();
  const counted = /^(\d+) channels/.exec(layout);
  const channels = counted ? Number(counted[1]) : (LAYOUT_CHANNELS[layout] ?? null);
  if (channels === null) return null;
  return { codec: match[1] as string, sampleRate: Number(match[2]), channels };
}

/** Reads the input description ffmpeg prints before decoding. */
export function parseInputInfo(stderr: string): ProbedStream {
  const inputStart = stderr.indexOf('Input #0');
  const outputStart = stderr.indexOf('Output #0');
  const inputPart =
    inputStart < 0 ? '' : stderr.slice(inputStart, outputStart < 0 ? undefined : outputStart);
  const container = /Input #0, (.+?), from /.exec(inputPart)?.[1] ?? null;
  const durationMatch = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(inputPart);
  const durationS = durationMatch
    ? Number(durationMatch[1]) * 3600 + Number(durationMatch[2]) * 60 + Number(durationMatch[3])
    : null;
  const audioLine = inputPart.split('\n').find((line) => line.includes('Audio: '));
  const audio = audioLine ? parseAudioStreamLine(audioLine) : null;
  return {
    container,
    durationS,
    codec: audio?.codec ?? null,
    sampleRate: audio?.sampleRate ?? null,
    channels: audio?.channels ?? null,
  };
}

/** Reads the channel count and rate of the decoded output stream. */
export function parseOutputAudio(stderr: string): { sampleRate: number; channels: number } | null {
  const outputStart = stderr.indexOf('Output #0');
  if (outputStart < 0) return null;
  const line = stderr
    .slice(outputStart)
    .split('\n')
    .find((candidate) => candidate.includes('Audio: '));
  const parsed = line ? parseAudioStreamLine(line) : null;
  return parsed ? { sampleRate: parsed.sampleRate, channels: parsed.channels } : null;
}
