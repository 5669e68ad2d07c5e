/**
 * The Hugging Face hub's file API, as Earshot uses it:
 *
 * - `GET {hub}/api/models/{id}/revision/{revision}?blobs=true` lists the repository at a
 *   revision: the commit (`sha`) and `siblings`, each with `rfilename`, `size`, the git blob id
 *   (`blobId`, the SHA-1 of a git-stored file) and, for LFS files, `lfs.sha256`;
 * - `GET {hub}/{id}/resolve/{revision}/{path}` serves a file: small files directly, LFS files
 *   through a redirect to a CDN, with `X-Linked-Etag` (the sha256), `X-Linked-Size` and
 *   `X-Repo-Commit` on the hub's own response; `Range` requests resume downloads;
 * - errors: 401 for a private or missing repository without a valid token, 403 for gated ones,
 *   404 with `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ModelError } from '../errors.js';
import { asNetworkError, type HttpResponse, httpGet, NetworkError, readText } from './http.js';

export interface HubClientOptions {
  hubUrl: string;
  token: string | null;
  timeoutS: number;
}

export interface HubFile {
  path: string;
  size: number | null;
  /** sha256 of an LFS file. */
  sha256: string | null;
  /** Git blob SHA-1 of a file stored in git itself. */
  gitSha1: string | null;
}

export interface HubListing {
  id: string;
  /** The commit the revision points to; files are fetched from it so they match each other. */
  commit: string;
  files: Map<string, HubFile>;
}

export interface OpenedFile {
  /** 200: the whole file; 206: from the requested offset; 416: nothing left to send. */
  status: 200 | 206 | 416;
  body: IncomingMessage;
  /** Offset of the body's first byte in the file. */
  start: number;
  totalSize: number | null;
  /** sha256 from `X-Linked-Etag`, when the hub gives one. */
  sha256: string | null;
  commit: string | null;
}

interface Context {
  id: string;
  revision: string;
  path?: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? null) : null;
}

