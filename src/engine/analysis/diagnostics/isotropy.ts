/**
 * Isotropy: do the vectors use all directions evenly, or do they share a common
 * direction (anisotropy) or lean on a few dimensions (rogue / outlier dimensions)?
 */
import type { DiagIsotropy, IsotropyPreview } from '../../../shared/protocol/diagnostics';
import { Matrix, rowNorms } from '../../core/matrix';
import { Coordinates, Spectrum } from './spectrum';
import { run, tensor } from '../../kernels/ort';
import { columnExpSums } from '../../kernels/graphs';

/**
 * Variance at or above this multiple of the mean per-dimension variance marks an outlier
 * dimension, the criterion of Rudman, Chen & Eickhoff 2023 ("Outlier dimensions encode
 * task-specific knowledge", EMNLP).
 */
export const OUTLIER_FACTOR = 5;

export interface CosineSums {
  /** Rows used (finite, non-zero). */
  n: number;
  zeroRows: number;
  nonFinite: number;
  /** Σ x̂ per dimension. */
  sum: Float64Array;
  /** Σ x̂² per dimension. */
  sumSq: Float64Array;
}

/** One pass over the rows: the sums the exact mean cosine and its per-dimension split need. */
export function cosineSums(X: Matrix, norms: Float64Array = rowNorms(X)): CosineSums {
  const { rows, cols: d, data } = X;
  const sum = new Float64Array(d);
  const sumSq = new Float64Array(d);
  let n = 0;
  let zeroRows = 0;
  let nonFinite = 0;
  for (let i = 0; i < rows; i++) {
    const s = norms[i];
    if (!Number.isFinite(s)) {
      nonFinite++;
      continue;
    }
    if (s === 0) {
      zeroRows++;
      continue;
    }
    n++;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = data[o + j] / s;
      sum[j] += v;
      sumSq[j] += v * v;
    }
  }
  return { n, zeroRows, nonFinite, sum, sumSq };
}

/**
 * Exact mean pairwise cosine over i ≠ j in O(nd): (‖Σx̂‖² − Σ‖x̂‖²) / (n(n − 1)), and its
 * split over dimensions CCᵢ = ((Σⱼ x̂ⱼᵢ)² − Σⱼ x̂ⱼᵢ²) / (n(n − 1)), which sums to the mean
 * (Timkey & van Schijndel 2021, "All bark and no bite: rogue dimensions in transformer
 * language models obscure representational quality", EMNLP).
 */
export function meanCosine(c: CosineSums): { mean: number; perDim: Float64Array } {
  const d = c.sum.length;
  const perDim = new Float64Array(d).fill(NaN);
  if (c.n < 2) return { mean: NaN, perDim };
  const denom = c.n * (c.n - 1);
  let mean = 0;
  for (let j = 0; j < d; j++) {
    perDim[j] = (c.sum[j] * c.sum[j] - c.sumSq[j]) / denom;
    mean += perDim[j];
  }
  return { mean, perDim };
}

/**
 * IsoScore (Rudman, Gillman, Rayne & Eickhoff 2022, "IsoScore: measuring the uniformity
 * of embedding space utilization", Findings of ACL), from the covariance eigenvalues
 * (the variances in the PCA basis), zero-padded to the ambient dimension d:
 *   Σ̂ = √d·λ/‖λ‖, δ = ‖Σ̂ − 1‖/√(2(d − √d)), ι = ((d − δ²(d − √d))² − d)/(d(d − 1)).
 */
export function isoScore(eigenvalues: ArrayLike<number>, d = eigenvalues.length): number {
  if (d < 2) return NaN;
  let norm = 0;
  for (let i = 0; i < eigenvalues.length; i++) norm += eigenvalues[i] * eigenvalues[i];
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return NaN;
  const sq = Math.sqrt(d);
  let dist2 = 0;
  for (let i = 0; i < d; i++) {
    const v = i < eigenvalues.length ? (sq * eigenvalues[i]) / norm : 0;
    dist2 += (v - 1) * (v - 1);
  }
  const defect2 = dist2 / (2 * (d - sq));
  const k = d - defect2 * (d - sq);
  return (k * k - d) / (d * (d - 1));
}

/**
 * Partition isotropy I(W) = min_c Z(c) / max_c Z(c), Z(c) = Σᵢ exp(cᵀwᵢ) (Mu & Viswanath 2018,
 * "All-but-the-top: simple and effective postprocessing for word representations", ICLR,
 * §2 eq. 3), which approximates the min/max over all unit c by a set of eigenvectors. Our
 * convention (docs/definitions.md): the eigenvectors of the covariance C
 * with non-zero variance, applied to the rows as given, and each with both signs — an
 * eigenvector's sign is arbitrary and the paper's min/max run over all unit c, a set closed
 * under negation. One-sign values depend on the library (numpy's eigh on XᵀX gives 0.4685
 * on the CLIP image rows; the sign-free value on C is what we report).
 * `logZ` holds log Z for every direction used; computed in log space: I = exp(min − max).
 */
