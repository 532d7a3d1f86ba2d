/**
 * Stage 1 of the two-stage symmetric eigen-solver: dense → band (half-bandwidth b)
 * by blocked Householder transformations whose O(d³) work runs as float64 GEMMs on
 * onnxruntime: successive band reduction (Bischof, Lang & Sun 2000, "A framework for
 * symmetric band reduction", ACM TOMS 26(4); the first stage of LAPACK's
 * dsyevd_2stage). Unlike one-stage tridiagonalisation, no step is a memory-bound
 * matrix–vector product over the trailing matrix.
 *
 * Each panel of b columns: Householder QR of the part below the band (JS), the
 * compact WY form Q = I − V·T·Vᵀ (Schreiber & Van Loan 1989) and
 *   X = A·V·T,  M = Tᵀ·Vᵀ·X,  W = X − ½·V·M,  so that  QᵀAQ = A − V·Wᵀ − W·Vᵀ.
 * As in LAPACK's dlatrd, the trailing matrix is not rewritten after every panel:
 * for a super-block of panels, A·V and the next panel's columns are formed from the
 * super-block's starting matrix A₀ and the accumulated [V W] (thin products), and
 * A₀ is updated once per super-block with one rank-2·(super-block) GEMM. That keeps
 * the memory traffic of writing the d×d trailing matrix ∝ d³/SUPER instead of d³/b,
 * so b can stay small, which is what makes stage 2 (band.ts, ∝ b·d²) cheap.
 */
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { GraphSpec, run, tensor } from './ort';
import { LowerBand } from './band';

/**
 * One panel inside a super-block (all M rows, super-block-local coordinates):
 *   AV = A₀·V − Va·(Waᵀ·V) − Wa·(Vaᵀ·V);  X = AV·T;  W = X − ½·V·(Tᵀ·Vᵀ·X)
 *   Pn = A₀[:, cs:ce] − [Va V]·[Wa W][cs:ce]ᵀ − [Wa W]·[Va V][cs:ce]ᵀ  (next panel, current values)
 */
export const sbrPanel: GraphSpec = {
  name: 'sbrPanel',
  inputs: [
    { name: 'A0', type: 'float64', shape: ['M', 'M'] },
    { name: 'V', type: 'float64', shape: ['M', 'b'] },
    { name: 'T', type: 'float64', shape: ['b', 'b'] },
    { name: 'Va', type: 'float64', shape: ['M', 'j'] },
    { name: 'Wa', type: 'float64', shape: ['M', 'j'] },
    { name: 'cs', type: 'int64', shape: [1] },
    { name: 'ce', type: 'int64', shape: [1] },
    { name: 'ax0', type: 'int64', shape: [1] },
    { name: 'ax1', type: 'int64', shape: [1] },
  ],
  outputs: [
    { name: 'W', type: 'float64', shape: ['M', 'b'] },
    { name: 'Pn', type: 'float64', shape: ['M', 'nb'] },
  ],
  nodes: [
    { op: 'MatMul', inputs: ['A0', 'V'], outputs: ['A0V'] },
    { op: 'Gemm', inputs: ['Wa', 'V'], outputs: ['WtV'], attrs: { transA: 1 } },
    { op: 'Gemm', inputs: ['Va', 'V'], outputs: ['VtV'], attrs: { transA: 1 } },
    { op: 'Gemm', inputs: ['Va', 'WtV', 'A0V'], outputs: ['t1'], attrs: { alpha: -1, beta: 1 }, floatAttrs: ['alpha', 'beta'] },
    { op: 'Gemm', inputs: ['Wa', 'VtV', 't1'], outputs: ['AV'], attrs: { alpha: -1, beta: 1 }, floatAttrs: ['alpha', 'beta'] },
    { op: 'MatMul', inputs: ['AV', 'T'], outputs: ['X'] },
    { op: 'Gemm', inputs: ['V', 'X'], outputs: ['VtX'], attrs: { transA: 1 } },
    { op: 'Gemm', inputs: ['T', 'VtX'], outputs: ['Mm'], attrs: { transA: 1 } },
    { op: 'Gemm', inputs: ['V', 'Mm', 'X'], outputs: ['W'], attrs: { alpha: -0.5, beta: 1 }, floatAttrs: ['alpha', 'beta'] },
    { op: 'Concat', inputs: ['Va', 'V'], outputs: ['Vall'], attrs: { axis: 1 } },
    { op: 'Concat', inputs: ['Wa', 'W'], outputs: ['Wall'], attrs: { axis: 1 } },
    { op: 'Slice', inputs: ['A0', 'cs', 'ce', 'ax1'], outputs: ['A0c'] },
    { op: 'Slice', inputs: ['Vall', 'cs', 'ce', 'ax0'], outputs: ['Vc'] },
    { op: 'Slice', inputs: ['Wall', 'cs', 'ce', 'ax0'], outputs: ['Wc'] },
    { op: 'Gemm', inputs: ['Vall', 'Wc', 'A0c'], outputs: ['t2'], attrs: { transB: 1, alpha: -1, beta: 1 }, floatAttrs: ['alpha', 'beta'] },
    { op: 'Gemm', inputs: ['Wall', 'Vc', 't2'], outputs: ['Pn'], attrs: { transB: 1, alpha: -1, beta: 1 }, floatAttrs: ['alpha', 'beta'] },
  ],
};

