/**
 * Geometry diagnostics of one dataset: rank axes, intrinsic dimension, isotropy,
 * hubness and cosine versus dot, each a section with its numbers and a
 * plain-language finding. Every number is defined in docs/definitions.md.
 *
 * Cost: the spectral parts are O(nd² + d³) on all rows; the k-NN graphs are
 * O(n²d) and computed once per (rows, metric) at the largest k needed (graph.ts).
 * Above AUTO_SAMPLE_ROWS rows, or with `sample`, the graphs use a seeded sample.
 */
import type { Metric } from '../../../shared/protocol/common';
import type { DiagHubness, DiagnoseParams, DiagnoseResult } from '../../../shared/protocol/diagnostics';
import { DEFAULT_K, DEFAULT_SEED } from '../../../shared/defaults';
import { Matrix, gatherRows } from '../../core/matrix';
import { Dataset, datasetInfo, datasetNorms, metadataRow } from '../../data/dataset';
import { kOccurrence } from '../../kernels/knn';
import { InputError, Progress } from '../../util/errors';
import { sampleRows } from '../../util/random';
import { inspect, WorkOptions } from '../overview';
import { cosineVsDotSection, EQUAL_NORM_CV } from './cosineVsDot';
import { findings } from './findings';
import { Graph, neighborGraph } from './graph';
import { csls, distanceMoments, hubnessStats, mutualProximity } from './hubness';
import { intrinsicDimensionSection, MLE_K } from './intrinsicDimension';
import { cosineSums, isotropySection } from './isotropy';
import { rankSection } from './rank';
import { spectralData, SPECTRUM_LIMITS, SpectrumTooLarge } from './spectrum';

const AUTO_SAMPLE_ROWS = 100_000;
/** Candidates per row for hubness reduction: k·CANDIDATE_FACTOR. */
const CANDIDATE_FACTOR = 3;
const TOP_HUBS = 10;
const POINTED_BY_CAP = 100;

export interface DiagnoseOptions extends WorkOptions {
  /** Include per-row arrays (local ID, k-occurrence, norms) for the panel. */
  perRow?: boolean;
}