export function partitionIsotropy(logZ: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < logZ.length; j++) {
    if (!Number.isFinite(logZ[j])) continue;
    lo = Math.min(lo, logZ[j]);
    hi = Math.max(hi, logZ[j]);
  }
  return hi >= lo ? Math.exp(lo - hi) : NaN;
}

/**
 * log Σᵢ exp(±scale_j·(z_ij + shift_j)) over the n×r coordinates for the columns `cols`:
 * two values per column (+ and − direction). Row blocks run on onnxruntime in float64
 * (kernels/graphs.ts columnExpSums: max, then Σ exp(v − max)); the blocks combine here by
 * rescaling to the running max, so nothing overflows.
 */
async function columnLogSumExp(
  co: Coordinates,
  shift: Float64Array | null,
  scale: Float64Array | null,
  cols: number[],
): Promise<number[]> {
  const { n, r, z } = co;
  const m = cols.length;
  if (m === 0) return [];
  const colsT = tensor(
    BigInt64Array.from(cols, (j) => BigInt(j)),
    [m],
  );
  const sh = tensor(
    Float64Array.from(cols, (j) => (shift ? shift[j] : 0)),
    [m],
  );
  const sc = tensor(
    Float64Array.from(cols, (j) => (scale ? scale[j] : 1)),
    [m],
  );
  const ax0 = tensor(BigInt64Array.of(0n), [1]);
  // Blocks of ~4M values (a few float64 copies of the block live in the graph at once).
  const block = Math.max(256, Math.floor(4e6 / m));
  const hi = new Float64Array(m).fill(-Infinity);
  const sp = new Float64Array(m);
  const lo = new Float64Array(m).fill(Infinity);
  const sm = new Float64Array(m);
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block);
    const out = await run(columnExpSums, {
      Z: tensor(z.subarray(r0 * r, r1 * r), [r1 - r0, r]),
      cols: colsT,
      shift: sh,
      scale: sc,
      ax0,
    });
    const bh = out.hi.data as Float64Array;
    const bs = out.sp.data as Float64Array;
    const bl = out.lo.data as Float64Array;
    const bm = out.sm.data as Float64Array;
    for (let t = 0; t < m; t++) {
      if (bh[t] > hi[t]) {
        sp[t] = sp[t] * Math.exp(hi[t] - bh[t]) + bs[t];
        hi[t] = bh[t];
      } else sp[t] += bs[t] * Math.exp(bh[t] - hi[t]);
      if (bl[t] < lo[t]) {
        sm[t] = sm[t] * Math.exp(bl[t] - lo[t]) + bm[t];
        lo[t] = bl[t];
      } else sm[t] += bm[t] * Math.exp(lo[t] - bl[t]);
    }
  }
  const out: number[] = [];
  for (let t = 0; t < m; t++) out.push(hi[t] + Math.log(sp[t]), -lo[t] + Math.log(sm[t]));
  return out;
}

/**
 * Exact mean pairwise cosine of rows given by their coordinates on the eigenvectors,
 * keeping columns `cols`, each multiplied by scale_j (rotation keeps inner products).
 * Rows whose kept coordinates are all zero are left out, as zero rows are.
 */
function meanCosineOfCoordinates(co: Coordinates, cols: number[], scale: Float64Array | null): number {
  const { n, r, z } = co;
  const m = cols.length;
  const idx = Int32Array.from(cols);
  const sc = Float64Array.from(cols, (j) => (scale ? scale[j] : 1));
  const sum = new Float64Array(m);
  const row = new Float64Array(m);
  let used = 0;
  for (let i = 0; i < n; i++) {
    const o = i * r;
    let s2 = 0;
    for (let t = 0; t < m; t++) {
      const v = z[o + idx[t]] * sc[t];
      row[t] = v;
      s2 += v * v;
    }
    if (!(s2 > 0)) continue;
    const inv = 1 / Math.sqrt(s2);
    for (let t = 0; t < m; t++) sum[t] += row[t] * inv;
    used++;
  }
  if (used < 2) return NaN;
  let tot = 0;
  for (let t = 0; t < m; t++) tot += sum[t] * sum[t];
  return (tot - used) / (used * (used - 1));
}

/**
 * Number of components all-but-the-top removes: Mu & Viswanath's rule of thumb d/100 (at least
 * 1), with d the number of directions the data can vary in — min(d, n − 1) — so a 300×20000
 * file loses 3 directions, not 200 of its 299.
 */
function abttComponents(d: number, n = Infinity): number {
  return Math.max(1, Math.round(Math.min(d, n - 1) / 100));
}

