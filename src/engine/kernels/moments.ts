/**
 * First and second moments of the rows in one pass over row blocks.
 *
 * Uses the shifted-data algorithm (Chan, Golub & LeVeque 1983): every row is
 * taken relative to a pilot shift K (the first block's mean), so
 *   S1 = Σ (x − K),   S2 = Σ (x − K)(x − K)ᵀ
 * are accumulated with small magnitudes. Each block's S2 contribution is one
 * float32 onnxruntime run (at d ≥ 256 only the upper block triangle, in column panels,
 * as BLAS SYRK does; graphs.ts shiftedGramPanels), added into float64 accumulators
 * and mirrored at the end; the centred covariance and the raw Gram follow in float64:
 *   C   = (S2 − S1 S1ᵀ / n) / (n − 1)
 *   XᵀX = S2 + S1 Kᵀ + K S1ᵀ + n K Kᵀ
 *
 * Error bound: each block's GEMM sums ≤ blockRows (≤ 8192) float32 products, so
 * an entry of S2 is off by at most γ·Σ|x_i − K_i||x_j − K_j| with γ ≈ blockRows·2⁻²⁴
 * in the worst case and ≈ √blockRows·2⁻²⁴ (~5e-6) for the random rounding seen in
 * practice; by Cauchy–Schwarz that is ≤ γ·√(S2_ii·S2_jj). The shift removes the
 * cancellation that plain XᵀX − n μμᵀ suffers when the mean is large (as in CLIP,
 * where the mean cosine is 0.53). Tested against numpy in float64
 * (test/unit/kernels.test.ts, GloVe and CLIP shifted by +20):
 *   |ΔC_ij| ≤ 1e-5·√(C_ii·C_jj),  |Δ(XᵀX)_ij| ≤ 1e-5·√((XᵀX)_ii·(XᵀX)_jj),
 *   |Δmean_j| ≤ 1e-9·(|mean_j| + σ_j).
 *
 * Rows with NaN or ±Inf are skipped and counted.
 */