export async function diagnose(
  ds: Dataset,
  params: Omit<DiagnoseParams, 'datasetId'> = {},
  opts: DiagnoseOptions = {},
): Promise<DiagnoseResult> {
  const t0 = Date.now();
  const k = params.k ?? DEFAULT_K;
  const seed = params.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(k) || k < 1) throw new InputError(undefined, `k must be a positive integer, got ${k}`);
  if (params.sample !== undefined && (!Number.isInteger(params.sample) || params.sample < 2))
    throw new InputError(undefined, `--sample must be an integer ≥ 2, got ${params.sample}`);
  const n = ds.matrix.rows;
  const d = ds.matrix.cols;
  if (n === 0) throw new InputError(ds.path, 'has no rows');
  const ins = inspect(ds);
  if (ins.nanRows === n) throw new InputError(ds.path, `every row (${n}) holds NaN or Inf values: nothing to diagnose`);
  const norms = datasetNorms(ds);
  const notes: string[] = [];
  // Sub-steps report their own fractions (moments, eigen-solver, graphs): never let the bar go back.
  let shown = 0;
  const stage =
    (a: number, b: number, msg: string): Progress =>
    (f) => {
      shown = Math.max(shown, a + (b - a) * Math.min(1, Math.max(0, f)));
      opts.progress?.(shown, msg);
    };

  // --- rows for the quadratic parts
  const sampleN = params.sample ?? (n > AUTO_SAMPLE_ROWS ? AUTO_SAMPLE_ROWS : undefined);
  let rows: Matrix = ds.matrix;
  let key = 'all';
  let rowOf = (i: number) => i;
  let sample: DiagnoseResult['sample'];
  if (sampleN !== undefined && sampleN < n) {
    const idx = sampleRows(n, sampleN, seed);
    rows = gatherRows(ds.matrix, idx);
    key = `sample:${sampleN}:${seed}`;
    rowOf = (i) => idx[i];
    sample = { rows: sampleN, of: n, seed, sections: ['intrinsicDimension', 'hubness', 'cosineVsDot'] };
    if (params.sample === undefined)
      notes.push(
        `more than ${AUTO_SAMPLE_ROWS} rows: the k-NN parts ran on a seeded sample of ${sampleN} rows (pass --sample to choose)`,
      );
    else
      notes.push(
        `--sample ${sampleN}: intrinsic dimension, hubness and cosine vs dot ran on ${sampleN} of ${n} rows (seed ${seed}); rank and isotropy used every row`,
      );
  } else if (params.sample !== undefined) {
    notes.push(`--sample ${params.sample} is not below the ${n} rows: every row was used`);
  }
  const rowNorm = key === 'all' ? norms : Float64Array.from({ length: rows.rows }, (_, i) => norms[rowOf(i)]);

  // --- spectrum: rank and isotropy on every row
  let rank: DiagnoseResult['rank'] = null;
  let spectrumNote: string | undefined;
  let spec: Awaited<ReturnType<typeof spectralData>> | undefined;
  try {
    spec = await spectralData(ds, { token: opts.token, progress: stage(0, 0.1, 'spectrum') });
    rank = rankSection(spec.spectrum);
  } catch (e) {
    if (!(e instanceof SpectrumTooLarge)) throw e;
    spectrumNote = e.message;
    notes.push(e.message);
  }
  const coords =
    spec?.coordinates && spec.spectrum.n >= 2
      ? await spec.coordinates({ token: opts.token, progress: stage(0.1, 0.15, 'projecting') })
      : undefined;
  if (spec && !spec.coordinates)
    spectrumNote = `min(n, d) = ${Math.min(spec.spectrum.n, spec.spectrum.d)} is above ${SPECTRUM_LIMITS.vectors}: eigenvalues only, so I(W) and the post-processing previews are not computed (use --sample to analyse fewer rows when n < d)`;
  const isotropy = await isotropySection({
    sums: cosineSums(ds.matrix, norms),
    spectrum: spec?.spectrum,
    coordinates: coords,
    spectrumNote,
  });

  // --- graphs: the largest k per metric first, so later sections reuse prefixes
  const hubMetric: 'cosine' | 'euclidean' = params.metric ?? 'cosine';
  const idMetric: 'cosine' | 'euclidean' = params.metric ?? 'euclidean';
  const K = k * CANDIDATE_FACTOR;
  const needs = new Map<Metric, number>();
  const need = (m: Metric, kk: number) => needs.set(m, Math.max(needs.get(m) ?? 0, kk));
  need(hubMetric, K);
  need('cosine', k);
  let cv: number;
  {
    let s = 0;
    let s2 = 0;
    let c = 0;
    for (const v of rowNorm) {
      if (!Number.isFinite(v)) continue;
      s += v;
      s2 += v * v;
      c++;
    }
    const m = s / c;
    cv = m > 0 ? Math.sqrt(Math.max(0, s2 / c - m * m)) / m : 0;
  }
  const dotNeeded = cv >= EQUAL_NORM_CV;
  // Equal norms: euclidean neighbours are the cosine ones, so ID reads the cosine graph (one O(n²d) pass fewer).
  const equalNorms = !dotNeeded;
  if (ins.duplicateRows === 0) need(idMetric === 'euclidean' && equalNorms ? 'cosine' : idMetric, MLE_K);
  if (dotNeeded) need('dot', k);
  const order = [...needs.keys()];
  let done = 0;
  for (const m of order) {
    const a = 0.15 + (0.8 * done) / order.length;
    await neighborGraph(ds, key, rows, m, needs.get(m)!, {
      token: opts.token,
      progress: stage(a, a + 0.8 / order.length, `${m} k-NN graph`),
    });
    done++;
  }

  const id = await intrinsicDimensionSection(
    ds,
    key,
    rows,
    idMetric,
    { token: opts.token, progress: stage(0.95, 0.97, 'intrinsic dimension') },
    equalNorms,
  );
  const hub = await hubnessSection(ds, key, rows, rowNorm, hubMetric, k, seed, rowOf, {
    token: opts.token,
    progress: stage(0.97, 0.985, 'hubness reduction'),
  });
  // Copies sit at distance 0 from each other and fill each other's lists first (ties by row index).
  if (ins.duplicateRows)
    hub.section.notes.push(
      `the file has ${ins.duplicateRows} duplicate row${ins.duplicateRows === 1 ? '' : 's'}: copies are each other's nearest neighbours, which shifts k-occurrence towards them`,
    );
  const cosG = await neighborGraph(ds, key, rows, 'cosine', k, { token: opts.token });
  const dotG = dotNeeded ? await neighborGraph(ds, key, rows, 'dot', k, { token: opts.token }) : undefined;
  const cosineVsDot = await cosineVsDotSection(
    { rows, norms: rowNorm, k, cosine: cosG, dot: dotG, seed, columns: ds.metadata?.columns ?? [], rowOf },
    { token: opts.token, progress: stage(0.985, 1, 'cosine versus dot') },
  );

  if (n === 1)
    notes.push(
      'a single row: pairwise measures (cosine, hubness, intrinsic dimension) are not defined and shown as NaN (null in JSON)',
    );
  const partial: Omit<DiagnoseResult, 'findings' | 'seconds'> = {
    file: ds.path,
    rows: n,
    dims: d,
    nonFiniteRows: ins.nanRows,
    zeroRows: ins.zeroRows,
    duplicateRows: ins.duplicateRows,
    sample,
    rank,
    intrinsicDimension: id.section,
    isotropy,
    hubness: hub.section,
    cosineVsDot,
    notes,
  };
  const result: DiagnoseResult = { ...partial, findings: findings(partial), seconds: 0 };
  if (opts.perRow) {
    const localId = new Float64Array(n).fill(NaN);
    const occ = new Float64Array(n).fill(NaN);
    for (let i = 0; i < rows.rows; i++) {
      localId[rowOf(i)] = id.localId[i];
      occ[rowOf(i)] = hub.valid(i) ? hub.occurrence[i] : NaN;
    }
    result.perRow = { localId, kOccurrence: occ, norms: norms.slice() };
  }
  opts.progress?.(1, 'done');
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

