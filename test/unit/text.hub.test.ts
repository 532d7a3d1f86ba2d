/**
 * "Download Model from Hugging Face…" without the network: a local node:http server that
 * answers like the hub (GET /api/models/{id}?blobs=true listing, /{id}/resolve/{rev}/{path}
 * answered with a 302 to a "CDN" path that serves the bytes with Content-Length). Checks
 * the file choice, the URLs, a whole download that the engine's model-folder loader then
 * runs, and that 404s, cancellation mid-file and truncated bodies leave nothing behind.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import {
  DEFAULT_HUB_ENDPOINT,
  hubEndpoint,
  modelInfoUrl,
  onnxChoices,
  planModelFiles,
  repoIdProblem,
  resolveUrl,
} from '../../src/host/text/hubFiles';
import { CancelToken, downloadToFolder, DownloadCancelled, fetchRepoListing } from '../../src/host/text/hubDownload';
import { TextModel } from '../../src/engine/text/model';
import { lookupModel, randomFloats, TINY_VOCAB, writeModelFolder } from './helpers/textModels';

const ID = 'acme/tiny-model';
const SHA = '0123456789abcdef0123456789abcdef01234567';
/** repo path → content; built from a real (tiny) model folder so the loader can run the download. */
const repo = new Map<string, Buffer>();
let server: http.Server;
let endpoint: string;
const hits: string[] = [];
/** Paths the CDN serves half of, then stalls (cancel test) or closes early (truncation test). */
const stall = new Set<string>();
const truncate = new Set<string>();

