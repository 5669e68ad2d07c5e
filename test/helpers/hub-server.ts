/**
 * A local stand-in for the Hugging Face hub, on 127.0.0.1 with random ports, implementing the
 * contract the model store relies on: the `api/models/{id}/revision/{rev}?blobs=true` listing,
 * `{id}/resolve/{rev}/{path}` with LFS files redirected to a separate CDN server (another origin)
 * carrying `X-Linked-Etag`/`X-Linked-Size`/`X-Repo-Commit`, git files served directly with their
 * blob id as ETag, `Range` requests, 401/403/404 with `X-Error-Code`, and relative redirects for
 * renamed repositories. Faults can be injected per file: a connection dropped after some bytes,
 * damaged bytes, a slow transfer.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, relative, sep } from 'node:path';

export interface TestRepoOptions {
  /** Requires the hub's token. */
  private?: boolean;
  /** Requires the token, and answers 403 GatedRepo to any other. */
  gated?: boolean;
  /** Extra revision names (branches, tags) pointing at the commit. */
  revisions?: string[];
  /** Old ids that redirect here, as the hub does for renamed repositories. */
  renamedFrom?: string[];
}

interface StoredFile {
  path: string;
  content: Buffer;
  sha256: string;
  gitSha1: string;
  lfs: boolean;
}

interface Repo {
  id: string;
  commit: string;
  revisions: Set<string>;
  files: Map<string, StoredFile>;
  options: TestRepoOptions;
}

export interface FileFault {
  /** Drop the connection after this many body bytes, for the next `times` transfers. */
  dropAfterBytes?: number;
  /** Serve damaged bytes for the next `times` transfers. */
  corrupt?: boolean;
  /** Stream at about this many bytes per second. */
  bytesPerSecond?: number;
  /** Answer range requests with the whole file (200), as some servers do. */
  ignoreRange?: boolean;
  /** Send the first half, then wait for this before sending the rest. */
  hold?: Promise<void>;
  /** How many transfers the fault applies to (default 1; Infinity for all). */
  times?: number;
}

export interface RecordedRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | null;
  authorization: string | null;
}

const LFS_EXTENSIONS = /\.(onnx|onnx_data|bin)$|\.onnx_data_\d+$/;

