/**
 * The kinds of input `loadAudio` accepts, reduced to one of two shapes: a file on disk (read in
 * chunks, handed to ffmpeg by path so that containers with their index at the end still work) or
 * bytes in memory.
 */
import { open, stat } from 'node:fs/promises';
import { AudioDecodeError } from '../errors.js';

/** A path, the bytes of a file, or a stream of those bytes. */
export type AudioInput = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

export type ResolvedInput =
  | { kind: 'file'; path: string; size: number; head: Uint8Array }
  | { kind: 'bytes'; bytes: Uint8Array; size: number; head: Uint8Array };

const HEAD_BYTES = 64 * 1024;

/**
 * Reads a stream to the end, or fails with `audio_decode_timeout` when `timeoutMs` passes first;
 * a stream that stalls is destroyed rather than waited on forever.
 */
async function collect(
  stream: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  timeoutMs: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const iterator = stream[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new AudioDecodeError(
          'audio_decode_timeout',
          `The audio stream did not finish within ${Math.round(timeoutMs / 1000)} s.`,
        ),
      );
    }, timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), expired]);
      if (next.done) break;
      const chunk = next.value;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += bytes.byteLength;
      if (total > maxBytes) {
        throw new AudioDecodeError(
          'audio_too_long',
          `Audio stream is larger than the ${Math.round(maxBytes / 2 ** 20)} MiB limit.`,
        );
      }
      chunks.push(bytes);
    }
  } catch (error) {
    (stream as { destroy?: (error?: Error) => void }).destroy?.();
    void iterator.return?.();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks, total);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Turns any accepted input into a file reference or in-memory bytes, with its first bytes. */
export async function resolveInput(
  input: AudioInput,
  limits: { maxStreamBytes: number; timeoutMs: number },
): Promise<ResolvedInput> {
  if (typeof input === 'string') {
    let size: number;
    try {
      const info = await stat(input);
      if (!info.isFile()) {
        throw new AudioDecodeError('audio_unreadable', `${input} is not a regular file.`, {
          details: { path: input },
        });
      }
      size = info.size;
    } catch (error) {
      if (error instanceof AudioDecodeError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code})`;
      throw new AudioDecodeError('audio_unreadable', `Audio file ${input} ${reason}.`, {
        cause: error,
        details: { path: input },
      });
    }
    const handle = await open(input, 'r');
    try {
      const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
      await handle.read(head, 0, head.length, 0);
      return { kind: 'file', path: input, size, head };
    } finally {
      await handle.close();
    }
  }
  if (input instanceof Uint8Array) {
    return {
      kind: 'bytes',
      bytes: input,
      size: input.byteLength,
      head: input.subarray(0, HEAD_BYTES),
    };
  }
  if (isAsyncIterable(input)) {
    const bytes = await collect(input, limits.maxStreamBytes, limits.timeoutMs);
    return { kind: 'bytes', bytes, size: bytes.byteLength, head: bytes.subarray(0, HEAD_BYTES) };
  }
  throw new AudioDecodeError(
    'audio_unreadable',
    'Audio input must be a file path, a Buffer/Uint8Array or a readable stream.',
  );
}

/** Reads `length` bytes at `offset` from either kind of input. */
export async function readRange(
  input: ResolvedInput,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const end = Math.min(input.size, offset + length);
  if (input.kind === 'bytes') return input.bytes.subarray(offset, end);
  const handle = await open(input.path, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, end - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
