/**
 * First and second moments of the rows in one pass over row blocks.
 *
 * Uses the shifted-data algorithm (Chan, Golub & LeVeque 1983): every row is
 * taken relative to a pilot shift K (the first block's mean), so
 *   S1 = Σ (x − K),   S2 = Σ (x − K)(x − K)ᵀ
 * are accumulated with small magnitudes. Each block's S2 contribution is one
 * float32 GEMM on onnxruntime, added into float64 accumulators; the centred
 * covariance and the raw Gram follow in float64:
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
import { gramBlock, shiftedGramBlock } from './graphs';

const BLOCK_ROWS_TARGET_BYTES = 16 << 20;

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
  private n = 0;
  private skipped = 0;
  private shiftSet = false;

  constructor(readonly d: number) {
    this.blockRows = Math.max(64, Math.min(8192, Math.floor(BLOCK_ROWS_TARGET_BYTES / (4 * d))));
    this.shift = new Float64Array(d);
    this.s1 = new Float64Array(d);
    this.s2 = new Float64Array(d * d);
    this.buf = new Float32Array(this.blockRows * d);
    this.shift32 = new Float32Array(d);
  }

  /** Adds the rows of X (progress is the fraction of X's rows done). */
  async add(X: Matrix, opts: MomentOptions = {}): Promise<void> {
    const { rows, cols: d, data } = X;
    if (d !== this.d) throw new RangeError(`rows have ${d} dims, the accumulator ${this.d}`);
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
    const { d, shift, s1 } = this;
    const b = r1 - r0;
    this.shift32.set(shift);
    const out = await run(shiftedGramBlock, { A: tensor(data.subarray(r0 * d, r1 * d), [b, d]), K: tensor(this.shift32, [d]) });
    const G = out.G.data as Float32Array;
    for (let j = 0; j < d; j++) if (!Number.isFinite(G[j * d + j])) return false;
    for (let i = r0; i < r1; i++) addShifted(s1, data, i * d, shift, d);
    addInto(this.s2, G);
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

  result(): Moments {
    const { d, n, shift, s1 } = this;
    const mean = new Float64Array(d);
    for (let j = 0; j < d; j++) mean[j] = n > 0 ? shift[j] + s1[j] / n : NaN;
    return { n, d, skipped: this.skipped, mean, shift: Float64Array.from(shift), s1: Float64Array.from(s1), s2: Float64Array.from(this.s2) };
  }
}

// Small leaf functions (not loops inlined in `add`): V8 optimises them after a few
// hundred calls, where the big loop in `add` ran unoptimised for most of a first call.

/** buf[o..o+d) = row − shift (float32); returns the float64 sum, non-finite iff the row is. */
function copyShifted(data: Float32Array, src: number, buf: Float32Array, o: number, shift: Float64Array, d: number): number {
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

function addInto(acc: Float64Array, g: Float32Array | Float64Array): void {
  for (let t = 0; t < acc.length; t++) acc[t] += g[t];
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
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = (s2[i * d + j] - (s1[i] * s1[j]) / n) / denom;
      c[i * d + j] = v;
      c[j * d + i] = v;
    }
  }
  return c;
}

/** The raw (uncentred) Gram matrix XᵀX over the finite rows. */
export function rawGram(m: Moments): Float64Array {
  const { d, n, s1, s2, shift: K } = m;
  const g = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = s2[i * d + j] + s1[i] * K[j] + K[i] * s1[j] + n * K[i] * K[j];
      g[i * d + j] = v;
      g[j * d + i] = v;
    }
  }
  return g;
}
