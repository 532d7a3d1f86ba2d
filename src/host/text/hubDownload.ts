/**
 * Fetching a model from a Hugging Face hub over Node's http/https: the repo listing,
 * and the chosen files into a folder. Files go into a temporary sibling folder that is
 * renamed onto the destination only when every file arrived whole (byte count equal to
 * Content-Length), so a cancelled or failed download leaves nothing half-written.
 * No vscode here: the command (hubCommand.ts) adds the UI; tests use a local server.
 *
 * A token (for private and gated repos) is sent as `Authorization: Bearer …` only to the
 * hub's own origin, on every hop that stays there, never to a redirect target elsewhere
 * (the hub redirects file downloads to pre-signed storage URLs, as `requests` drops the
 * header across hosts for huggingface_hub).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { HubSibling, modelInfoUrl } from './hubFiles';

/** vscode.CancellationToken's shape, so tests need no vscode. */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export class DownloadCancelled extends Error {
  constructor() {
    super('download cancelled');
  }
}

class HubHttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

/** A token and the one origin (scheme, host, port) it may be sent to. */
export interface HubAuth {
  origin: string;
  token: string;
}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'embedding-lens (vscode extension)';

/**
 * GET `url`, following up to 5 redirects (absolute or relative Location), resolving with
 * the first 2xx response. Non-2xx → HubHttpError; cancellation → DownloadCancelled.
 * `auth` adds the token to requests for its origin only.
 */
function httpGet(url: string, token?: CancelToken, redirects = 0, auth?: HubAuth): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (token?.isCancellationRequested) return reject(new DownloadCancelled());
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
    if (!lib) return reject(new Error(`cannot download ${url}: only http and https are supported`));
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    if (auth && u.origin === auth.origin) headers.authorization = `Bearer ${auth.token}`;
    const req = lib.get(u, { headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        sub?.dispose();
        if (redirects >= MAX_REDIRECTS)
          return reject(new HubHttpError(status, url, `too many redirects fetching ${url}`));
        httpGet(new URL(res.headers.location, u).toString(), token, redirects + 1, auth).then(resolve, reject);
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        sub?.dispose();
        return reject(
          new HubHttpError(
            status,
            url,
            `${url} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`,
          ),
        );
      }
      // The body belongs to the caller now, with our cancellation still attached to it.
      res.once('close', () => sub?.dispose());
      resolve(res);
    });
    const sub = token?.onCancellationRequested(() => {
      req.destroy(new DownloadCancelled());
    });
    req.on('error', (e) => {
      sub?.dispose();
      reject(token?.isCancellationRequested ? new DownloadCancelled() : e);
    });
  });
}

export interface RepoListing {
  /** The commit the listing describes; files are fetched at this commit so they belong together. */
  sha?: string;
  siblings: HubSibling[];
}

/**
 * The repo's files from `GET {endpoint}/api/models/{id}`. A missing, private or gated repo
 * is an Error that says which, and what to do about it.
 */
export async function fetchRepoListing(
  endpoint: string,
  id: string,
  token?: CancelToken,
  auth?: HubAuth,
): Promise<RepoListing> {
  const url = modelInfoUrl(endpoint, id);
  let res: http.IncomingMessage;
  try {
    res = await httpGet(url, token, 0, auth);
  } catch (e) {
    if (e instanceof HubHttpError) {
      // The hub answers 401 for a repo that does not exist as for a private one, unless the token may see it.
      if (e.status === 404) throw new Error(`${endpoint} has no model repo "${id}" (HTTP 404)`, { cause: e });
      if (e.status === 401 && !auth)
        throw new Error(
          `${endpoint} has no public model repo "${id}" (HTTP 401): if it is private or gated, set a token with "Embedding Lens: Set Hugging Face Token…" (or HF_TOKEN) and try again`,
          { cause: e },
        );
      if (e.status === 401)
        throw new Error(
          `${endpoint} refused the token for "${id}" (HTTP 401): the repo does not exist, or the token cannot read it; check it with "Embedding Lens: Set Hugging Face Token…"`,
          { cause: e },
        );
      if (e.status === 403)
        throw new Error(
          `the token may not read "${id}" (HTTP 403): a gated repo needs its conditions accepted on its page at ${endpoint}/${id}, and a fine-grained token needs read access to it`,
          { cause: e },
        );
    }
    throw e;
  }
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  let body: { sha?: unknown; siblings?: unknown };
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
  } catch {
    throw new Error(`${url} did not answer with JSON; is ${endpoint} a Hugging Face hub?`);
  }
  if (!Array.isArray(body.siblings))
    throw new Error(`${url} lists no files (no "siblings"); is ${endpoint} a Hugging Face hub?`);
  const siblings = (body.siblings as { rfilename?: unknown; size?: unknown }[])
    .filter((s) => typeof s?.rfilename === 'string')
    .map((s) => ({ rfilename: s.rfilename as string, size: typeof s.size === 'number' ? s.size : undefined }));
  return { sha: typeof body.sha === 'string' ? body.sha : undefined, siblings };
}

