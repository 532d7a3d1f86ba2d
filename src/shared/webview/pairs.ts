/**
 * Host ↔ webview messages of the labels-and-pairs panels (modality gap, neural
 * collapse, compare two files), and the plain-language findings they show.
 * The findings are pure functions of the engine's results, shared so the unit
 * tests can check them without a browser.
 */
import type { CompareResult, ModalityGapResult, NeuralCollapseResult } from '../protocol/pairs';
import type { CommonFromWebview, CommonToWebview, PanelLink } from './common';

export interface PairsFile {
  name: string;
  rows: number;
  dims: number;
}

export type PairsToWebview =
  | CommonToWebview
  | { type: 'gap'; file: PairsFile; result: ModalityGapResult; pairColumn?: string; links: PanelLink[] }
  | { type: 'collapse'; file: PairsFile; result: NeuralCollapseResult; weights?: string; links: PanelLink[] }
  | {
      type: 'compare';
      fileA: PairsFile;
      fileB: PairsFile;
      result: CompareResult;
      labels?: (string | null)[];
      links: PanelLink[];
    };

export type PairsFromWebview =
  | CommonFromWebview
  /** Choose the columns (or the second file) again and recompute. */
  | { type: 'rechoose' }
  /** Compare again with another k. */
  | { type: 'compareK'; k: number };