import { Matrix } from '../core/matrix';
import { Cancellation, Progress, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { run, tensor } from './ort';
import { gramBlock, shiftedGramBlock, shiftedGramPanels } from './graphs';

const BLOCK_ROWS_TARGET_BYTES = 16 << 20;
/** Row blocks never exceed this (the block is copied twice in the graph: shifted, transposed). */
const BLOCK_ROWS_MAX_BYTES = 64 << 20;

/**
 * Column panels of the blocked Gram (graphs.ts shiftedGramPanels): P panels compute
 * P(P+1)/2 of P² blocks (P = 4: 10 of 16, P = 8: 36 of 64). Below 512 dims the panels get
 * too thin for MLAS to gain from skipping blocks; from 2048 dims eight panels are still
 * wide enough (d = 3072: 0.45 s instead of 0.52 s for 10k rows).
 */
function gramPanels(d: number): number {
  return d >= 2048 ? 8 : d >= 512 ? 4 : d >= 256 ? 2 : 1;
}

export interface Moments {
  /** Rows used (finite). */
  n: number;
  d: number;
  /** Rows skipped because they hold NaN or ±Inf. */
  skipped: number;
  mean: Float64Array;
  shift: Float64Array;
  /** Σ (x − K) */
  s1: Float64Array;
  /** Σ (x − K)(x − K)ᵀ, row-major d×d. */
  s2: Float64Array;
}

export interface MomentOptions {
  token?: Cancellation;
  progress?: Progress;
}

/** Moments of all finite rows of X in one pass over row blocks. */
export async function computeMoments(X: Matrix, opts: MomentOptions = {}): Promise<Moments> {
  const acc = new MomentAccumulator(X.cols);
  await acc.add(X, opts);
  return acc.result();
}

/**
 * The same one-pass accumulation fed block by block, so a file larger than one
 * buffer (or memory) can be streamed through it: `add` any number of row blocks
 * in order, then `result()`.
 */
export class MomentAccumulator {
  private readonly shift: Float64Array;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private readonly blockRows: number;
  private readonly buf: Float32Array;
  private readonly shift32: Float32Array;
  /** 8·K, for S1 taken eight rows at a time. */
  private readonly shift8: Float64Array;
  /** Panel bounds of the blocked Gram: panel p is columns edges[p] .. edges[p+1]−1. */
  private readonly edges: number[];
  private readonly splits: ReturnType<typeof tensor>;
  /** The panel blocks' outputs, written by every run into the same buffers (no per-run allocation). */
  private readonly gOut: Record<string, ReturnType<typeof tensor>> = {};
  private readonly gBuf: Float32Array[][] = [];
  private n = 0;
  private skipped = 0;
  private shiftSet = false;
  private done = false;

  constructor(readonly d: number) {
    // ≥ 4096 rows where d is large: each block's GEMMs have d² outputs, so short blocks (K
    // small) ran well below MLAS's speed at d = 3072. ≤ 8192 keeps the error bound above.
    this.blockRows = Math.max(
      64,
      Math.min(4096, Math.floor(BLOCK_ROWS_MAX_BYTES / (4 * d))),
      Math.min(8192, Math.floor(BLOCK_ROWS_TARGET_BYTES / (4 * d))),
    );
    this.shift = new Float64Array(d);
    this.s1 = new Float64Array(d);
    this.s2 = new Float64Array(d * d);
    this.buf = new Float32Array(this.blockRows * d);
    this.shift32 = new Float32Array(d);
    this.shift8 = new Float64Array(d);
    const panels = gramPanels(d);
    const w = Math.ceil(d / panels);
    this.edges = Array.from({ length: panels + 1 }, (_, p) => Math.min(d, p * w));
    this.splits = tensor(
      BigInt64Array.from({ length: panels }, (_, p) => BigInt(this.edges[p + 1] - this.edges[p])),
      [panels],
    );
    if (panels > 1) {
      for (let p = 0; p < panels; p++) {
        this.gBuf.push([]);
        for (let q = p; q < panels; q++) {
          const wp = this.edges[p + 1] - this.edges[p];
          const wq = this.edges[q + 1] - this.edges[q];
          const buf = new Float32Array(wp * wq);
          this.gBuf[p][q] = buf;
          this.gOut[`G_${p}_${q}`] = tensor(buf, [wp, wq]);
        }
      }
    }
  }

  /** Adds the rows of X (progress is the fraction of X's rows done). */
  async add(X: Matrix, opts: MomentOptions = {}): Promise<void> {
    const { rows, cols: d, data } = X;
    if (d !== this.d) throw new RangeError(`rows have ${d} dims, the accumulator ${this.d}`);
    if (this.done) throw new Error('moments: add() after result()');
    const { shift, blockRows } = this;
    for (let r0 = 0; r0 < rows; r0 += blockRows) {
      throwIfCancelled(opts.token);
      const r1 = Math.min(rows, r0 + blockRows);
      if (!this.shiftSet) {
        // Pilot shift K: the mean of the first block with finite rows.
        let cnt = 0;
        for (let i = r0; i < r1; i++) {
          if (!finiteRow(data, i, d)) continue;
          cnt++;
          for (let j = 0; j < d; j++) shift[j] += data[i * d + j];
        }
        if (cnt > 0) {
          // float32-representable, so the shift subtracted in float32 (GEMM) and in float64 (S1) is the same K.
          for (let j = 0; j < d; j++) shift[j] = Math.fround(shift[j] / cnt);
          for (let j = 0; j < d; j++) this.shift8[j] = 8 * shift[j];
          this.shiftSet = true;
        }
      }
      if (!(await this.addBlockFused(data, r0, r1))) await this.addBlockChecked(data, r0, r1);
      opts.progress?.(r1 / rows);
      await yieldToEventLoop();
    }
  }

  /**
   * The common case, a block with only finite rows: the shifted Gram in one onnxruntime
   * run on a view of the rows (no copy in JS), S1 in float64 here. A NaN/±Inf anywhere
   * in the block makes a diagonal entry of G non-finite (so does a finite value whose
   * square overflows float32): then nothing is added, false is returned, and the caller
   * takes the row-by-row path.
   */
  private async addBlockFused(data: Float32Array, r0: number, r1: number): Promise<boolean> {
    const { d, shift, s1, edges } = this;
    const b = r1 - r0;
    this.shift32.set(shift);
    const A = tensor(data.subarray(r0 * d, r1 * d), [b, d]);
    const K = tensor(this.shift32, [d]);
    const panels = edges.length - 1;
    if (panels === 1) {
      const G = (await run(shiftedGramBlock, { A, K })).G.data as Float32Array;
      for (let j = 0; j < d; j++) if (!Number.isFinite(G[j * d + j])) return false;
      addInto(this.s2, G);
    } else {
      // Upper block triangle only; result() mirrors it.
      await run(shiftedGramPanels(panels), { A, K, splits: this.splits }, this.gOut);
      const G = this.gBuf;
      for (let p = 0; p < panels; p++) {
        const w = edges[p + 1] - edges[p];
        for (let j = 0; j < w; j++) if (!Number.isFinite(G[p][p][j * w + j])) return false;
      }
      for (let p = 0; p < panels; p++) {
        for (let q = p; q < panels; q++) addBlock(this.s2, d, edges[p], edges[q], edges[q + 1] - edges[q], G[p][q]);
      }
    }
    addShiftedRows(s1, data, r0, r1, shift, this.shift8, d);
    this.n += b;
    return true;
  }

  /** A block with non-finite rows: copies the finite ones (shifted) and counts the others. */
  private async addBlockChecked(data: Float32Array, r0: number, r1: number): Promise<void> {
    const { d, shift, s1, s2, buf } = this;
    let b = 0;
    for (let i = r0; i < r1; i++) {
      // One pass copies the shifted row and checks it: a float64 sum of float32
      // values is non-finite iff some value is NaN/±Inf (it cannot overflow).
      if (!Number.isFinite(copyShifted(data, i * d, buf, b * d, shift, d))) {
        this.skipped++;
        continue; // its slot in buf is overwritten by the next finite row
      }
      addShifted(s1, data, i * d, shift, d); // the row is cache-hot
      b++;
    }
    this.n += b;
    if (b > 0) {
      const out = await run(gramBlock, { A: tensor(buf.subarray(0, b * d), [b, d]) });
      addInto(s2, out.G.data as Float32Array);
    }
  }

  /**
   * Ends the accumulation and returns the moments, which take over the accumulator's
   * buffers (at d = 3072 a copy of S2 cost more time than the eigenvalue solver's QL).
   */
  result(): Moments {
    const { d, n, shift, s1, s2 } = this;
    this.done = true;
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = n > 0 ? shift[j] + s1[j] / n : NaN;
    // The panelled blocks filled the upper triangle (and the row-by-row path both): mirror it.
    mirrorUpper(s2, d);
    return { n, d, skipped: this.skipped, mean, shift, s1, s2 };
  }
}

// Small leaf functions (not loops inlined in `add`): V8 optimises them after a few
// hundred calls, where the big loop in `add` ran unoptimised for most of a first call.

/** buf[o..o+d) = row − shift (float32); returns the float64 sum, non-finite iff the row is. */
function copyShifted(
  data: Float32Array,
  src: number,
  buf: Float32Array,
  o: number,
  shift: Float64Array,
  d: number,
): number {
  let chk = 0;
  for (let j = 0; j < d; j++) {
    const v = data[src + j] - shift[j];
    buf[o + j] = v;
    chk += v;
  }
  return chk;
}

function addShifted(s1: Float64Array, data: Float32Array, src: number, shift: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) s1[j] += data[src + j] - shift[j];
}