export interface IsotropyInput {
  sums: CosineSums;
  spectrum?: Spectrum;
  coordinates?: Coordinates;
  /** Why the spectral part is missing, when it is. */
  spectrumNote?: string;
}

export async function isotropySection(inp: IsotropyInput): Promise<DiagIsotropy> {
  const { sums, spectrum: sp, coordinates: co } = inp;
  const mc = meanCosine(sums);
  const d = sums.sum.length;
  const contrib = mc.perDim;
  const order = [...contrib.keys()]
    .filter((j) => Number.isFinite(contrib[j]))
    .sort((a, b) => contrib[b] - contrib[a] || a - b);
  const topContributors = order
    .slice(0, 10)
    .map((j) => ({ dim: j, contribution: contrib[j], share: mc.mean !== 0 ? contrib[j] / mc.mean : NaN }));
  const notes: string[] = [];
  if (sums.zeroRows)
    notes.push(
      `${sums.zeroRows} zero row${sums.zeroRows === 1 ? '' : 's'} left out of the cosine measures (cosine is undefined for them)`,
    );
  if (sums.nonFinite) notes.push(`${sums.nonFinite} row${sums.nonFinite === 1 ? '' : 's'} with NaN/Inf left out`);
  if (sums.n < 2) notes.push('fewer than 2 usable rows: the mean pairwise cosine is not defined (NaN)');
  const base: DiagIsotropy = {
    rowsUsed: sums.n,
    zeroRowsExcluded: sums.zeroRows,
    meanCosine: mc.mean,
    cosineContributions: contrib,
    topContributors,
    isoScore: NaN,
    partitionIsotropy: NaN,
    outlierDimensions: [],
    dimensionVariance: new Float64Array(0),
    previews: [],
    notes,
  };
  if (!sp) {
    if (inp.spectrumNote) notes.push(inp.spectrumNote);
    return base;
  }
  let meanVar = 0;
  for (const v of sp.colVar) meanVar += v / d;
  const outlierDimensions: number[] = [];
  for (let j = 0; j < d; j++) if (meanVar > 0 && sp.colVar[j] >= OUTLIER_FACTOR * meanVar) outlierDimensions.push(j);
  if (!co) {
    // Eigenvalues only (large min(n, d)): what needs no eigenvectors.
    if (inp.spectrumNote) notes.push(inp.spectrumNote);
    return {
      ...base,
      isoScore: sp.n >= 2 ? isoScore(sp.cov, d) : NaN,
      outlierDimensions,
      dimensionVariance: sp.colVar.slice(),
    };
  }

  const all = Array.from({ length: co.r }, (_, j) => j);
  if (sp.n < 2) notes.push('fewer than 2 rows: the covariance, IsoScore and I(W) are not defined (NaN)');
  // Directions with variance: the others have cᵀ(x − μ) = 0 and an arbitrary basis.
  const tol = Math.max(1e-300, sp.cov[0] * 1e-10);
  const white = all.filter((j) => sp.cov[j] > tol);
  // Raw rows on the eigenvectors: the centred coordinates plus μ·v.
  const rawLogZ = await columnLogSumExp(co, co.offset, null, white);

  const D = Math.min(abttComponents(d, sp.n), co.r);
  const kept = white.filter((j) => j >= D);
  // The removed (and zero-variance) directions give cᵀw = 0 for every row: Z = n.
  const abttLogZ = [...(await columnLogSumExp(co, null, null, kept)), ...(D > 0 ? [Math.log(co.n)] : [])];
  const abttEig = Array.from(sp.cov, (v, j) => (j < D ? 0 : v));

  const wscale = new Float64Array(co.r);
  for (const j of white) wscale[j] = 1 / Math.sqrt(sp.cov[j]);
  const whiteLogZ = await columnLogSumExp(co, null, wscale, white);
  const whiteEig = Array.from(sp.cov, (v) => (v > tol ? 1 : 0));

  const previews: IsotropyPreview[] = [
    {
      name: `all-but-the-top (remove mean + top ${D})`,
      components: D,
      meanCosine: meanCosineOfCoordinates(co, kept, null),
      isoScore: isoScore(abttEig, d),
      partitionIsotropy: partitionIsotropy(abttLogZ),
    },
    {
      name: 'PCA whitening',
      components: white.length,
      meanCosine: meanCosineOfCoordinates(co, white, wscale),
      isoScore: isoScore(whiteEig, d),
      partitionIsotropy: partitionIsotropy(whiteLogZ),
    },
  ];
  return {
    ...base,
    isoScore: sp.n >= 2 ? isoScore(sp.cov, d) : NaN,
    partitionIsotropy: sp.n >= 2 && white.length ? partitionIsotropy(rawLogZ) : NaN,
    outlierDimensions,
    dimensionVariance: sp.colVar.slice(),
    previews,
  };
}
