/**
 * Minimal HTTP(S) client for the hub, on `node:http`: redirects followed by hand (so the
 * `Authorization` header never leaves the hub's origin, as the hub sends file downloads to a CDN),
 * an inactivity timeout that also bounds connecting, and the headers of the last response from
 * the hub's own origin kept (the hub puts a file's hash and size on its redirect to the CDN).
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { VERSION } from '../version.js';

export interface HttpRequestOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …` to the first origin only. */
  token?: string | null;
  /** Longest time without any progress (connecting, waiting, receiving) before giving up. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Headers of the last response from the requested origin (before leaving it, if it did). */
  originHeaders: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  body: IncomingMessage;
}

const MAX_REDIRECTS = 10;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/** An error meaning the server could not be reached or the connection broke. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Turns socket-level failures into `NetworkError`; anything else is returned unchanged. */
export function asNetworkError(error: unknown): unknown {
  if (error instanceof NetworkError) return error;
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new NetworkError((error as Error).message || code, code, { cause: error });
  }
  if ((error as Error).message === 'aborted') {
    return new NetworkError('the connection was closed mid-response', 'ECONNRESET', {
      cause: error,
    });
  }
  return error;
}

function once(url: URL, options: HttpRequestOptions, withToken: boolean): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = {
      'user-agent': `earshot/${VERSION}; node/${process.versions.node}`,
      ...options.headers,
    };
    if (withToken && options.token) headers['authorization'] = `Bearer ${options.token}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: options.method ?? 'GET',
      headers,
      timeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    request.on('timeout', () => {
      request.destroy(
        new NetworkError(
          `no response from ${url.host} within ${Math.round(options.timeoutMs / 1000)} s`,
          'ETIMEDOUT',
        ),
      );
    });
    request.on('error', (error) => reject(asNetworkError(error)));
    request.on('response', (response) => {
      // Errors after the headers surface on the body stream; keep them typed.
      response.on('error', () => {});
      resolvePromise(response);
    });
    request.end();
  });
}

/** Sends a request and follows redirects. The caller must consume or destroy `body`. */
export async function httpGet(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  let current = new URL(url);
  const origin = current.origin;
  let originHeaders: IncomingHttpHeaders = {};
  for (let hop = 0; ; hop++) {
    const sameOrigin = current.origin === origin;
    const response = await once(current, options, sameOrigin);
    if (sameOrigin) originHeaders = response.headers;
    const location = response.headers.location;
    if (!REDIRECT.has(response.statusCode ?? 0) || !location) {
      return {
        status: response.statusCode ?? 0,
        headers: response.headers,
        originHeaders,
        url: current.href,
        body: response,
      };
    }
    response.resume();
    if (hop >= MAX_REDIRECTS) {
      throw new NetworkError(`more than ${MAX_REDIRECTS} redirects from ${url}`, 'EREDIRECTS');
    }
    current = new URL(location, current);
  }
}

/** Reads a whole (small) response body as text. */
export async function readText(response: HttpResponse, limit = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        response.body.destroy();
        throw new NetworkError(`response larger than ${limit} bytes`, 'ETOOLARGE');
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw asNetworkError(error);
  }
  return Buffer.concat(chunks).toString('utf8');
}