/** Trailing matrix after a super-block: (A₀ − V·Wᵀ − W·Vᵀ)[s:, s:] with s given as start = [s, s]. */
export const sbrUpdate: GraphSpec = {
  name: 'sbrUpdate',
  inputs: [
    { name: 'A0', type: 'float64', shape: ['M', 'M'] },
    { name: 'V', type: 'float64', shape: ['M', 'j'] },
    { name: 'W', type: 'float64', shape: ['M', 'j'] },
    { name: 'start', type: 'int64', shape: [2] },
    { name: 'end', type: 'int64', shape: [2] },
    { name: 'ax0', type: 'int64', shape: [1] },
    { name: 's0', type: 'int64', shape: [1] },
    { name: 'e0', type: 'int64', shape: [1] },
  ],
  outputs: [{ name: 'Y', type: 'float64', shape: ['r', 'r'] }],
  nodes: [
    { op: 'Slice', inputs: ['A0', 'start', 'end'], outputs: ['A'] },
    { op: 'Slice', inputs: ['V', 's0', 'e0', 'ax0'], outputs: ['Vs'] },
    { op: 'Slice', inputs: ['W', 's0', 'e0', 'ax0'], outputs: ['Ws'] },
    { op: 'Concat', inputs: ['Vs', 'Ws'], outputs: ['L'], attrs: { axis: 1 } },
    { op: 'Concat', inputs: ['Ws', 'Vs'], outputs: ['R'], attrs: { axis: 1 } },
    { op: 'Gemm', inputs: ['L', 'R', 'A'], outputs: ['Y'], attrs: { transB: 1, alpha: -1, beta: 1 }, floatAttrs: ['alpha', 'beta'] },
  ],
};

/** Columns per super-block (one trailing-matrix rewrite each). */
const SUPER = 128;

export interface BandReduceOptions {
  token?: Cancellation;
}

const i64 = (...v: number[]) => tensor(BigInt64Array.from(v.map((x) => BigInt(x))), [v.length]);

/**
 * Reduces the dense symmetric row-major d×d matrix `a` (not modified) to a band
 * matrix with half-bandwidth b having the same eigenvalues.
 */
export async function reduceToBand(a: Float64Array, d: number, b: number, opts: BandReduceOptions = {}): Promise<LowerBand> {
  const w = Math.min(d, 2 * b + 1);
  const ab = new Float64Array(d * w);
  const ax0 = i64(0);
  const ax1 = i64(1);
  let A0: Float64Array = a;
  let M = d;
  let k0 = 0; // global index of A0's first row/column
  const panelsPerSuper = Math.max(1, Math.floor(SUPER / b));
  for (;;) {
    throwIfCancelled(opts.token);
    if (M <= b + 1) {
      for (let i = 0; i < M; i++) for (let c = 0; c <= i; c++) ab[(k0 + i) * w + (i - c)] = A0[i * M + c];
      break;
    }
    // The first panel's columns are A₀'s own.
    let P: Float64Array = new Float64Array(M * b);
    for (let i = 0; i < M; i++) for (let j = 0; j < b; j++) P[i * b + j] = A0[i * M + j];
    let Va: Float64Array = new Float64Array(0);
    let Wa: Float64Array = new Float64Array(0);
    let jcols = 0;
    let c = 0;
    for (let p = 0; p < panelsPerSuper && M - c > b + 1; p++) {
      const r = M - c - b;
      // Diagonal block (lower triangle) into the band.
      for (let i = 0; i < b; i++) for (let cc = 0; cc <= i; cc++) ab[(k0 + c + i) * w + (i - cc)] = P[(c + i) * b + cc];
      const { V, T, R } = panelQr(P, c + b, r, b);
      const rr = Math.min(r, b);
      for (let i = 0; i < rr; i++) for (let j = i; j < b; j++) ab[(k0 + c + b + i) * w + (b + i - j)] = R[i * b + j];
      // V padded to all M rows (zeros above row c + b).
      const Vp = new Float64Array(M * b);
      Vp.set(V, (c + b) * b);
      const nb = Math.min(b, M - c - b);
      const out = await run(sbrPanel, {
        A0: tensor(A0, [M, M]),
        V: tensor(Vp, [M, b]),
        T: tensor(T, [b, b]),
        Va: tensor(Va, [M, jcols]),
        Wa: tensor(Wa, [M, jcols]),
        cs: i64(c + b),
        ce: i64(c + b + nb),
        ax0,
        ax1,
      });
      const W = out.W.data as Float64Array;
      Va = appendColumns(Va, jcols, Vp, b, M);
      Wa = appendColumns(Wa, jcols, W, b, M);
      jcols += b;
      c += b;
      // Next panel in a full-width M×b buffer (its columns are c .. c+nb−1).
      const Pn = out.Pn.data as Float64Array;
      P = new Float64Array(M * b);
      for (let i = 0; i < M; i++) for (let j = 0; j < nb; j++) P[i * b + j] = Pn[i * nb + j];
      await yieldToEventLoop();
    }
    throwIfCancelled(opts.token);
    const out = await run(sbrUpdate, {
      A0: tensor(A0, [M, M]),
      V: tensor(Va, [M, jcols]),
      W: tensor(Wa, [M, jcols]),
      start: i64(c, c),
      end: i64(M, M),
      ax0,
      s0: i64(c),
      e0: i64(M),
    });
    A0 = out.Y.data as Float64Array;
    M -= c;
    k0 += c;
    await yieldToEventLoop();
  }
  return { d, b, w, ab };
}

