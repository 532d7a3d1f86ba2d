/**
 * Stage 1 of the two-stage symmetric eigen-solver: dense → band (half-bandwidth b)
 * by blocked Householder transformations whose O(d³) work runs as float64 GEMMs on
 * onnxruntime: successive band reduction (Bischof, Lang & Sun 2000, "A framework for
 * symmetric band reduction", ACM TOMS 26(4); the first stage of LAPACK's
 * dsyevd_2stage). Unlike one-stage tridiagonalisation, no step is a memory-bound
 * matrix–vector product over the trailing matrix.
 *
 * Each panel of b columns: Householder QR of the part below the band (WebAssembly,
 * wasm/assembly/panelQr.ts), the
 * compact WY form Q = I − V·T·Vᵀ (Schreiber & Van Loan 1989) and
 *   X = A·V·T,  M = Tᵀ·Vᵀ·X,  W = X − ½·V·M,  so that  QᵀAQ = A − V·Wᵀ − W·Vᵀ.
 * As in LAPACK's dlatrd, the trailing matrix is not rewritten after every panel:
 * for a super-block of panels, A·V and the next panel's columns are formed from the
 * super-block's starting matrix A₀ and the accumulated [V W] (thin products), and
 * A₀ is updated once per super-block with one rank-2·(super-block) GEMM. That keeps
 * the memory traffic of writing the d×d trailing matrix ∝ d³/S (S = superBlockColumns) instead of d³/b,
 * so b can stay small, which is what makes stage 2 (band.ts, ∝ b·d²) cheap.
 */