before(async () => {
  const dir = writeModelFolder({
    onnx: lookupModel(randomFloats(TINY_VOCAB.length * 4, 3), 4),
    pooling: 'mean',
    normalize: true,
    maxSeqLength: 16,
  });
  const walk = (d: string, rel = ''): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${rel}${e.name}/`);
      else repo.set(`${rel}${e.name}`, fs.readFileSync(path.join(d, e.name)));
    }
  };
  walk(dir);
  // The hub layout: the network under onnx/, plus files a model folder does not need.
  repo.set('onnx/model.onnx', repo.get('model.onnx')!);
  repo.delete('model.onnx');
  repo.set('onnx/model_qint8_avx512.onnx', Buffer.from('another export'));
  repo.set('README.md', Buffer.from('# tiny\n'));
  repo.set('pytorch_model.bin', Buffer.alloc(1000));
  repo.set('big.bin', Buffer.alloc(1 << 20, 7));
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    hits.push(url.pathname);
    const api = `/api/models/${ID}`;
    if (url.pathname === api) {
      const body = JSON.stringify({
        id: ID,
        sha: SHA,
        siblings: [...repo].map(([rfilename, b]) => ({
          rfilename,
          size: url.searchParams.get('blobs') === 'true' ? b.length : undefined,
        })),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    const resolve = `/${ID}/resolve/`;
    if (url.pathname.startsWith(resolve)) {
      const [rev, ...rest] = url.pathname.slice(resolve.length).split('/');
      const file = decodeURIComponent(rest.join('/'));
      if ((rev === SHA || rev === 'main') && repo.has(file)) {
        res.writeHead(302, { location: `/cdn/${encodeURIComponent(file)}` });
        return res.end();
      }
    }
    if (url.pathname.startsWith('/cdn/')) {
      const file = decodeURIComponent(url.pathname.slice(5));
      const b = repo.get(file);
      if (b) {
        res.writeHead(200, { 'content-length': b.length });
        if (stall.has(file)) return void res.write(b.subarray(0, b.length >> 1)); // …and never ends
        if (truncate.has(file)) return void res.write(b.subarray(0, b.length >> 1), () => res.socket?.destroy());
        return res.end(b);
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Repository not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

function tempParent(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'elens-hub-'));
}

/** Nothing but what the test expects in the models folder: no temporary or half-written folders. */
function entries(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : [];
}

class Cancel implements CancelToken {
  isCancellationRequested = false;
  private listeners: (() => void)[] = [];
  onCancellationRequested(l: () => void) {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  }
  cancel() {
    this.isCancellationRequested = true;
    for (const l of [...this.listeners]) l();
  }
}

test("repo ids: huggingface_hub's rules", () => {
  for (const ok of ['sentence-transformers/all-MiniLM-L6-v2', 'bert-base-uncased', 'BAAI/bge-small-en-v1.5', 'a_b/c.d'])
    assert.equal(repoIdProblem(ok), undefined, ok);
  for (const bad of [
    '',
    '  ',
    'a/b/c',
    'a b/c',
    'org/-name',
    'org/name.',
    'org/na--me',
    'org/na..me',
    'org/name.git',
    'x/' + 'a'.repeat(97),
    'org/näme',
  ])
    assert.ok(repoIdProblem(bad), bad);
});

test('hub endpoint: the setting, else HF_ENDPOINT, else huggingface.co; URLs keep "/" and encode the rest', () => {
  assert.equal(hubEndpoint(undefined, {}), DEFAULT_HUB_ENDPOINT);
  assert.equal(hubEndpoint('', { HF_ENDPOINT: 'https://hf-mirror.com/' }), 'https://hf-mirror.com');
  assert.equal(hubEndpoint('http://127.0.0.1:9/', { HF_ENDPOINT: 'https://hf-mirror.com' }), 'http://127.0.0.1:9');
  assert.throws(() => hubEndpoint('ftp://example.com', {}), /http\(s\)/);
  assert.throws(() => hubEndpoint('not a url', {}), /not a URL/);
  assert.equal(modelInfoUrl('https://huggingface.co', 'org/m'), 'https://huggingface.co/api/models/org/m?blobs=true');
  assert.equal(
    resolveUrl('https://huggingface.co', 'org/m', 'main', '1_Pooling/config.json'),
    'https://huggingface.co/org/m/resolve/main/1_Pooling/config.json',
  );
  assert.equal(
    resolveUrl('https://h', 'org/m', 'refs/pr/1', 'a b#.json'),
    'https://h/org/m/resolve/refs%2Fpr%2F1/a%20b%23.json',
  );
});

test('file choice: onnx/model.onnx first; the config files a folder uses; another ONNX file is saved as model.onnx with its external data', () => {
  const sib = [
    'README.md',
    'model.safetensors',
    'onnx/model_O4.onnx',
    'onnx/model.onnx',
    'onnx/model_qint8.onnx',
    'onnx/model_qint8.onnx_data',
    'tokenizer.json',
    'tokenizer_config.json',
    'config.json',
    'modules.json',
    '1_Pooling/config.json',
    '2_Normalize/.gitkeep',
    'sentence_bert_config.json',
    'vocab.txt',
  ].map((rfilename, i) => ({ rfilename, size: i }));
  assert.deepEqual(onnxChoices(sib), ['onnx/model.onnx', 'onnx/model_O4.onnx', 'onnx/model_qint8.onnx']);
  const configs = [
    'tokenizer.json',
    'tokenizer_config.json',
    'config.json',
    'modules.json',
    '1_Pooling/config.json',
    'sentence_bert_config.json',
  ];
  assert.deepEqual(
    planModelFiles(sib, 'onnx/model.onnx').map((p) => [p.repoPath, p.localPath]),
    [['onnx/model.onnx', 'onnx/model.onnx'], ...configs.map((c) => [c, c])],
  );
  assert.deepEqual(
    planModelFiles(sib, 'onnx/model_qint8.onnx')
      .slice(0, 2)
      .map((p) => [p.repoPath, p.localPath]),
    [
      ['onnx/model_qint8.onnx', 'model.onnx'],
      ['onnx/model_qint8.onnx_data', 'model_qint8.onnx_data'],
    ],
  );
  assert.throws(() => planModelFiles(sib, 'nope.onnx'), /no file nope\.onnx/);
});

test('a whole download (listing, 302 to the CDN, Content-Length) gives a folder the model loader runs; progress reaches the total', async () => {
  const listing = await fetchRepoListing(endpoint, ID);
  assert.equal(listing.sha, SHA);
  const choices = onnxChoices(listing.siblings);
  assert.deepEqual(choices, ['onnx/model.onnx', 'onnx/model_qint8_avx512.onnx']);
  const plan = planModelFiles(listing.siblings, choices[0]);
  const parent = tempParent();
  const dest = path.join(parent, 'models', ID);
  const seen: number[] = [];
  let lastTotal: number | undefined;
  hits.length = 0;
  await downloadToFolder(
    plan.map((p) => ({
      url: resolveUrl(endpoint, ID, listing.sha!, p.repoPath),
      localPath: p.localPath,
      size: p.size,
    })),
    dest,
    {
      onProgress: (done, total) => {
        seen.push(done);
        lastTotal = total;
      },
    },
  );
  const expectedBytes = plan.reduce((s, p) => s + repo.get(p.repoPath)!.length, 0);
  assert.equal(lastTotal, expectedBytes);
  assert.equal(seen[seen.length - 1], expectedBytes);
  assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]));
  assert.ok(
    hits.some((h) => h.startsWith(`/${ID}/resolve/${SHA}/`)) && hits.some((h) => h.startsWith('/cdn/')),
    'fetched through the redirect',
  );
  for (const p of plan)
    assert.deepEqual(fs.readFileSync(path.join(dest, p.localPath)), repo.get(p.repoPath), p.localPath);
  assert.ok(!fs.existsSync(path.join(dest, 'README.md')) && !fs.existsSync(path.join(dest, 'pytorch_model.bin')));
  assert.deepEqual(
    entries(path.join(parent, 'models', 'acme')),
    ['tiny-model', ...plan.map((p) => `tiny-model/${p.localPath}`), 'tiny-model/1_Pooling', 'tiny-model/onnx'].sort(),
  );
  const m = await TextModel.load(dest);
  assert.equal(m.dims, 4);
  assert.equal((await m.embed(['the cat sat'])).matrix.rows, 1);
  await m.release();
  // An existing folder is replaced only when asked.
  const items = [{ url: resolveUrl(endpoint, ID, 'main', 'README.md'), localPath: 'README.md' }];
  await assert.rejects(downloadToFolder(items, dest), /already exists/);
  await downloadToFolder(items, dest, { replace: true });
  assert.deepEqual(entries(dest), ['README.md']);
  assert.deepEqual(entries(path.join(parent, 'models', 'acme')), ['tiny-model', 'tiny-model/README.md']);
});

test('a repo or file that is not there (404) is a clear error, and nothing is left behind', async () => {
  await assert.rejects(fetchRepoListing(endpoint, 'acme/missing'), /has no model repo "acme\/missing" \(HTTP 404/);
  const parent = tempParent();
  const dest = path.join(parent, 'models', ID);
  const items = [
    { url: resolveUrl(endpoint, ID, SHA, 'tokenizer.json'), localPath: 'tokenizer.json' },
    { url: resolveUrl(endpoint, ID, SHA, 'missing.json'), localPath: 'missing.json' },
  ];
  await assert.rejects(downloadToFolder(items, dest), /HTTP 404/);
  assert.deepEqual(entries(path.join(parent, 'models', 'acme')), []);
});

test('cancelling mid-file stops the transfer and leaves nothing; a truncated body is an error and leaves nothing', async () => {
  const parent = tempParent();
  const dest = path.join(parent, 'models', ID);
  const items = [
    {
      url: resolveUrl(endpoint, ID, SHA, 'tokenizer.json'),
      localPath: 'tokenizer.json',
      size: repo.get('tokenizer.json')!.length,
    },
    { url: resolveUrl(endpoint, ID, SHA, 'big.bin'), localPath: 'big.bin', size: 1 << 20 },
  ];
  stall.add('big.bin');
  const cancel = new Cancel();
  let during = 0;
  const t0 = Date.now();
  await assert.rejects(
    downloadToFolder(items, dest, {
      token: cancel,
      onProgress: (done, _total, file) => {
        if (file === 'big.bin' && !cancel.isCancellationRequested) {
          during = done;
          setTimeout(() => cancel.cancel(), 20);
        }
      },
    }),
    DownloadCancelled,
  );
  assert.ok(during > repo.get('tokenizer.json')!.length, 'cancelled after part of big.bin arrived');
  assert.ok(Date.now() - t0 < 5000);
  assert.deepEqual(entries(path.join(parent, 'models', 'acme')), []);
  stall.delete('big.bin');

  truncate.add('big.bin');
  await assert.rejects(
    downloadToFolder(items, dest),
    /broke off after \d+ of 1048576 bytes|closed after|got \d+ of 1048576 bytes/,
  );
  assert.deepEqual(entries(path.join(parent, 'models', 'acme')), []);
  truncate.delete('big.bin');
  assert.ok(Date.now() - t0 < 5000);
  // Cancelled before it starts: nothing is fetched.
  const early = new Cancel();
  early.cancel();
  await assert.rejects(downloadToFolder(items, dest, { token: early }), DownloadCancelled);
  assert.deepEqual(entries(path.join(parent, 'models', 'acme')), []);
});

test('paths from the listing cannot escape the folder', async () => {
  const parent = tempParent();
  await assert.rejects(
    downloadToFolder([{ url: `${endpoint}/cdn/README.md`, localPath: '../evil' }], path.join(parent, 'm')),
    /not a plain relative path/,
  );
  assert.deepEqual(entries(parent), []);
});

test('private and gated repos: the token goes to the hub only, never to the storage a download redirects to', async () => {
  const PRIVATE = 'acme/private-model';
  const GATED = 'acme/gated-model';
  const TOKEN = 'hf_test_secret';
  const seen: { server: string; path: string; auth?: string }[] = [];
  const body = Buffer.from('{"model":"private"}');
  // "Storage" on another origin (another port), as the hub redirects downloads to a CDN.
  const storage = http.createServer((req, res) => {
    seen.push({ server: 'storage', path: req.url!, auth: req.headers.authorization });
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
  const storageUrl = `http://127.0.0.1:${(storage.address() as AddressInfo).port}`;
  const hub = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    seen.push({ server: 'hub', path: url.pathname, auth: req.headers.authorization });
    const authed = req.headers.authorization === `Bearer ${TOKEN}`;
    if (!authed) {
      res.writeHead(401);
      return res.end('unauthorized');
    }
    if (url.pathname === `/api/models/${GATED}`) {
      res.writeHead(403);
      return res.end('gated: accept the conditions');
    }
    if (url.pathname === `/api/models/${PRIVATE}`) {
      const json = JSON.stringify({
        id: PRIVATE,
        sha: SHA,
        siblings: [{ rfilename: 'config.json', size: body.length }],
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(json);
    }
    if (url.pathname === `/${PRIVATE}/resolve/${SHA}/config.json`) {
      // First a same-origin hop (keeps the token), then off to storage (must not get it).
      res.writeHead(302, { location: `/hop/${SHA}/config.json` });
      return res.end();
    }
    if (url.pathname === `/hop/${SHA}/config.json`) {
      res.writeHead(307, { location: `${storageUrl}/signed/config.json?sig=abc` });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  const auth = { origin: new URL(hubUrl).origin, token: TOKEN };
  try {
    // Without a token: a plain message that says how to set one.
    await assert.rejects(
      fetchRepoListing(hubUrl, PRIVATE),
      /no public model repo "acme\/private-model" \(HTTP 401\).*Set Hugging Face Token/,
    );
    // A wrong token, a gated repo.
    await assert.rejects(
      fetchRepoListing(hubUrl, PRIVATE, undefined, { ...auth, token: 'hf_wrong' }),
      /refused the token for "acme\/private-model" \(HTTP 401\)/,
    );
    await assert.rejects(
      fetchRepoListing(hubUrl, GATED, undefined, auth),
      /may not read "acme\/gated-model" \(HTTP 403\).*conditions accepted/,
    );
    // The right token: listing and download work.
    const listing = await fetchRepoListing(hubUrl, PRIVATE, undefined, auth);
    assert.deepEqual(
      listing.siblings.map((s) => s.rfilename),
      ['config.json'],
    );
    const dest = path.join(tempParent(), 'models', PRIVATE);
    seen.length = 0;
    await downloadToFolder(
      [{ url: resolveUrl(hubUrl, PRIVATE, SHA, 'config.json'), localPath: 'config.json', size: body.length }],
      dest,
      { auth },
    );
    assert.deepEqual(fs.readFileSync(path.join(dest, 'config.json')), body);
    assert.deepEqual(
      seen.map((s) => [s.server, s.auth]),
      [
        ['hub', `Bearer ${TOKEN}`],
        ['hub', `Bearer ${TOKEN}`],
        ['storage', undefined],
      ],
      'the token went to both hub hops and not to storage',
    );
    // A token for another origin is never sent.
    seen.length = 0;
    await assert.rejects(
      fetchRepoListing(hubUrl, PRIVATE, undefined, { origin: storageUrl, token: TOKEN }),
      /HTTP 401/,
    );
    assert.equal(seen[0].auth, undefined);
  } finally {
    hub.close();
    storage.close();
  }
});