type Severity = 'info' | 'warning';
export interface Finding {
  severity: Severity;
  text: string;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const num = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');

/** What the modality-gap numbers say (Liang et al. 2022; Schrodi et al. 2025). */
export function gapFindings(r: ModalityGapResult): Finding[] {
  const a = r.groups.a.name;
  const b = r.groups.b.name;
  const out: Finding[] = [];
  const l2mText = `The centres of '${a}' and '${b}' are ${num(r.l2m)} apart (L2M; 0 = same centre, 2 = opposite directions on the unit sphere).`;
  out.push({
    severity: r.l2m > 0.3 ? 'warning' : 'info',
    text:
      r.l2m > 0.3 ? `${l2mText} The two groups occupy separate regions: a modality gap.` : `${l2mText} No marked gap.`,
  });
  if (r.separability >= 0.95)
    out.push({
      severity: 'warning',
      text: `A linear classifier tells '${a}' from '${b}' with ${pct(r.separability)} cross-validated accuracy: the groups are linearly separable.`,
    });
  else
    out.push({
      severity: 'info',
      text: `A linear classifier tells the groups apart with ${pct(r.separability)} cross-validated accuracy (50% would be chance for equal groups).`,
    });
  if (r.rmg !== null) {
    out.push({
      severity: r.rmg > 0.5 ? 'warning' : 'info',
      text: `Relative modality gap ${num(r.rmg)}: matched pairs are ${r.rmg > 0.5 ? 'further apart than' : 'closer than'} typical rows within a group (0.5 = as far as).`,
    });
  }
  if (r.retrieval && r.closedGap) {
    const before = r.retrieval.aToB.top1;
    const after = r.closedGap.aToB.top1;
    const change = after - before;
    out.push({
      severity: 'info',
      text: `${a}→${b} retrieval finds the matched ${b} first for ${pct(before)} of ${a} rows (mean rank ${num(r.retrieval.aToB.meanRank, 2)}); after closing the gap (moving both groups half the gap vector towards each other) ${pct(after)} (${change >= 0 ? '+' : ''}${(100 * change).toFixed(1)} points).`,
    });
  }
  const top = r.gapDimensions.slice(0, 2);
  const share = top.reduce((s, g) => s + g.share, 0);
  if (top.length && share > 0.3)
    out.push({
      severity: 'info',
      text: `${top.length === 1 ? 'Dimension' : 'Dimensions'} ${top.map((g) => g.dim).join(' and ')} carry ${pct(share)} of the gap vector's squared length.`,
    });
  if (r.ignoredRows)
    out.push({
      severity: 'info',
      text: `${r.ignoredRows} row(s) were left out (in neither group, or NaN/Inf/zero vectors).`,
    });
  return out;
}

/** What the neural-collapse numbers say (Papyan, Han & Donoho 2020). */
export function collapseFindings(r: NeuralCollapseResult): Finding[] {
  const out: Finding[] = [];
  out.push({
    severity: 'info',
    text: `NC1 = ${num(r.nc1)}: within-class spread relative to the spread of the class means (0 = every row sits on its class mean; values well below 1 mean tight classes). tr Σ_W / tr Σ_B = ${num(r.withinBetweenRatio)}.`,
  });
  out.push({
    severity: r.nc2.equiangularity < 0.1 && r.nc2.equinorm < 0.1 ? 'info' : 'warning',
    text: `Class means: norms vary by ${pct(r.nc2.equinorm)} (equinorm), and their pairwise cosines average ${num(r.nc2.meanCosine)} against the ideal ${num(r.nc2.idealCosine)} of a simplex (mean deviation ${num(r.nc2.equiangularity)}).`,
  });
  out.push({
    severity: 'info',
    text: `Nearest-class-mean accuracy ${pct(r.ncmAccuracy)} vs ${r.k}-NN accuracy ${pct(r.knnAccuracy)}${r.ncmAccuracy >= r.knnAccuracy - 0.01 ? ': the class means alone classify as well as the neighbours — a sign of collapse.' : '.'}`,
  });
  if (r.nc3 !== undefined && r.nc4 !== undefined) {
    out.push({
      severity: 'info',
      text: `Classifier: NC3 (distance between normalised weights and class means) ${num(r.nc3)}; it disagrees with the nearest class mean on ${pct(r.nc4)} of rows (NC4); accuracy ${pct(r.classifierAccuracy ?? NaN)}.`,
    });
  }
  const single = r.perClass.filter((c) => c.rows < 2);
  if (single.length)
    out.push({
      severity: 'warning',
      text: `${single.length} class(es) have a single row (${single
        .slice(0, 5)
        .map((c) => c.name)
        .join(', ')}): their spread is 0 and their mean is that row.`,
    });
  if (r.classes - 1 > r.dims)
    out.push({
      severity: 'warning',
      text: `${r.classes} classes in ${r.dims} dimensions: the class means cannot form a simplex (it needs C − 1 ≤ d).`,
    });
  if (r.ignoredRows)
    out.push({
      severity: 'info',
      text: `${r.ignoredRows} row(s) without a label or with NaN/Inf values were left out.`,
    });
  return out;
}

/** What the comparison says (Kornblith et al. 2019; Huh et al. 2024; Schönemann 1966). */
export function compareFindings(r: CompareResult, nameA = 'A', nameB = 'B'): Finding[] {
  const out: Finding[] = [];
  out.push({
    severity: 'info',
    text: `Linear CKA ${num(r.linearCka)} (debiased ${num(r.debiasedCka)}): 1 means the two files encode the same linear structure up to rotation and scale, 0 none.`,
  });
  out.push({
    severity: r.mutualKnn < 0.2 ? 'warning' : 'info',
    text: `On average ${pct(r.mutualKnn)} of a row's ${r.k} nearest neighbours are the same in both files (mutual k-NN).`,
  });
  const p = r.procrustes;
  const how =
    p.alignment === 'orthogonal'
      ? 'a rotation'
      : `a rotation after reducing both files to ${p.alignedDims} dims by their own PCA (the widths differ)`;
  out.push({
    severity: 'info',
    text: `Aligned by ${how}, row i of ${nameA} retrieves row i of ${nameB} first for ${pct(p.top1After)} of rows${p.top1Before !== null ? ` (before alignment ${pct(p.top1Before)})` : ''}; Procrustes disparity ${num(p.residual)} (0 = identical shapes).`,
  });
  out.push({
    severity: 'info',
    text: `Relative representations over ${r.relative.anchors} anchor rows agree with mean cosine ${num(r.relative.meanCosine)}; matched top-1 ${pct(r.relative.top1)}.`,
  });
  let low = 0;
  let valid = 0;
  for (const j of r.jaccard) {
    if (!Number.isFinite(j)) continue;
    valid++;
    if (j === 0) low++;
  }
  if (valid)
    out.push({
      severity: low / valid > 0.25 ? 'warning' : 'info',
      text: `${pct(low / valid)} of rows share no neighbour at all between the two files: the map shows where.`,
    });
  if (r.idColumn)
    out.push({ severity: 'info', text: `Rows were checked to be the same items by the '${r.idColumn}' column.` });
  else
    out.push({
      severity: 'info',
      text: `No id column to check: rows are assumed to be the same items in the same order.`,
    });
  if (r.usedRows < r.rows)
    out.push({
      severity: 'warning',
      text: `${r.rows - r.usedRows} row(s) with NaN/Inf or zero vectors in either file were left out.`,
    });
  return out;
}