/** [A | B] for row-major M×ja and M×jb matrices. */
function appendColumns(A: Float64Array, ja: number, B: Float64Array, jb: number, M: number): Float64Array {
  const j = ja + jb;
  const out = new Float64Array(M * j);
  for (let i = 0; i < M; i++) {
    if (ja) out.set(A.subarray(i * ja, i * ja + ja), i * j);
    out.set(B.subarray(i * jb, i * jb + jb), i * j + ja);
  }
  return out;
}

/**
 * Householder QR of the r×b panel held in rows row0 .. row0+r−1 of the row-major
 * (·×b) buffer `src` (LAPACK dgeqr2 + dlarft, forward, column-wise): V (r×b, unit
 * lower trapezoidal), T (b×b upper) with H₀H₁…H_{b−1} = I − V·T·Vᵀ, R (b×b upper).
 */
export function panelQr(src: Float64Array, row0: number, r: number, b: number): { V: Float64Array; T: Float64Array; R: Float64Array } {
  // Column-major copy: column j at P[j*r .. j*r + r).
  const P = new Float64Array(r * b);
  for (let i = 0; i < r; i++) {
    const row = (row0 + i) * b;
    for (let j = 0; j < b; j++) P[j * r + i] = src[row + j];
  }
  const tau = new Float64Array(b);
  const R = new Float64Array(b * b);
  const kmax = Math.min(b, r);
  for (let j = 0; j < kmax; j++) {
    const col = j * r;
    const alpha = P[col + j];
    let sq = 0;
    for (let i = j + 1; i < r; i++) sq += P[col + i] * P[col + i];
    let beta = alpha;
    if (sq !== 0) {
      const norm = Math.sqrt(alpha * alpha + sq);
      beta = alpha >= 0 ? -norm : norm;
      tau[j] = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let i = j + 1; i < r; i++) P[col + i] *= scale;
    }
    P[col + j] = 1;
    if (tau[j] !== 0) {
      for (let c = j + 1; c < b; c++) {
        const cc = c * r;
        let dot = 0;
        for (let i = j; i < r; i++) dot += P[col + i] * P[cc + i];
        const f = tau[j] * dot;
        for (let i = j; i < r; i++) P[cc + i] -= f * P[col + i];
      }
    }
    R[j * b + j] = beta;
  }
  // R's strictly upper part: rows i < min(b, r) of the transformed columns.
  for (let c = 0; c < b; c++) for (let i = 0; i < Math.min(c, kmax); i++) R[i * b + c] = P[c * r + i];
  const V = new Float64Array(r * b);
  for (let j = 0; j < kmax; j++) {
    const col = j * r;
    for (let i = j; i < r; i++) V[i * b + j] = P[col + i];
  }
  const T = new Float64Array(b * b);
  const z = new Float64Array(b);
  for (let j = 0; j < kmax; j++) {
    T[j * b + j] = tau[j];
    if (tau[j] === 0 || j === 0) continue;
    const vj = j * r;
    for (let c = 0; c < j; c++) {
      const vc = c * r;
      let s = 0;
      for (let i = j; i < r; i++) s += P[vc + i] * P[vj + i];
      z[c] = s;
    }
    for (let i = 0; i < j; i++) {
      let s = 0;
      for (let c = i; c < j; c++) s += T[i * b + c] * z[c];
      T[i * b + j] = -tau[j] * s;
    }
  }
  return { V, T, R };
}
