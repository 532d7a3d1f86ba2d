/**
 * The map's engine handlers (src/engine/handlers/map.ts) through the real
 * request context on a stand-in LSP connection: Project streams layouts (push and
 * poll) and answers with decodable arrays whose scores equal the engine's own
 * project(); hovers' top-3 neighbours and the selection's centroid neighbours equal
 * numpy's; k-occurrence sums to n·k; search; CSV export never overwrites unasked;
 * cancellation answers RequestCancelled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LSPErrorCodes } from 'vscode-languageserver/node';
import { Open } from '../../src/shared/protocol/datasets';
import type { ProjectFrame, ProjectParams } from '../../src/shared/protocol/map';
import {
  ExportCoords,
  MapSearch,
  MapSelection,
  Project,
  ProjectLayout,
  ProjectPoll,
} from '../../src/shared/protocol/map';
import type { RequestDef } from '../../src/shared/protocol/request';
import { ENGINE_ERROR_INPUT } from '../../src/shared/errors';
import { createContext } from '../../src/engine/handlers/context';
import { registerDatasetsHandlers } from '../../src/engine/handlers/datasets';
import { registerMapHandlers } from '../../src/engine/handlers/map';
import { loadDataset } from '../../src/engine/data/dataset';
import { project } from '../../src/engine/analysis/map/project';
import { received, sent } from './helpers/channel';
import { pythonSkipReason, runPython } from './helpers/python';

const CLIP = path.resolve(__dirname, '../fixtures/clip_vitb16_coco500.npy');
const py = pythonSkipReason(['numpy']);

type Handler = (params: unknown, token: { isCancellationRequested: boolean }) => Promise<unknown>;
const handlers = new Map<string, Handler>();
const notes: ProjectFrame[] = [];
const fakeConnection = {
  onRequest(method: string, fn: Handler) {
    handlers.set(method, fn);
  },
  sendNotification(method: string, p: unknown) {
    assert.equal(method, ProjectLayout.method);
    notes.push(received<ProjectFrame>(p));
  },
  window: { attachWorkDoneProgress: () => ({ begin() {}, report() {}, done() {} }) },
};
const ctx = createContext(fakeConnection as never);
registerDatasetsHandlers(ctx);
registerMapHandlers(ctx);

async function call<P, R>(def: RequestDef<P, R>, params: P, token = { isCancellationRequested: false }): Promise<R> {
  const fn = handlers.get(def.method);
  assert.ok(fn, `${def.method} is registered`);
  return received<R>(await fn(sent(params), token));
}

function normsOf(x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(x.length / d);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
    out[i] = Math.sqrt(s);
  }
  return out;
}

async function openClip(): Promise<string> {
  const r = await call(Open, { path: CLIP });
  assert.ok('dataset' in r);
  return r.dataset.id;
}

test(
  'Project streams layouts (notifications and poll) and answers the same map as project()',
  { skip: py ?? false },
  async () => {
    const datasetId = await openClip();
    const params: ProjectParams = {
      datasetId,
      jobId: 'job-1',
      method: 'umap',
      dims: 2,
      seed: 5,
      k: 10,
      metric: 'cosine',
      iterations: 150,
      notify: true,
    };
    const polled: ProjectFrame[] = [];
    let stop = false;
    const poller = (async () => {
      let after = 0;
      while (!stop) {
        const f = (await call(ProjectPoll, { jobId: 'job-1', after }))?.frame;
        if (f) {
          assert.ok(f.seq > after);
          after = f.seq;
          polled.push(f);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const res = await call(Project, params);
    stop = true;
    await poller;
    assert.ok(notes.length >= 2, `${notes.length} notifications`);
    assert.equal(notes[0].stage, 'pca');
    assert.ok(
      notes.every(
        (f, i) => f.jobId === 'job-1' && f.seq === i + 1 && f.coords.length === 2000 && f.coords.every(Number.isFinite),
      ),
    );
    assert.ok(polled.length >= 1, 'poll saw a layout while running');
    assert.deepEqual(notes[notes.length - 1].coords, res.coords, 'the last streamed layout is the answer');

    const ds = await loadDataset({ path: CLIP });
    const direct = await project(ds, { method: 'umap', dims: 2, seed: 5, k: 10, metric: 'cosine', iterations: 150 });
    assert.deepEqual(res.coords, direct.coords);
    assert.deepEqual(res.quality, direct.quality);
    assert.deepEqual(res.preservation, direct.preservation);
    const norms = normsOf(ds.matrix.data, 512);
    assert.ok(
      res.norms.every((v, i) => Math.abs(v - norms[i]) < 1e-6),
      'row norms',
    );
    const kocc = res.kOccurrence!;
    assert.equal(
      kocc.reduce((a, b) => a + b, 0),
      1000 * 10,
      'every row has k neighbours',
    );

    const ref = runPython(
      'projection_ref.py',
      { X: { data: ds.matrix.data, shape: [1000, 512] } },
      { op: 'knn', k: 10 },
    ).arrays.I.data;
    const top3 = res.top3!;
    let same = 0;
    for (let i = 0; i < 1000; i++) if ([0, 1, 2].every((s) => top3[i * 3 + s] === ref[i * 10 + s])) same++;
    assert.ok(same >= 998, `${same}/1000 rows have numpy's top-3 neighbours`);
    const occ = new Float64Array(1000);
    for (const j of ref) occ[j]++;
    let diff = 0;
    for (let i = 0; i < 1000; i++) diff += Math.abs(occ[i] - kocc[i]);
    assert.ok(diff <= 4, `k-occurrence differs from numpy's by ${diff} in all`);
  },
);

test(
  'MapSelection: label mix and centroid neighbours equal numpy; MapSearch; ExportCoords asks before overwriting',
  { skip: py ?? false },
  async () => {
    const datasetId = await openClip();
    const rows = [0, 1, 2, 3, 500, 501, 777];
    const sel = await call(MapSelection, { datasetId, rows, k: 5, metric: 'cosine' });
    assert.equal(sel.count, 7);
    assert.equal(sel.column, 'modality');
    assert.deepEqual(
      sel.mix,
      [
        { value: 'text', count: 3 },
        { value: 'image', count: 4 },
      ].sort((a, b) => b.count - a.count),
    );
    const ds = await loadDataset({ path: CLIP });
    const ref = runPython(
      'projection_ref.py',
      { X: { data: ds.matrix.data, shape: [1000, 512] }, rows: { data: Int32Array.from(rows), shape: [rows.length] } },
      { op: 'centroid_nn', k: 5 },
    ).json;
    assert.deepEqual(
      sel.neighbors.map((n) => n.row),
      ref.rows,
    );
    sel.neighbors.forEach((n, i) =>
      assert.ok(Math.abs(n.score - ref.scores[i]) < 1e-6, `${n.score} vs ${ref.scores[i]}`),
    );

    const found = await call(MapSearch, { datasetId, text: 'IMAGE', column: 'modality' });
    assert.equal(found.total, 500);
    assert.deepEqual(found.rows.slice(0, 3), Int32Array.of(0, 1, 2));
    assert.equal((await call(MapSearch, { datasetId, text: 'no such thing' })).total, 0);

    const res = await call(Project, {
      datasetId,
      jobId: 'job-2',
      method: 'pca',
      dims: 2,
      seed: 0,
      k: 10,
      metric: 'cosine',
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-map-'));
    const file = path.join(dir, 'map.csv');
    const w = await call(ExportCoords, { datasetId, jobId: 'job-2', file });
    assert.equal(w.rows, 1000);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1001);
    const c = res.coords;
    const first = lines[1].split(',');
    assert.equal(Math.fround(Number(first[1])), c[0], 'the CSV reads back as the same float32');
    assert.equal(first[4], 'image');
    fs.writeFileSync(file, 'keep me');
    await assert.rejects(
      call(ExportCoords, { datasetId, jobId: 'job-2', file }),
      (e: { code: number; message: string }) => e.code === ENGINE_ERROR_INPUT && /already exists/.test(e.message),
    );
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
    await call(ExportCoords, { datasetId, jobId: 'job-2', file, overwrite: true });
    assert.notEqual(fs.readFileSync(file, 'utf8'), 'keep me');
    await assert.rejects(call(ExportCoords, { datasetId, jobId: 'nope', file, overwrite: true }), /no finished map/);
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test('cancelling Project answers RequestCancelled; bad settings answer an input error', async () => {
  const datasetId = await openClip();
  const token = { isCancellationRequested: false };
  setTimeout(() => (token.isCancellationRequested = true), 500);
  await assert.rejects(
    call(Project, { datasetId, jobId: 'job-3', method: 'tsne', dims: 2, seed: 0, k: 10, metric: 'cosine' }, token),
    (e: { code: number }) => e.code === LSPErrorCodes.RequestCancelled,
  );
  assert.equal(await call(ProjectPoll, { jobId: 'job-3', after: 0 }), null, 'the cancelled job is gone');
  await assert.rejects(
    call(Project, { datasetId, jobId: 'job-4', method: 'tsne', dims: 3, seed: 0, k: 10, metric: 'cosine' }),
    (e: { code: number; message: string }) => e.code === ENGINE_ERROR_INPUT && /2 dimensions only/.test(e.message),
  );
});