function sha(kind: 'sha256' | 'sha1', data: Buffer | string): string {
  return createHash(kind).update(data).digest('hex');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export class TestHub {
  readonly requests: RecordedRequest[] = [];
  readonly token = 'hf_earshot_test_token';
  private readonly repos = new Map<string, Repo>();
  private readonly renames = new Map<string, string>();
  private readonly faults = new Map<string, FileFault>();
  private readonly sockets = new Set<Socket>();
  private hubServer!: Server;
  private cdnServer!: Server;
  url = '';
  cdnUrl = '';

  static async start(): Promise<TestHub> {
    const hub = new TestHub();
    hub.hubServer = createServer((req, res) => hub.handleHub(req, res));
    hub.cdnServer = createServer((req, res) => hub.handleCdn(req, res));
    for (const server of [hub.hubServer, hub.cdnServer]) {
      server.on('connection', (socket) => {
        hub.sockets.add(socket);
        socket.on('close', () => hub.sockets.delete(socket));
      });
    }
    hub.url = await listen(hub.hubServer);
    hub.cdnUrl = await listen(hub.cdnServer);
    return hub;
  }

  /** Adds (or replaces) a repository; returns its commit id. */
  addRepo(
    id: string,
    files: Record<string, Buffer | Uint8Array | string>,
    options: TestRepoOptions = {},
  ): string {
    const stored = new Map<string, StoredFile>();
    for (const [path, data] of Object.entries(files)) {
      const content = Buffer.from(data as Uint8Array);
      stored.set(path, {
        path,
        content,
        sha256: sha('sha256', content),
        gitSha1: sha('sha1', Buffer.concat([Buffer.from(`blob ${content.length}\0`), content])),
        lfs: LFS_EXTENSIONS.test(path),
      });
    }
    const commit = sha('sha1', `${id}:${[...stored.values()].map((f) => f.sha256).join(',')}`);
    this.repos.set(id, {
      id,
      commit,
      revisions: new Set(['main', commit, ...(options.revisions ?? [])]),
      files: stored,
      options,
    });
    for (const old of options.renamedFrom ?? []) this.renames.set(old, id);
    return commit;
  }

  /** Publishes every file of a local folder (a fixture model) as repository `id`. */
  addFolder(id: string, folder: string, options: TestRepoOptions = {}): string {
    const files: Record<string, Buffer> = {};
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      files[relative(folder, path).split(sep).join('/')] = readFileSync(path);
    }
    return this.addRepo(id, files, options);
  }

  /** Injects a fault into transfers of `path` (a repository path). */
  fault(path: string, fault: FileFault): void {
    this.faults.set(path, { times: 1, ...fault });
  }

  /** GET requests that transferred the body of `path`: CDN requests for LFS files, else hub ones. */
  transfers(path: string): RecordedRequest[] {
    const lfs = LFS_EXTENSIONS.test(path);
    return this.requests.filter((request) =>
      request.method !== 'GET'
        ? false
        : lfs
          ? request.server === 'cdn' && request.path.endsWith(`?file=${encodeURIComponent(path)}`)
          : request.server === 'hub' &&
            request.path.includes('/resolve/') &&
            request.path.endsWith(`/${path}`),
    );
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(
      [this.hubServer, this.cdnServer].map(
        (server) => new Promise((resolve) => server.close(resolve)),
      ),
    );
  }

  private record(server: 'hub' | 'cdn', req: IncomingMessage): void {
    this.requests.push({
      server,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null,
    });
  }

  private refuse(res: ServerResponse, status: number, code: string | null, message: string): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(code ? { 'x-error-code': code } : {}),
      'x-error-message': message,
    });
    res.end(JSON.stringify({ error: message }));
  }

  /** Applies the repository's access rules; false when the request was answered with an error. */
  private allowed(repo: Repo, req: IncomingMessage, res: ServerResponse): boolean {
    if (!repo.options.private && !repo.options.gated) return true;
    const sent = req.headers.authorization;
    if (sent === `Bearer ${this.token}`) return true;
    if (repo.options.gated && sent) {
      this.refuse(res, 403, 'GatedRepo', `Access to model ${repo.id} is restricted.`);
    } else {
      this.refuse(res, 401, 'RepoNotFound', 'Invalid username or password.');
    }
    return false;
  }

  private handleHub(req: IncomingMessage, res: ServerResponse): void {
    this.record('hub', req);
    const url = new URL(req.url ?? '/', this.url);
    const path = decodeURIComponent(url.pathname);
    const api = /^\/api\/models\/(.+?)\/revision\/([^/]+)$/.exec(path);
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const id = api?.[1] ?? resolve?.[1];
    if (!id) {
      this.refuse(res, 404, null, 'Not Found');
      return;
    }
    const renamed = this.renames.get(id);
    if (renamed) {
      res.writeHead(307, {
        location: url.pathname.replace(`/${id}/`, `/${renamed}/`) + url.search,
      });
      res.end();
      return;
    }
    const repo = this.repos.get(id);
    if (!repo) {
      // Like the hub: without a valid token a missing repository looks like a private one.
      const authorised = req.headers.authorization === `Bearer ${this.token}`;
      this.refuse(res, authorised ? 404 : 401, 'RepoNotFound', 'Repository not found');
      return;
    }
    if (!this.allowed(repo, req, res)) return;
    const revision = decodeURIComponent((api?.[2] ?? resolve?.[2]) as string);
    if (!repo.revisions.has(revision)) {
      this.refuse(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      return;
    }
    if (api) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: repo.id,
          sha: repo.commit,
          siblings: [...repo.files.values()].map((file) => ({
            rfilename: file.path,
            size: file.content.length,
            blobId: file.lfs ? sha('sha1', file.sha256) : file.gitSha1,
            ...(file.lfs
              ? { lfs: { sha256: file.sha256, size: file.content.length, pointerSize: 134 } }
              : {}),
          })),
        }),
      );
      return;
    }
    const file = repo.files.get(resolve?.[3] as string);
    if (!file) {
      res.writeHead(404, {
        'x-error-code': 'EntryNotFound',
        'x-repo-commit': repo.commit,
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ error: 'Entry not found' }));
      return;
    }
    if (file.lfs) {
      res.writeHead(302, {
        location: `${this.cdnUrl}/blobs/${file.sha256}?file=${encodeURIComponent(file.path)}`,
        'x-linked-etag': `"${file.sha256}"`,
        'x-linked-size': String(file.content.length),
        'x-repo-commit': repo.commit,
        etag: `"${file.gitSha1}"`,
      });
      res.end();
      return;
    }
    this.serve(req, res, file, { etag: `"${file.gitSha1}"`, 'x-repo-commit': repo.commit });
  }

  private handleCdn(req: IncomingMessage, res: ServerResponse): void {
    this.record('cdn', req);
    const url = new URL(req.url ?? '/', this.cdnUrl);
    const blob = /^\/blobs\/([0-9a-f]{64})$/.exec(url.pathname)?.[1];
    const file = [...this.repos.values()]
      .flatMap((repo) => [...repo.files.values()])
      .find((candidate) => candidate.sha256 === blob);
    if (!file) {
      this.refuse(res, 404, null, 'NoSuchKey');
      return;
    }
    this.serve(req, res, file, { etag: `"${file.sha256}"` });
  }

  /** Serves a file's bytes, honouring `Range` and any fault set for it. */
  private serve(
    req: IncomingMessage,
    res: ServerResponse,
    file: StoredFile,
    headers: Record<string, string>,
  ): void {
    const total = file.content.length;
    const fault = this.faults.get(file.path);
    const active = fault && (fault.times ?? 1) > 0 && req.method === 'GET';
    if (active) fault.times = (fault.times ?? 1) - 1;
    const range =
      active && fault.ignoreRange ? null : /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = total - 1;
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), total - 1) : total - 1;
      if (start >= total) {
        res.writeHead(416, { 'content-range': `bytes */${total}`, ...headers });
        res.end();
        return;
      }
    }
    let body = file.content.subarray(start, end + 1);
    if (active && fault.corrupt) {
      body = Buffer.from(body);
      if (body.length > 0) body[body.length >> 1] = ((body[body.length >> 1] as number) + 1) & 0xff;
    }
    res.writeHead(range ? 206 : 200, {
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${total}` } : {}),
      ...headers,
    });
    if (req.method === 'HEAD') return void res.end();
    const dropAt = active && fault.dropAfterBytes !== undefined ? fault.dropAfterBytes : null;
    void this.stream(res, dropAt === null ? body : body.subarray(0, dropAt), {
      rate: active ? (fault.bytesPerSecond ?? null) : null,
      hold: active ? (fault.hold ?? null) : null,
      drop: dropAt !== null,
    });
  }

  private async stream(
    res: ServerResponse,
    body: Buffer,
    how: { rate: number | null; hold: Promise<void> | null; drop: boolean },
  ) {
    const chunk = how.rate ? Math.max(1, Math.floor(how.rate / 20)) : body.length;
    const holdAt = how.hold ? body.length >> 1 : -1;
    let offset = 0;
    while (offset < body.length) {
      if (res.destroyed) return;
      const end = holdAt > offset ? Math.min(holdAt, offset + chunk) : offset + chunk;
      // Waiting until each piece is handed to the kernel makes a later drop happen after
      // exactly these bytes, whatever the machine's load.
      await new Promise<void>((resolve) => res.write(body.subarray(offset, end), () => resolve()));
      offset = end;
      if (offset === holdAt) await how.hold;
      if (how.rate) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (how.drop) {
      res.socket?.end();
      return;
    }
    res.end();
  }
}