function unquote(etag: string | null): string | null {
  return etag ? etag.replace(/^W\//, '').replace(/^"|"$/g, '') : null;
}

function integer(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

export class HubClient {
  readonly hubUrl: string;

  constructor(private readonly options: HubClientOptions) {
    this.hubUrl = options.hubUrl.replace(/\/+$/, '');
  }

  /** The repository's page, for messages. */
  repoUrl(id: string): string {
    return `${this.hubUrl}/${id}`;
  }

  fileUrl(id: string, revision: string, path: string): string {
    const encodedPath = path.split('/').map(encodeURIComponent).join('/');
    return `${this.hubUrl}/${id}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
  }

  async listFiles(id: string, revision: string, signal?: AbortSignal): Promise<HubListing> {
    const url = `${this.hubUrl}/api/models/${id}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const response = await this.get(url, { id, revision }, {}, signal);
    const text = await readText(response);
    if (response.status !== 200) throw this.failure(response, text, { id, revision });
    let parsed: { sha?: unknown; siblings?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = {};
    }
    if (typeof parsed.sha !== 'string' || !Array.isArray(parsed.siblings)) {
      throw new ModelError(
        'model_download_failed',
        `The hub at ${this.hubUrl} did not answer with a file listing for ${id}.`,
        { details: { model: id, url } },
      );
    }
    const files = new Map<string, HubFile>();
    for (const sibling of parsed.siblings as Record<string, unknown>[]) {
      if (typeof sibling['rfilename'] !== 'string') continue;
      const lfs = sibling['lfs'] as { sha256?: unknown; size?: unknown } | undefined;
      const sha256 = typeof lfs?.sha256 === 'string' && SHA256.test(lfs.sha256) ? lfs.sha256 : null;
      const size = typeof lfs?.size === 'number' ? lfs.size : sibling['size'];
      files.set(sibling['rfilename'], {
        path: sibling['rfilename'],
        size: typeof size === 'number' ? size : null,
        sha256,
        gitSha1:
          !sha256 &&
          typeof sibling['blobId'] === 'string' &&
          /^[0-9a-f]{40}$/.test(sibling['blobId'])
            ? sibling['blobId']
            : null,
      });
    }
    return { id, commit: parsed.sha, files };
  }

  /** Opens a file for reading from `offset` (a `Range` request when offset > 0). */
  async openFile(
    id: string,
    revision: string,
    path: string,
    offset: number,
    signal?: AbortSignal,
  ): Promise<OpenedFile> {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await this.get(
      this.fileUrl(id, revision, path),
      { id, revision, path },
      headers,
      signal,
    );
    const hub = response.originHeaders;
    const sha256 = unquote(header(hub, 'x-linked-etag'));
    const common = {
      body: response.body,
      sha256: sha256 && SHA256.test(sha256) ? sha256 : null,
      commit: header(hub, 'x-repo-commit'),
    };
    const linkedSize = integer(header(hub, 'x-linked-size'));
    if (response.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(
        header(response.headers, 'content-range') ?? '',
      );
      const start = range ? Number(range[1]) : Number.NaN;
      if (start !== offset) {
        response.body.destroy();
        throw new NetworkError(
          `the server resumed at byte ${range?.[1]} instead of ${offset}`,
          'EBADRANGE',
        );
      }
      const total = range?.[3] === '*' ? null : integer(range?.[3] ?? null);
      return { ...common, status: 206, start, totalSize: total ?? linkedSize };
    }
    if (response.status === 200) {
      const length = integer(header(response.headers, 'content-length'));
      return { ...common, status: 200, start: 0, totalSize: length ?? linkedSize };
    }
    if (response.status === 416) {
      response.body.resume();
      const total = /\/(\d+)$/.exec(header(response.headers, 'content-range') ?? '');
      return {
        ...common,
        status: 416,
        start: offset,
        totalSize: total ? Number(total[1]) : linkedSize,
      };
    }
    const text = await readText(response).catch(() => '');
    throw this.failure(response, text, { id, revision, path });
  }

  private async get(
    url: string,
    context: Context,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    try {
      return await httpGet(url, {
        headers,
        token: this.options.token,
        timeoutMs: this.options.timeoutS * 1000,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      const network = asNetworkError(error);
      if (network instanceof NetworkError) throw network;
      throw new ModelError(
        'model_download_failed',
        `Request to ${url} for ${context.id} failed: ${(error as Error).message}`,
        { cause: error, details: { model: context.id, url } },
      );
    }
  }

  /** The typed error for a hub answer that is not a success. */
  private failure(response: HttpResponse, body: string, context: Context): ModelError {
    const errorCode = header(response.headers, 'x-error-code');
    let serverMessage = header(response.headers, 'x-error-message');
    try {
      serverMessage ??= (JSON.parse(body) as { error?: string }).error ?? null;
    } catch {
      // Not JSON: the status says enough.
    }
    const said = serverMessage ? ` (the hub said: ${serverMessage})` : '';
    const details = {
      model: context.id,
      status: response.status,
      ...(context.path ? { file: context.path } : {}),
    };
    const tokenHint = this.options.token
      ? 'check that the token in HF_TOKEN can read it'
      : 'if it is private or gated, set HF_TOKEN to an access token that can read it';
    if (response.status === 401) {
      return new ModelError(
        'model_unauthorized',
        this.options.token
          ? `The hub at ${this.hubUrl} did not accept the token in HF_TOKEN for ${context.id}${said}: check the model id and that the token can read it.`
          : `The hub at ${this.hubUrl} does not show ${context.id} without a token${said}: check the model id, and if the model is private or gated, set HF_TOKEN to an access token that can read it.`,
        { details },
      );
    }
    if (response.status === 403) {
      const gated = errorCode === 'GatedRepo';
      return new ModelError(
        'model_unauthorized',
        gated
          ? `${context.id} is gated: accept its conditions at ${this.repoUrl(context.id)} and set HF_TOKEN to a token of that account${said}.`
          : `The hub at ${this.hubUrl} forbids access to ${context.id}${said}: ${tokenHint}.`,
        { details },
      );
    }
    if (response.status === 404) {
      const what =
        errorCode === 'RevisionNotFound'
          ? `revision "${context.revision}" of ${context.id}`
          : errorCode === 'EntryNotFound' && context.path
            ? `file ${context.path} in ${context.id}`
            : context.path && errorCode !== 'RepoNotFound'
              ? `file ${context.path} in ${context.id}`
              : `model ${context.id}`;
      return new ModelError('model_not_found', `The hub at ${this.hubUrl} has no ${what}${said}.`, {
        details,
      });
    }
    return new ModelError(
      'model_download_failed',
      `The hub at ${this.hubUrl} answered ${response.status} for ${context.path ?? context.id}${said}.`,
      { details },
    );
  }
}
