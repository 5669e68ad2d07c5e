/**
 * A WebSocket test client (the `ws` package): connects to a started server, records every JSON
 * event it receives, and lets a test wait for the next event of a type, or for the close, without
 * sleeping. Audio helpers turn samples into the pcm16 the realtime (base64) and stream (binary)
 * protocols carry.
 */
import WebSocket, { type ClientOptions } from 'ws';

export type ServerEvent = { type: string } & Record<string, unknown>;

export interface SocketClient {
  socket: WebSocket;
  /** Every event received so far, in order. */
  events: ServerEvent[];
  /** The subprotocol the server chose. */
  protocol: string;
  send(event: Record<string, unknown> | string | Buffer): void;
  /** Resolves with the first event of `type` received after `from` (an index into `events`). */
  next(type: string, from?: number): Promise<ServerEvent>;
  /** Resolves once `count` events of `type` have arrived in all. */
  count(type: string, count: number): Promise<ServerEvent[]>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<{ code: number; reason: string }>;
}

/** The WebSocket URL of a route on a server started by `startServer`. */
export function socketUrl(serverUrl: string, path: string): string {
  return `${serverUrl.replace(/^http/, 'ws')}${path}`;
}

export async function connect(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<SocketClient> {
  const socketOptions: ClientOptions = {
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.autoPong === false ? { autoPong: false } : {}),
  };
  const socket = new WebSocket(url, options.protocols ?? [], socketOptions);
  const events: ServerEvent[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data, binary) => {
    if (!binary) events.push(JSON.parse(String(data)) as ServerEvent);
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk;
      });
      response.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${response.statusCode}`), {
            status: response.statusCode,
            headers: response.headers,
            body,
          }),
        ),
      );
    });
  });
  const until = async <T>(found: () => T | undefined, what: string): Promise<T> => {
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      if (socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed before ${what}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {
    socket,
    events,
    protocol: socket.protocol,
    send: (event) =>
      socket.send(
        typeof event === 'string' || Buffer.isBuffer(event) ? event : JSON.stringify(event),
      ),
    next: (type, from = 0) =>
      until(() => events.slice(from).find((event) => event.type === type), type),
    count: (type, count) =>
      until(() => {
        const found = events.filter((event) => event.type === type);
        return found.length >= count ? found : undefined;
      }, `${count} × ${type}`),
    closed,
    close: () => {
      socket.close(1000, 'done');
      return closed;
    },
  };
}

/** Samples in [-1, 1] as 16-bit little-endian PCM. */
export function pcm16(samples: Float32Array): Buffer {
  const bytes = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const value = Math.max(-1, Math.min(1, samples[i] as number));
    bytes.writeInt16LE(Math.round(value * 32767), i * 2);
  }
  return bytes;
}

/** Samples in [-1, 1] as base64 16-bit little-endian PCM. */
export function pcm16Base64(samples: Float32Array): string {
  return pcm16(samples).toString('base64');
}

/** Binary pcm16 messages of `chunkMs` each (the way a microphone client sends to /v1/stream). */
export function pcm16Chunks(samples: Float32Array, sampleRate: number, chunkMs = 100): Buffer[] {
  const size = Math.round((sampleRate * chunkMs) / 1000);
  const chunks: Buffer[] = [];
  for (let from = 0; from < samples.length; from += size) {
    chunks.push(pcm16(samples.subarray(from, from + size)));
  }
  return chunks;
}

/** `input_audio_buffer.append` events of `chunkMs` each (the way a microphone client sends). */
export function appendEvents(samples: Float32Array, sampleRate: number, chunkMs = 100) {
  const size = Math.round((sampleRate * chunkMs) / 1000);
  const events: Array<{ type: string; audio: string }> = [];
  for (let from = 0; from < samples.length; from += size) {
    events.push({
      type: 'input_audio_buffer.append',
      audio: pcm16Base64(samples.subarray(from, from + size)),
    });
  }
  return events;
}
