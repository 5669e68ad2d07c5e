/**
 * One WebSocket connection as the session protocols (realtime, stream) use it: JSON events out;
 * client messages in, handled one at a time in arrival order, with TCP backpressure (the socket
 * stops reading) when the protocol falls behind; graceful shutdown (no more input, work in
 * progress finishes, then close 1001); a heartbeat that cuts peers which stopped answering pings;
 * and one log line when it ends (route, duration, close code, message counts: never content). A
 * protocol failure closes the socket with 1011.
 */
import type { WebSocket } from '@fastify/websocket';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './clock.js';
import type { ServerMetrics } from './metrics.js';
import type { ClosableSession, SocketSessions } from './socket-sessions.js';

/** What a session protocol implements; the channel calls it. */
export interface SocketProtocol {
  /** Runs first, before any client message is handled. */
  start(): Promise<void>;
  receive(data: Buffer, binary: boolean): Promise<void>;
  /**
   * Stops taking input at once (later messages are refused), and resolves once the work in
   * progress has finished or been cancelled. It may be called again: the channel does, after the
   * message being handled when the first call came has finished, so work it started is included.
   */
  drain(): Promise<void>;
  /** The connection is gone: cancel everything and release resources. */
  dispose(): void;
}

/** WebSocket close codes the server uses (RFC 6455 §7.4.1). */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  internalError: 1011,
} as const;

/** Client messages queued before the socket stops reading from the connection. */
const MAX_QUEUED_MESSAGES = 16;
/** How long a peer has to answer our close frame before the connection is cut. */
const CLOSE_HANDSHAKE_MS = 2000;
/**
 * A ping goes out this often; a peer that has not answered the previous one by then is gone
 * (a dropped network leaves no close behind) and its connection is cut, freeing its place.
 */
const HEARTBEAT_MS = 30_000;

export interface SocketChannelOptions {
  route: string;
  logger: FastifyBaseLogger;
  metrics: ServerMetrics;
  sessions: SocketSessions;
  clock: Clock;
}

export class SocketChannel implements ClosableSession {
  private protocol: SocketProtocol | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private paused = false;
  private received = 0;
  private sent = 0;
  private readonly opened: number;
  private readonly closed: Promise<void>;
  private forget: () => void = () => {};
  private alive = true;
  private stopHeartbeat: () => void = () => {};

  constructor(
    private readonly socket: WebSocket,
    private readonly options: SocketChannelOptions,
  ) {
    this.opened = options.clock.now();
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Runs `protocol` on this socket until either side closes it. */
  run(protocol: SocketProtocol): void {
    this.protocol = protocol;
    this.forget = this.options.sessions.add(this.options.route, this);
    this.socket.on('message', (data, binary) => this.enqueue(toBuffer(data), binary));
    this.socket.once('close', (code) => this.onClose(code));
    this.socket.on('pong', () => {
      this.alive = true;
    });
    this.heartbeat();
    this.schedule(() => protocol.start());
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Sends one event as a JSON text message (nothing once the socket is closing). */
  send(event: Record<string, unknown>): void {
    if (!this.isOpen) return;
    if (event['type'] === 'error') {
      const code = (event['error'] as { code?: unknown } | undefined)?.code;
      this.options.metrics.countSocketError(this.options.route, String(code ?? 'unknown'));
    }
    this.sent++;
    this.socket.send(JSON.stringify(event));
  }

  /** Closes the socket; the connection is cut if the peer does not answer the close in time. */
  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED) return;
    if (this.socket.readyState !== this.socket.CLOSING) this.socket.close(code, reason);
    const cancel = this.options.clock.setTimeout(() => this.socket.terminate(), CLOSE_HANDSHAKE_MS);
    void this.closed.then(cancel);
  }

  async shutdown(): Promise<void> {
    const protocol = this.protocol;
    if (protocol && this.isOpen) {
      protocol.drain().catch(() => {});
      await this.chain;
      await protocol.drain().catch(() => {});
      this.close(CLOSE_CODES.goingAway, 'server shutting down');
    }
    await this.closed;
  }

  private enqueue(data: Buffer, binary: boolean): void {
    this.received++;
    this.schedule(() => (this.protocol as SocketProtocol).receive(data, binary));
  }

  private schedule(work: () => Promise<void>): void {
    this.queued++;
    if (this.queued >= MAX_QUEUED_MESSAGES && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    this.chain = this.chain
      .then(() => (this.isOpen ? work() : undefined))
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, route: this.options.route }, 'socket failed');
        this.close(CLOSE_CODES.internalError, 'internal error');
      })
      .finally(() => {
        this.queued--;
        if (this.paused && this.queued <= MAX_QUEUED_MESSAGES / 2) {
          this.paused = false;
          this.socket.resume();
        }
      });
  }

  private heartbeat(): void {
    this.stopHeartbeat = this.options.clock.setTimeout(() => {
      if (!this.alive) {
        this.socket.terminate();
        return;
      }
      this.alive = false;
      if (this.isOpen) this.socket.ping();
      this.heartbeat();
    }, HEARTBEAT_MS);
  }

  private onClose(code: number): void {
    this.stopHeartbeat();
    this.forget();
    this.protocol?.dispose();
    this.options.logger.info(
      {
        route: this.options.route,
        code,
        received: this.received,
        sent: this.sent,
        ms: Math.round(this.options.clock.now() - this.opened),
      },
      'socket closed',
    );
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
