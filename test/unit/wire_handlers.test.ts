/**
 * NaN survives engine → host: the real request context on a stand-in connection,
 * every answer through JSON and the host's decoding (test/unit/helpers/channel.ts).
 * A file with NaN, Inf and zero rows gives the overview, map and diagnostics arrays
 * as typed arrays whose NaN rows are NaN (plain JSON would have made them null, and
 * the arrays objects) and whose other values equal the analysis called in-process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiagnoseResult } from '../../src/shared/protocol/diagnostics';
import { Diagnose } from '../../src/shared/protocol/diagnostics';
import type { ProjectResult } from '../../src/shared/protocol/map';
import { MapSearch, Project } from '../../src/shared/protocol/map';
import type { OverviewResult } from '../../src/shared/protocol/overview';
import { Overview } from '../../src/shared/protocol/overview';
import type { RequestDef } from '../../src/shared/protocol/request';
import { createContext } from '../../src/engine/handlers/context';
import { HANDLERS } from '../../src/engine/handlers/index';
import { overview } from '../../src/engine/analysis/overview';
import { memoryDataset } from './helpers/dataset';
import { received, sent, throughJson } from './helpers/channel';

type Handler = (params: unknown, token: { isCancellationRequested: boolean }) => Promise<unknown>;
const handlers = new Map<string, Handler>();
const ctx = createContext({
  onRequest(method: string, fn: Handler) {
    handlers.set(method, fn);
  },
  sendNotification() {},
  window: { attachWorkDoneProgress: () => Promise.resolve({ begin() {}, report() {}, done() {} }) },
} as never);
for (const register of HANDLERS) register(ctx);

/** What the host's EngineClient.request gets back; `raw` is the JSON text's value before decoding. */
async function call<P, R>(def: RequestDef<P, R>, params: P): Promise<{ value: R; raw: unknown }> {
  const fn = handlers.get(def.method);
  assert.ok(fn, `${def.method} is registered`);
  const answer = await fn(sent(params), { isCancellationRequested: false });
  return { value: received<R>(answer), raw: throughJson(answer) };
}

const N = 300;
const D = 16;
const BAD = { nan: 7, inf: 42, zero: 100 };

function fileWithBadRows() {
  // Deterministic, spread-out values (no generator needed: only NaN's journey is under test).
  const data = Float32Array.from({ length: N * D }, (_, t) => (t % D) * 0.1 + Math.sin(t * 12.9898) * 2);
  data[BAD.nan * D + 3] = NaN;
  data[BAD.inf * D] = -Infinity;
  data.fill(0, BAD.zero * D, (BAD.zero + 1) * D);
  const labels = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 'apple' : 'pear'));
  const ds = memoryDataset({ rows: N, cols: D, data }, '/tmp/wire-bad-rows.npy', { fruit: labels });
  ctx.datasets.set(ds.id, ds);
  return ds;
}

test('overview: PCA coordinates and norms arrive as typed arrays with NaN for the NaN/Inf rows', async () => {
  const ds = fileWithBadRows();
  const { value: r, raw } = await call(Overview, { datasetId: ds.id });
  assert.ok(r.pca.coords instanceof Float32Array && r.pca.coords.length === 2 * N);
  assert.ok(r.norms instanceof Float64Array && r.norms.length === N);
  for (const row of [BAD.nan, BAD.inf]) {
    assert.ok(Number.isNaN(r.pca.coords[2 * row]) && Number.isNaN(r.pca.coords[2 * row + 1]), `row ${row} coords`);
    assert.ok(!Number.isFinite(r.norms[row]), `row ${row} norm`);
  }
  assert.equal(r.norms[BAD.zero], 0);
  // Exactly what the analysis computed in-process, bit for bit.
  const direct: OverviewResult = await overview(ds);
  assert.deepEqual(r.pca.coords, direct.pca.coords);
  assert.deepEqual(r.norms, direct.norms);
  assert.deepEqual(r.inspect, throughJson(direct.inspect));
  // On the wire: tagged base64, not numbers (which JSON would have turned into null).
  assert.equal((raw as { norms: { $array: string } }).norms.$array, 'f64');
  assert.equal((raw as { pca: { coords: { $array: string } } }).pca.coords.$array, 'f32');
});

test('map: a PCA map keeps NaN coordinates and norms for the rows left out; search rows are int32', async () => {
  const ds = fileWithBadRows();
  const { value: r } = await call(Project, {
    datasetId: ds.id,
    jobId: 'wire-1',
    method: 'pca',
    dims: 2,
    seed: 0,
    k: 5,
    metric: 'cosine',
  });
  const m: ProjectResult = r;
  assert.ok(m.coords instanceof Float32Array && m.norms instanceof Float32Array);
  assert.ok(m.preservation instanceof Float32Array && m.preservation.length === N);
  assert.ok(Number.isNaN(m.coords[2 * BAD.nan]) && Number.isNaN(m.coords[2 * BAD.inf + 1]));
  assert.ok(Number.isNaN(m.norms[BAD.nan]));
  assert.equal(m.norms[BAD.inf], Infinity, 'an Inf row has an infinite norm, and it arrives as Infinity');
  let placed = 0;
  for (let i = 0; i < N; i++) if (Number.isFinite(m.coords[2 * i]) && Number.isFinite(m.coords[2 * i + 1])) placed++;
  assert.equal(placed, N - m.skippedRows, 'the rows not skipped have finite coordinates');
  assert.ok(m.skippedRows >= 2);
  if (m.top3) assert.ok(m.top3 instanceof Int32Array && m.top3.length === 3 * N);

  const { value: s } = await call(MapSearch, { datasetId: ds.id, text: 'APP', column: 'fruit' });
  assert.ok(s.rows instanceof Int32Array);
  assert.equal(s.total, N / 3);
  assert.deepEqual(s.rows.subarray(0, 3), Int32Array.of(0, 3, 6));
});

test('diagnostics: spectra and per-row values arrive as float64 arrays, NaN where a row has no value', async () => {
  const ds = fileWithBadRows();
  const { value: r } = await call(Diagnose, { datasetId: ds.id, k: 5 });
  const d: DiagnoseResult = r;
  assert.ok(d.rank, 'the rank section ran');
  for (const [name, a, n] of [
    ['singularValues', d.rank.singularValues, D],
    ['explainedCumulative', d.rank.explainedCumulative, D],
    ['covarianceEigenvalues', d.rank.covarianceEigenvalues, D],
    ['cosineContributions', d.isotropy.cosineContributions, D],
    ['dimensionVariance', d.isotropy.dimensionVariance, D],
  ] as const) {
    assert.ok(a instanceof Float64Array, `${name} is a Float64Array`);
    assert.equal(a.length, n, `${name} length`);
  }
  assert.ok(d.perRow, 'the panel asks for per-row values');
  const { localId, kOccurrence, norms } = d.perRow;
  assert.ok(localId instanceof Float64Array && kOccurrence instanceof Float64Array && norms instanceof Float64Array);
  for (const row of [BAD.nan, BAD.inf]) {
    assert.ok(Number.isNaN(localId[row]), `local ID of row ${row}`);
    assert.ok(Number.isNaN(kOccurrence[row]), `k-occurrence of row ${row}`);
  }
  assert.ok(Number.isNaN(norms[BAD.nan]) && norms[BAD.inf] === Infinity);
  assert.ok(Number.isFinite(localId[0]) && Number.isFinite(kOccurrence[0]));
});