export interface DownloadItem {
  url: string;
  /** Path inside the destination folder ("/"-separated, no "..", not absolute). */
  localPath: string;
  /** Expected size from the listing, for the total before responses arrive. */
  size?: number;
}

export interface DownloadOptions {
  token?: CancelToken;
  /** Bytes received so far, the expected total when known, the file being fetched. */
  onProgress?: (done: number, total: number | undefined, file: string) => void;
  /** Replace an existing destination folder (the caller asked the user); otherwise it is an error. */
  replace?: boolean;
  /** Token for the hub's origin (see httpGet). */
  auth?: HubAuth;
}

function safeLocal(p: string): string {
  const parts = p.split('/');
  if (!p || path.isAbsolute(p) || parts.some((s) => s === '' || s === '.' || s === '..'))
    throw new Error(`refusing to write "${p}": not a plain relative path`);
  return path.join(...parts);
}

async function fetchInto(
  item: DownloadItem,
  file: string,
  opts: DownloadOptions,
  counted: (n: number) => void,
): Promise<void> {
  const res = await httpGet(item.url, opts.token, 0, opts.auth);
  const expected = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(file);
    const fail = (e: Error) => {
      res.destroy();
      out.destroy();
      reject(opts.token?.isCancellationRequested ? new DownloadCancelled() : e);
    };
    res.on('data', (c: Buffer) => {
      got += c.length;
      counted(c.length);
    });
    res.on('error', (e) =>
      fail(
        new Error(
          `${item.url}: the transfer broke off after ${got}${expected !== undefined ? ` of ${expected}` : ''} bytes (${e.message})`,
        ),
      ),
    );
    res.on('close', () => {
      if (!res.complete) fail(new Error(`${item.url}: the connection closed after ${got} bytes`));
    });
    out.on('error', fail);
    out.on('finish', resolve);
    res.pipe(out);
  });
  if (opts.token?.isCancellationRequested) throw new DownloadCancelled();
  if (expected !== undefined && got !== expected) throw new Error(`${item.url}: got ${got} of ${expected} bytes`);
}

/**
 * Downloads `items` into `dest` (created; its parent too) through a temporary sibling folder,
 * renamed onto `dest` when all arrived. On error or cancellation the temporary folder is removed
 * and `dest` is untouched. Returns `dest`.
 */
export async function downloadToFolder(
  items: DownloadItem[],
  dest: string,
  opts: DownloadOptions = {},
): Promise<string> {
  const locals = items.map((i) => safeLocal(i.localPath));
  if (fs.existsSync(dest) && !opts.replace) throw new Error(`${dest} already exists`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = fs.mkdtempSync(`${dest}.partial-`);
  const known = items.every((i) => i.size !== undefined);
  let total: number | undefined = known ? items.reduce((s, i) => s + (i.size ?? 0), 0) : undefined;
  let done = 0;
  try {
    for (let k = 0; k < items.length; k++) {
      await fetchInto(items[k], path.join(tmp, locals[k]), opts, (n) => {
        done += n;
        // A listing can be stale; never report more than 100%.
        if (total !== undefined && done > total) total = done;
        opts.onProgress?.(done, total, items[k].localPath);
      });
    }
    if (fs.existsSync(dest)) {
      const old = `${tmp}.old`;
      fs.renameSync(dest, old);
      fs.renameSync(tmp, dest);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, dest);
    }
    return dest;
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
