// "Download Model from Hugging Face…" inside the real extension host, against a local server that
// answers like the hub (listing, resolve → 302 → bytes with Content-Length), never the network:
// the built-in model's folder is served as a repo with its network under onnx/; the command puts
// the files into the extension's global storage, the engine loads the folder (100 dimensions),
// and a repo that is not there is an error that leaves nothing in storage. A private repo
// downloads only after *Set Hugging Face Token…*, which sends the token to the hub.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { EmbeddingLensApi } from '../../src/host/extension';
import { EXTENSION_ID } from './workspace';
import { COMMANDS } from '../../src/host/commands';

const ID = 'local-test/glove-100d';
const PRIVATE = 'local-test/private-glove';
const TOKEN = 'hf_suite_token';

suite('text: download a model from a hub', () => {
  let api: EmbeddingLensApi;
  let server: http.Server;
  const files = new Map<string, string>();
  const authSeen: (string | undefined)[] = [];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<EmbeddingLensApi>(EXTENSION_ID)!.activate();
    const builtin = path.join(api.context.extension.extensionPath, 'dist', 'models', 'glove-100d');
    for (const f of [
      'tokenizer.json',
      'tokenizer_config.json',
      'config.json',
      'modules.json',
      'sentence_bert_config.json',
      '1_Pooling/config.json',
      'README.md',
    ])
      files.set(f, path.join(builtin, f));
    files.set('onnx/model.onnx', path.join(builtin, 'model.onnx'));
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      // The private repo: the same files, for a request with the token only (as the hub: 401).
      let repoId = ID;
      if (url.pathname.includes(PRIVATE)) {
        authSeen.push(req.headers.authorization);
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401);
          return res.end('unauthorized');
        }
        repoId = PRIVATE;
      }
      if (url.pathname === `/api/models/${repoId}`) {
        const body = JSON.stringify({
          id: repoId,
          sha: 'main',
          siblings: [...files].map(([rfilename, p]) => ({ rfilename, size: fs.statSync(p).size })),
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(body);
      }
      const prefix = `/${repoId}/resolve/main/`;
      if (url.pathname.startsWith(prefix) && files.has(url.pathname.slice(prefix.length))) {
        res.writeHead(302, { location: `/cdn/${url.pathname.slice(prefix.length)}` });
        return res.end();
      }
      const p = url.pathname.startsWith('/cdn/') ? files.get(url.pathname.slice(5)) : undefined;
      if (p) {
        res.writeHead(200, { 'content-length': fs.statSync(p).size });
        return void fs.createReadStream(p).pipe(res);
      }
      res.writeHead(404);
      res.end('not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await vscode.workspace
      .getConfiguration('embeddingLens')
      .update(
        'model.hubEndpoint',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        vscode.ConfigurationTarget.Global,
      );
  });

  suiteTeardown(async () => {
    await vscode.workspace
      .getConfiguration('embeddingLens')
      .update('model.hubEndpoint', undefined, vscode.ConfigurationTarget.Global);
    server?.close();
    if (api)
      fs.rmSync(path.join(api.context.extension.globalStorageUri.fsPath, 'models', 'local-test'), {
        recursive: true,
        force: true,
      });
  });

  test('downloads into global storage, the engine loads it, the model setting is left alone unless asked', async () => {
    const before = vscode.workspace.getConfiguration('embeddingLens').get<string>('model.path');
    const r = await vscode.commands.executeCommand<{ dir: string; info?: { dims: number } } | undefined>(
      COMMANDS.text.downloadModel,
      ID,
      { use: false },
    );
    assert.ok(r, 'the command returned the folder');
    assert.strictEqual(r.dir, path.join(api.context.extension.globalStorageUri.fsPath, 'models', ID));
    assert.strictEqual(r.info?.dims, 100);
    for (const f of files.keys()) {
      if (f === 'README.md') assert.ok(!fs.existsSync(path.join(r.dir, f)), 'README.md is not part of a model folder');
      else assert.strictEqual(fs.statSync(path.join(r.dir, f)).size, fs.statSync(files.get(f)!).size, f);
    }
    assert.deepStrictEqual(fs.readdirSync(path.dirname(r.dir)), ['glove-100d'], 'no temporary folder left');
    assert.strictEqual(vscode.workspace.getConfiguration('embeddingLens').get<string>('model.path'), before);
  });

  test('a private repo: refused without a token, downloaded after Set Hugging Face Token…, which the hub receives', async () => {
    const storage = path.join(api.context.extension.globalStorageUri.fsPath, 'models', 'local-test', 'private-glove');
    await vscode.commands.executeCommand(COMMANDS.text.clearHubToken, true);
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      assert.strictEqual(
        await vscode.commands.executeCommand(COMMANDS.text.downloadModel, PRIVATE, { use: false }),
        undefined,
      );
      assert.ok(!fs.existsSync(storage), 'nothing written without the token');
      assert.deepStrictEqual(authSeen, [undefined]);
      assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.text.setHubToken, TOKEN), true);
      const r = await vscode.commands.executeCommand<{ dir: string; info?: { dims: number } } | undefined>(
        COMMANDS.text.downloadModel,
        PRIVATE,
        { use: false },
      );
      assert.ok(r, 'downloaded with the token');
      assert.strictEqual(r.dir, storage);
      assert.strictEqual(r.info?.dims, 100);
      assert.ok(
        authSeen.length > 1 && authSeen.slice(1).every((a) => a === `Bearer ${TOKEN}`),
        `authorization headers: ${authSeen.join(', ')}`,
      );
    } finally {
      await vscode.commands.executeCommand(COMMANDS.text.clearHubToken, true);
      if (saved !== undefined) process.env.HF_TOKEN = saved;
    }
  });

  test('a repo the hub does not have: nothing is written', async () => {
    const r = await vscode.commands.executeCommand(COMMANDS.text.downloadModel, 'local-test/missing', { use: false });
    assert.strictEqual(r, undefined);
    assert.ok(
      !fs.existsSync(path.join(api.context.extension.globalStorageUri.fsPath, 'models', 'local-test', 'missing')),
    );
  });
});