/**
 * S1 += Σ (row − K) over rows r0..r1−1, eight rows per pass over S1 (a quarter of the
 * time of one row per pass at d = 768; four rows per pass took a third more than eight).
 * 8K is exact, and eight float32 values of similar magnitude add exactly in float64, so
 * each pass adds the sum of the eight shifted rows with an absolute error of a few float64
 * ulps of |x|, as shifting row by row does: far below the float32 GEMM error that bounds
 * S2 (see the error bound above).
 */
function addShiftedRows(
  s1: Float64Array,
  data: Float32Array,
  r0: number,
  r1: number,
  shift: Float64Array,
  shift8: Float64Array,
  d: number,
): void {
  let i = r0;
  for (; i + 8 <= r1; i += 8) addShifted8(s1, data, i * d, shift8, d);
  for (; i < r1; i++) addShifted(s1, data, i * d, shift, d);
}

function addShifted8(s1: Float64Array, data: Float32Array, o: number, shift8: Float64Array, d: number): void {
  const o1 = o + d;
  const o2 = o1 + d;
  const o3 = o2 + d;
  const o4 = o3 + d;
  const o5 = o4 + d;
  const o6 = o5 + d;
  const o7 = o6 + d;
  for (let j = 0; j < d; j++) {
    s1[j] +=
      data[o + j] +
      data[o1 + j] +
      (data[o2 + j] + data[o3 + j]) +
      (data[o4 + j] + data[o5 + j] + (data[o6 + j] + data[o7 + j])) -
      shift8[j];
  }
}