async function hubnessSection(
  ds: Dataset,
  key: string,
  rows: Matrix,
  rowNorm: Float64Array,
  metric: 'cosine' | 'euclidean',
  k: number,
  seed: number,
  rowOf: (i: number) => number,
  opts: WorkOptions,
): Promise<{ section: DiagHubness; occurrence: Int32Array; valid: (i: number) => boolean }> {
  const n = rows.rows;
  const valid = (i: number) => Number.isFinite(rowNorm[i]) && (metric !== 'cosine' || rowNorm[i] > 0);
  const validRows: number[] = [];
  for (let i = 0; i < n; i++) if (valid(i)) validRows.push(i);
  const notes: string[] = [];
  const kk = Math.min(k, Math.max(0, validRows.length - 1));
  const g: Graph = await neighborGraph(ds, key, rows, metric, k * CANDIDATE_FACTOR, opts);
  const occurrence = kOccurrence(g.indices, g.k, n, kk, valid);
  const occValid = validRows.map((i) => occurrence[i]);
  const nan = { skewness: NaN, robinHood: NaN, antihubShare: NaN, hubOccurrence: NaN, maxOccurrence: NaN };
  if (kk < k)
    notes.push(
      validRows.length < 2
        ? 'fewer than 2 usable rows: hubness is not defined (NaN)'
        : `k reduced to ${kk}: only ${validRows.length} usable rows`,
    );
  if (n - validRows.length)
    notes.push(
      `${n - validRows.length} row${n - validRows.length === 1 ? '' : 's'} left out (${metric === 'cosine' ? 'zero, NaN or Inf' : 'NaN or Inf'})`,
    );
  const stats = kk >= 1 ? hubnessStats(occValid, kk) : nan;
  const hist: number[] = [];
  for (const v of occValid) hist[v] = (hist[v] ?? 0) + 1;
  for (let c = 0; c < hist.length; c++) hist[c] = hist[c] ?? 0;
  const label = datasetInfo(ds).labelColumn;
  const top = [...validRows].sort((a, b) => occurrence[b] - occurrence[a] || a - b).slice(0, TOP_HUBS);
  const topHubs = top.map((i) => {
    const pointedBy: number[] = [];
    for (const q of validRows) {
      if (pointedBy.length >= POINTED_BY_CAP) break;
      for (let t = 0; t < kk; t++) if (g.indices[q * g.k + t] === i) pointedBy.push(rowOf(q));
    }
    const lv = label ? metadataRow(ds, rowOf(i))[label] : undefined;
    return {
      row: rowOf(i),
      occurrence: occurrence[i],
      label: lv === undefined || lv === null ? undefined : String(lv),
      pointedBy,
    };
  });
  const cand = { n, K: g.k, indices: g.indices, dist: metric === 'cosine' ? g.scores.map((s) => 1 - s) : g.scores };
  const reduced = (idx: Int32Array) => {
    if (kk < 1) return nan;
    const occ = kOccurrence(idx, kk, n, kk, valid);
    return hubnessStats(
      validRows.map((i) => occ[i]),
      kk,
    );
  };
  const moments = kk >= 1 ? await distanceMoments(rows, metric, valid, seed, opts) : undefined;
  const mpIdx = moments ? mutualProximity(cand, kk, moments.mu, moments.sd) : new Int32Array(0);
  const csIdx = kk >= 1 ? csls(cand, kk) : new Int32Array(0);
  notes.push(
    `hubness reduction re-ranks each row's ${g.k} nearest candidates (as scikit-hubness does with approximate neighbours)${moments && moments.sampled < validRows.length - 1 ? `; mutual proximity's per-row distance distributions are estimated from ${moments.sampled} seeded rows` : ''}`,
  );
  return {
    section: {
      k: kk,
      metric,
      rowsUsed: validRows.length,
      ...stats,
      occurrenceHistogram: hist,
      topHubs,
      mutualProximity: reduced(mpIdx),
      csls: reduced(csIdx),
      candidates: g.k,
      notes,
    },
    occurrence,
    valid,
  };
}