import { Cancellation, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { GraphSpec, run, tensor } from './ort';
import type { LowerBand } from '../wasm/chase';
import { panelQrKernel } from '../wasm/panelQr';

/**
 * One panel inside a super-block (all M rows, super-block-local coordinates). The
 * accumulated reflectors and updates are held transposed (VaT, WaT: one row per column
 * of V, W), so appending a panel in JS is one contiguous copy instead of re-copying
 * every earlier column (that re-copy was a third of the run time at d = 3072).
 *   AV = A₀·V − Va·(Waᵀ·V) − Wa·(Vaᵀ·V);  X = AV·T;  W = X − ½·V·(Tᵀ·Vᵀ·X)
 *   Pn = A₀[:, cs:ce] − [Va V]·[Wa W][cs:ce]ᵀ − [Wa W]·[Va V][cs:ce]ᵀ  (next panel, current values)
 * VallT = [Va V]ᵀ is passed in (V is known before the run); W comes out transposed.
 */
const sbrPanel: GraphSpec = {
  name: 'sbrPanelT2',
  inputs: [
    { name: 'A0', type: 'float64', shape: ['M', 'M'] },
    { name: 'VT', type: 'float64', shape: ['b', 'M'] },
    { name: 'T', type: 'float64', shape: ['b', 'b'] },
    { name: 'VaT', type: 'float64', shape: ['j', 'M'] },
    { name: 'WaT', type: 'float64', shape: ['j', 'M'] },
    { name: 'VallT', type: 'float64', shape: ['jb', 'M'] },
    { name: 'cs', type: 'int64', shape: [1] },
    { name: 'ce', type: 'int64', shape: [1] },
    { name: 'ax1', type: 'int64', shape: [1] },
  ],
  outputs: [
    { name: 'WT', type: 'float64', shape: ['b', 'M'] },
    { name: 'Pn', type: 'float64', shape: ['M', 'nb'] },
  ],
  nodes: [
    { op: 'Gemm', inputs: ['A0', 'VT'], outputs: ['A0V'], attrs: { transB: 1 } },
    { op: 'Gemm', inputs: ['WaT', 'VT'], outputs: ['WtV'], attrs: { transB: 1 } },
    { op: 'Gemm', inputs: ['VaT', 'VT'], outputs: ['VtV'], attrs: { transB: 1 } },
    {
      op: 'Gemm',
      inputs: ['VaT', 'WtV', 'A0V'],
      outputs: ['t1'],
      attrs: { transA: 1, alpha: -1, beta: 1 },
      floatAttrs: ['alpha', 'beta'],
    },
    {
      op: 'Gemm',
      inputs: ['WaT', 'VtV', 't1'],
      outputs: ['AV'],
      attrs: { transA: 1, alpha: -1, beta: 1 },
      floatAttrs: ['alpha', 'beta'],
    },
    { op: 'MatMul', inputs: ['AV', 'T'], outputs: ['X'] },
    { op: 'MatMul', inputs: ['VT', 'X'], outputs: ['VtX'] },
    { op: 'Gemm', inputs: ['T', 'VtX'], outputs: ['Mm'], attrs: { transA: 1 } },
    {
      op: 'Gemm',
      inputs: ['VT', 'Mm', 'X'],
      outputs: ['W'],
      attrs: { transA: 1, alpha: -0.5, beta: 1 },
      floatAttrs: ['alpha', 'beta'],
    },
    { op: 'Transpose', inputs: ['W'], outputs: ['WT'], attrs: { perm: [1, 0] } },
    { op: 'Slice', inputs: ['A0', 'cs', 'ce', 'ax1'], outputs: ['A0c'] },
    { op: 'Slice', inputs: ['WaT', 'cs', 'ce', 'ax1'], outputs: ['WacT'] },
    { op: 'Slice', inputs: ['WT', 'cs', 'ce', 'ax1'], outputs: ['WbcT'] },
    { op: 'Concat', inputs: ['WacT', 'WbcT'], outputs: ['WcT'], attrs: { axis: 0 } },
    { op: 'Slice', inputs: ['VaT', 'cs', 'ce', 'ax1'], outputs: ['VacT'] },
    { op: 'Slice', inputs: ['VT', 'cs', 'ce', 'ax1'], outputs: ['VbcT'] },
    {
      op: 'Gemm',
      inputs: ['VallT', 'WcT', 'A0c'],
      outputs: ['t2'],
      attrs: { transA: 1, alpha: -1, beta: 1 },
      floatAttrs: ['alpha', 'beta'],
    },
    // [Wa W]·[Va V][cs:ce]ᵀ as its two halves: concatenating [Wa W]ᵀ (j + b rows of M) cost as
    // much as a GEMM per panel; the halves need only the panel's columns sliced.
    {
      op: 'Gemm',
      inputs: ['WaT', 'VacT', 't2'],
      outputs: ['t3'],
      attrs: { transA: 1, alpha: -1, beta: 1 },
      floatAttrs: ['alpha', 'beta'],
    },
    {
      op: 'Gemm',
      inputs: ['WT', 'VbcT', 't3'],
      outputs: ['Pn'],
      attrs: { transA: 1, alpha: -1, beta: 1 },
      floatAttrs: ['alpha', 'beta'],
    },
  ],
};

/**
 * One chunk of the trailing update after a super-block: rows [s₀, e₀) of
 * A₀ − V·Wᵀ − W·Vᵀ, columns [c, e₀) (the chunk's block-lower part), with start = [s₀, c],
 * end = [e₀, e₀] selecting that block of A₀. V and W come in row layout (one row per row
 * of the trailing matrix, j columns), so every operand is a contiguous row range the
 * caller passes as a view: Vs, Ws = rows s₀..e₀, Vc, Wc = rows c..e₀. (Slicing columns of
 * the transposed factors in the graph copied as much memory per chunk as its output.)
 */
const sbrUpdate: GraphSpec = {
  name: 'sbrUpdateRows',
  inputs: [
    { name: 'A0', type: 'float64', shape: ['M', 'M'] },
    { name: 'Vs', type: 'float64', shape: ['h', 'j'] },
    { name: 'Ws', type: 'float64', shape: ['h', 'j'] },
    { name: 'Vc', type: 'float64', shape: ['n', 'j'] },
    { name: 'Wc', type: 'float64', shape: ['n', 'j'] },
    { name: 'start', type: 'int64', shape: [2] },
    { name: 'end', type: 'int64', shape: [2] },
  ],
  outputs: [{ name: 'Y', type: 'float64', shape: ['h', 'n'] }],
  nodes: [
    { op: 'Slice', inputs: ['A0', 'start', 'end'], outputs: ['A'] },
    // Products without a C operand, then Sub: MLAS's float64 GEMM ran 15–25% faster than
    // Gemm(alpha = −1, beta = 1) on A here.
    { op: 'Gemm', inputs: ['Vs', 'Wc'], outputs: ['P1'], attrs: { transB: 1 } },
    { op: 'Gemm', inputs: ['Ws', 'Vc'], outputs: ['P2'], attrs: { transB: 1 } },
    { op: 'Sub', inputs: ['A', 'P1'], outputs: ['A1'] },
    { op: 'Sub', inputs: ['A1', 'P2'], outputs: ['Y'] },
  ],
};

/** Work per trailing-update run: ≈ 0.05–0.1 s at MLAS's float64 speed here, so a cancel is seen quickly. */
const UPDATE_RUN_FLOPS = 4e9;

/** The trailing update is split into at least this many row chunks (see reduceToBand). */
const UPDATE_CHUNKS = 8;

/**
 * Columns per super-block (one trailing-matrix rewrite each). Larger super-blocks
 * rewrite the trailing matrix less often (that rewrite is memory-bound at large d)
 * at the price of longer thin products per panel.
 */
function superBlockColumns(d: number): number {
  // Measured at d = 3072 (band stage): 256 → 1.40 s, 384 → 1.24 s, 512 → 1.26 s, 768 → 1.39 s.
  return d >= 2048 ? 384 : d >= 1024 ? 256 : 128;
}

export interface BandReduceOptions {
  token?: Cancellation;
  /** `a` is scratch: the reduction may overwrite it (and then needs no d×d buffer of its own). */
  overwrite?: boolean;
}

const i64 = (...v: number[]) => tensor(BigInt64Array.from(v.map((x) => BigInt(x))), [v.length]);

/**
 * Reduces the dense symmetric row-major d×d matrix `a` to a band matrix with
 * half-bandwidth b having the same eigenvalues. `a` is not modified unless
 * `opts.overwrite` says it is scratch.
 *
 * Each super-block's trailing matrix (r×r, r < M) is written over the start of the
 * previous one's buffer (M×M): its row i lies at [i·r, i·r + r), below the row c + i₁ of
 * A₀ that the next chunk starts reading, and each chunk's rows of A₀ are read (copied by
 * its Slice) before its result is placed.
 */
export async function reduceToBand(
  a: Float64Array,
  d: number,
  b: number,
  opts: BandReduceOptions = {},
): Promise<LowerBand> {
  const w = Math.min(d, 2 * b + 1);
  const ab = new Float64Array(d * w);
  const ax1 = i64(1);
  let A0: Float64Array = a;
  const panelsPerSuper = Math.max(1, Math.floor(superBlockColumns(d) / b));
  // Work buffers, allocated once for the largest super-block and reused: fresh memory costs
  // a page fault per 4 KiB on first write (a third of the update's time at d = 3072 when
  // every super-block allocated its own), and hundreds of MB of short-lived arrays made
  // the garbage collector's pauses the noisiest part of the run.
  //   ybuf: one chunk of the update; rowsBuf: V, W in row layout for the update;
  //   VTbuf, WTbuf: a super-block's [V₁ V₂ …]ᵀ and [W₁ W₂ …]ᵀ; Pbuf, PnBuf: a panel's columns.
  //   The trailing matrices are updated in place (see above): in `a` when it is scratch,
  //   else in one copy-sized buffer.
  let owned = opts.overwrite === true;
  let ybuf = new Float64Array(0);
  let rowsBuf = new Float64Array(0);
  const VTbuf = new Float64Array(panelsPerSuper * b * d);
  const WTbuf = new Float64Array(panelsPerSuper * b * d);
  const Pbuf = new Float64Array(d * b);
  const PnBuf = new Float64Array(d * b);
  let M = d;
  let k0 = 0; // global index of A0's first row/column
  const qr = panelQrKernel(Math.max(1, d - b), b);
  for (;;) {
    throwIfCancelled(opts.token);
    if (M <= b + 1) {
      for (let i = 0; i < M; i++) for (let c = 0; c <= i; c++) ab[(k0 + i) * w + (i - c)] = A0[i * M + c];
      break;
    }
    // The first panel's columns are A₀'s own.
    const P = Pbuf.subarray(0, M * b);
    for (let i = 0; i < M; i++) for (let j = 0; j < b; j++) P[i * b + j] = A0[i * M + j];
    // [V₁ V₂ …]ᵀ and [W₁ W₂ …]ᵀ of this super-block, one row per reflector column (zero above
    // its rows); every row of WT is written by a panel run before it is read.
    const panels = Math.min(panelsPerSuper, Math.ceil(M / b));
    const VT = VTbuf.subarray(0, panels * b * M).fill(0);
    const WT = WTbuf.subarray(0, panels * b * M);
    let jcols = 0;
    let c = 0;
    for (let p = 0; p < panelsPerSuper && M - c > b + 1; p++) {
      const r = M - c - b;
      // Diagonal block (lower triangle) into the band.
      for (let i = 0; i < b; i++) for (let cc = 0; cc <= i; cc++) ab[(k0 + c + i) * w + (i - cc)] = P[(c + i) * b + cc];
      const { VT: Vt, T: Tk, R } = qr(P, c + b, r);
      const T = Float64Array.from(Tk);
      const rr = Math.min(r, b);
      for (let i = 0; i < rr; i++) for (let j = i; j < b; j++) ab[(k0 + c + b + i) * w + (b + i - j)] = R[i * b + j];
      // Vᵀ into rows jcols .. jcols+b−1 (V's rows start at c + b).
      for (let t = 0; t < b; t++) VT.set(Vt.subarray(t * r, (t + 1) * r), (jcols + t) * M + c + b);
      const nb = Math.min(b, M - c - b);
      const Pn = PnBuf.subarray(0, M * nb);
      await run(
        sbrPanel,
        {
          A0: tensor(A0, [M, M]),
          VT: tensor(VT.subarray(jcols * M, (jcols + b) * M), [b, M]),
          T: tensor(T, [b, b]),
          VaT: tensor(VT.subarray(0, jcols * M), [jcols, M]),
          WaT: tensor(WT.subarray(0, jcols * M), [jcols, M]),
          VallT: tensor(VT.subarray(0, (jcols + b) * M), [jcols + b, M]),
          cs: i64(c + b),
          ce: i64(c + b + nb),
          ax1,
        },
        { WT: tensor(WT.subarray(jcols * M, (jcols + b) * M), [b, M]), Pn: tensor(Pn, [M, nb]) },
      );
      jcols += b;
      c += b;
      // Next panel in the full-width M×b buffer (its columns are c .. c+nb−1; any others zero).
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < nb; j++) P[i * b + j] = Pn[i * nb + j];
        for (let j = nb; j < b; j++) P[i * b + j] = 0;
      }
      await yieldToEventLoop();
    }
    // The trailing update in row chunks, each ≲ UPDATE_RUN_FLOPS (one run each) and at most
    // 1/UPDATE_CHUNKS of the rows. A chunk computes only its block-lower part (columns up to
    // its last row): the rest is the mirror image of later chunks' rows, copied here. That
    // halves the GEMM work, as SYR2K does; short chunks keep the saving close to half.
    const r = M - c;
    const next = owned ? new Float64Array(A0.buffer, A0.byteOffset, r * r) : new Float64Array(r * r);
    owned = true;
    const chunk = Math.max(64, Math.min(Math.ceil(r / UPDATE_CHUNKS), Math.floor(UPDATE_RUN_FLOPS / (4 * r * jcols))));
    if (ybuf.length < chunk * r) ybuf = new Float64Array(chunk * r);
    const a0 = tensor(A0, [M, M]);
    // V and W of the super-block in row layout, rows c .. M−1 (see sbrUpdate).
    if (rowsBuf.length < 2 * r * jcols) rowsBuf = new Float64Array(2 * r * jcols);
    const Vr = rowsBuf.subarray(0, r * jcols);
    const Wr = rowsBuf.subarray(r * jcols, 2 * r * jcols);
    transposeColumns(VT, M, jcols, c, Vr);
    transposeColumns(WT, M, jcols, c, Wr);
    for (let i0 = 0; i0 < r; i0 += chunk) {
      throwIfCancelled(opts.token);
      const i1 = Math.min(r, i0 + chunk);
      const Y = ybuf.subarray(0, (i1 - i0) * i1);
      await run(
        sbrUpdate,
        {
          A0: a0,
          Vs: tensor(Vr.subarray(i0 * jcols, i1 * jcols), [i1 - i0, jcols]),
          Ws: tensor(Wr.subarray(i0 * jcols, i1 * jcols), [i1 - i0, jcols]),
          Vc: tensor(Vr.subarray(0, i1 * jcols), [i1, jcols]),
          Wc: tensor(Wr.subarray(0, i1 * jcols), [i1, jcols]),
          start: i64(c + i0, c),
          end: i64(c + i1, c + i1),
        },
        { Y: tensor(Y, [i1 - i0, i1]) },
      );
      placeLowerChunk(next, r, i0, i1, Y);
      await yieldToEventLoop();
    }
    A0 = next;
    M -= c;
    k0 += c;
    await yieldToEventLoop();
  }
  return { d, b, w, ab };
}

