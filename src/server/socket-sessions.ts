/**
 * The WebSocket sessions a server has open: admission (at most `server.maxSockets` connections at
 * once, counted from the upgrade request until the TCP connection closes, so a refused or failed
 * handshake never leaks a place) and graceful shutdown (every session is asked to finish its work
 * and close with 1001 "going away").
 */
import type { IncomingMessage } from 'node:http';
import { EarshotError, InvalidRequestError } from '../errors.js';
import type { ServerMetrics } from './metrics.js';

/** What the registry needs from an open session. */
export interface ClosableSession {
  /**
   * Stops taking input, lets work in progress finish (cut short when the server's grace period
   * ends) and closes the socket. Resolves once the socket is closed.
   */
  shutdown(): Promise<void>;
}

/** Seconds a client refused for lack of room is told to wait. */
const FULL_RETRY_AFTER_S = 5;

export class SocketSessions {
  private connections = 0;
  private readonly sessions = new Set<ClosableSession>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly limit: number,
    private readonly metrics: ServerMetrics,
  ) {}

  /** Connections open or being opened. */
  get open(): number {
    return this.connections;
  }

  /**
   * Counts an upgrade request against `server.maxSockets` until its connection closes. Throws
   * 429 `overloaded` (with Retry-After) when the server is full, 503 while it shuts down.
   */
  admit(route: string, request: IncomingMessage): void {
    if (this.closing) {
      throw new EarshotError('server_shutting_down', 'The server is shutting down.');
    }
    if (this.connections >= this.limit) {
      throw new InvalidRequestError(
        'overloaded',
        `The server has ${this.limit} WebSocket sessions open (server.maxSockets); retry in about ${FULL_RETRY_AFTER_S} s.`,
        { details: { retryAfterS: FULL_RETRY_AFTER_S } },
      );
    }
    this.connections++;
    this.metrics.addSocket(route, 1);
    request.socket.once('close', () => {
      this.connections--;
      this.metrics.addSocket(route, -1);
    });
  }

  /** Whether shutdown has begun (every session has been asked to finish). */
  get shuttingDown(): boolean {
    return this.closing !== null;
  }

  /** Sessions running (accepted and not yet ended). */
  get active(): number {
    return this.sessions.size;
  }

  /** Registers an open session; returns the function that forgets it when it ends. */
  add(route: string, session: ClosableSession): () => void {
    this.metrics.countSession(route);
    this.sessions.add(session);
    if (this.closing) void session.shutdown();
    return () => {
      this.sessions.delete(session);
    };
  }

  /** Asks every open session to finish and close; resolves once all have. */
  shutdown(): Promise<void> {
    this.closing ??= Promise.all(
      [...this.sessions].map((session) => session.shutdown().catch(() => {})),
    ).then(() => {});
    return this.closing;
  }
}