function addInto(acc: Float64Array, g: Float32Array | Float64Array): void {
  for (let t = 0; t < acc.length; t++) acc[t] += g[t];
}

/** acc[r0 + i, c0 + j] += g[i, j] for the rows × w block g (row-major), acc d×d. */
function addBlock(acc: Float64Array, d: number, r0: number, c0: number, w: number, g: Float32Array): void {
  const rows = g.length / w;
  for (let i = 0; i < rows; i++) {
    const o = (r0 + i) * d + c0;
    const gi = i * w;
    for (let j = 0; j < w; j++) acc[o + j] += g[gi + j];
  }
}

function finiteRow(data: Float32Array, i: number, d: number): boolean {
  const o = i * d;
  for (let j = 0; j < d; j++) if (!Number.isFinite(data[o + j])) return false;
  return true;
}

/** Sample covariance (ddof = 1, or `ddof`), row-major d×d. */
export function covariance(m: Moments, ddof = 1): Float64Array {
  const { d, n, s1, s2 } = m;
  const c = new Float64Array(d * d);
  const denom = Math.max(1, n - ddof);
  // Whole rows (s2 is symmetric): contiguous, where filling one triangle and mirroring
  // it walked the other triangle column by column.
  for (let i = 0; i < d; i++) {
    const o = i * d;
    const si = s1[i];
    // (S1ᵢ·S1ⱼ)/n, not (S1ᵢ/n)·S1ⱼ: the product commutes, so c stays exactly symmetric.
    for (let j = 0; j < d; j++) c[o + j] = (s2[o + j] - (si * s1[j]) / n) / denom;
  }
  return c;
}

/** The raw (uncentred) Gram matrix XᵀX over the finite rows. */
export function rawGram(m: Moments): Float64Array {
  const { d, n, s1, s2, shift: K } = m;
  const g = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const o = i * d;
    const si = s1[i];
    const ki = K[i];
    // Grouped so that every term commutes in i and j: g stays exactly symmetric.
    for (let j = 0; j < d; j++) g[o + j] = s2[o + j] + (si * K[j] + ki * s1[j]) + n * (ki * K[j]);
  }
  return g;
}

/**
 * Copies the upper triangle of the row-major d×d `a` onto its lower triangle, in 64×64
 * tiles: a plain column walk misses the cache on every element once d is in the
 * thousands (d = 3072: ~0.2 s; tiled: a few tens of ms).
 */
function mirrorUpper(a: Float64Array, d: number): void {
  const T = 64;
  for (let i0 = 0; i0 < d; i0 += T) {
    const i1 = Math.min(d, i0 + T);
    for (let j0 = 0; j0 <= i0; j0 += T) {
      const j1 = Math.min(d, j0 + T);
      for (let i = i0; i < i1; i++) {
        const o = i * d;
        for (let j = j0; j < Math.min(j1, i); j++) a[o + j] = a[j * d + i];
      }
    }
  }
}