/**
 * Writes rows i0 .. i1−1 of the symmetric r×r matrix `next` from Y, which holds those rows'
 * columns 0 .. i1−1, and the mirror images of Y's columns below i0 (rows 0 .. i0−1,
 * columns i0 .. i1−1), in 64-column tiles: each column's writes are contiguous and the tile of Y they read
 * stays in cache.
 */
function placeLowerChunk(next: Float64Array, r: number, i0: number, i1: number, Y: Float64Array): void {
  const w = i1;
  for (let i = i0; i < i1; i++) next.set(Y.subarray((i - i0) * w, (i - i0) * w + i1), i * r);
  const T = 64;
  for (let c0 = 0; c0 < i0; c0 += T) {
    const c1 = Math.min(i0, c0 + T);
    for (let col = c0; col < c1; col++) {
      const o = col * r;
      for (let i = i0, y = col; i < i1; i++, y += w) next[o + i] = Y[y];
    }
  }
}

/**
 * out (r×j, row-major) = columns c .. c+r−1 of the row-major j×M matrix XT, transposed:
 * out[i, t] = XT[t, c + i]. In 64-row tiles, so the strided writes of one tile stay in cache.
 */
function transposeColumns(XT: Float64Array, M: number, j: number, c: number, out: Float64Array): void {
  const r = M - c;
  const T = 64;
  for (let i0 = 0; i0 < r; i0 += T) {
    const i1 = Math.min(r, i0 + T);
    for (let t = 0; t < j; t++) {
      const src = t * M + c;
      for (let i = i0; i < i1; i++) out[i * j + t] = XT[src + i];
    }
  }
}
