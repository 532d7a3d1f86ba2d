/**
 * The ONNX graphs behind the dense kernels. Every dimension is symbolic so one
 * cached session per graph serves all shapes.
 */
import { GraphSpec } from './ort';

/**
 * Scores of a query block against the corpus, then the best `kk` per query:
 *   S = alpha · Q·Cᵀ + bias   (bias broadcast over rows; -inf masks a corpus row)
 *   values, indices = TopK(S, kk, largest, sorted)
 * ONNX TopK breaks ties by the lower index, which is the order we promise.
 */
export function scoreTopK(alpha: number): GraphSpec {
  return {
    name: `scoreTopK_a${alpha}`,
    inputs: [
      { name: 'Q', type: 'float32', shape: ['b', 'd'] },
      { name: 'C', type: 'float32', shape: ['n', 'd'] },
      { name: 'bias', type: 'float32', shape: ['n'] },
      { name: 'kk', type: 'int64', shape: [1] },
    ],
    outputs: [
      { name: 'values', type: 'float32', shape: ['b', 'kk'] },
      { name: 'indices', type: 'int64', shape: ['b', 'kk'] },
    ],
    nodes: [
      {
        op: 'Gemm',
        inputs: ['Q', 'C', 'bias'],
        outputs: ['S'],
        attrs: { transB: 1, alpha, beta: 1 },
        floatAttrs: ['alpha', 'beta'],
      },
      { op: 'TopK', inputs: ['S', 'kk'], outputs: ['values', 'indices'], attrs: { axis: 1, largest: 1, sorted: 1 } },
    ],
  };
}

/** Y = A·B (A: m×k, B: k×n), float32. */
export const matMul: GraphSpec = {
  name: 'matMul',
  inputs: [
    { name: 'A', type: 'float32', shape: ['m', 'k'] },
    { name: 'B', type: 'float32', shape: ['k', 'n'] },
  ],
  outputs: [{ name: 'Y', type: 'float32', shape: ['m', 'n'] }],
  nodes: [{ op: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
};

/** Y = A·B (float64). */
export const matMul64: GraphSpec = {
  name: 'matMul64',
  inputs: [
    { name: 'A', type: 'float64', shape: ['m', 'k'] },
    { name: 'B', type: 'float64', shape: ['k', 'n'] },
  ],
  outputs: [{ name: 'Y', type: 'float64', shape: ['m', 'n'] }],
  nodes: [{ op: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
};

/** Y = Aᵀ·B (A: k×m, B: k×n), float64: the small Gram/projection matrices of subspace iteration. */
export const matMulTransA64: GraphSpec = {
  name: 'matMulTransA64',
  inputs: [
    { name: 'A', type: 'float64', shape: ['k', 'm'] },
    { name: 'B', type: 'float64', shape: ['k', 'n'] },
  ],
  outputs: [{ name: 'Y', type: 'float64', shape: ['m', 'n'] }],
  nodes: [{ op: 'Gemm', inputs: ['A', 'B'], outputs: ['Y'], attrs: { transA: 1 } }],
};

/** Y = A·Bᵀ (A: m×k, B: n×k), float64: products with a matrix whose rows are the vectors. */
export const matMulTransB64: GraphSpec = {
  name: 'matMulTransB64',
  inputs: [
    { name: 'A', type: 'float64', shape: ['m', 'k'] },
    { name: 'B', type: 'float64', shape: ['n', 'k'] },
  ],
  outputs: [{ name: 'Y', type: 'float64', shape: ['m', 'n'] }],
  nodes: [{ op: 'Gemm', inputs: ['A', 'B'], outputs: ['Y'], attrs: { transB: 1 } }],
};

/** G = Aᵀ·A for a row block A (b×d): the block's contribution to the Gram matrix. */
export const gramBlock: GraphSpec = {
  name: 'gramBlock',
  inputs: [{ name: 'A', type: 'float32', shape: ['b', 'd'] }],
  outputs: [{ name: 'G', type: 'float32', shape: ['d', 'd'] }],
  nodes: [{ op: 'Gemm', inputs: ['A', 'A'], outputs: ['G'], attrs: { transA: 1 } }],
};

/** Y = A·Bᵀ (A: m×k, B: n×k): cross products of two row blocks. */
export const matMulTransB: GraphSpec = {
  name: 'matMulTransB',
  inputs: [
    { name: 'A', type: 'float32', shape: ['m', 'k'] },
    { name: 'B', type: 'float32', shape: ['n', 'k'] },
  ],
  outputs: [{ name: 'Y', type: 'float32', shape: ['m', 'n'] }],
  nodes: [{ op: 'Gemm', inputs: ['A', 'B'], outputs: ['Y'], attrs: { transB: 1 } }],
};

/**
 * A row block's shifted Gram matrix G = (A − K)ᵀ(A − K) in one run, with no copy of the
 * rows in JS: K is float32-representable, so A − K in float32 is the correctly rounded
 * shifted row (the same value a float64 subtraction rounded to float32 gives).
 */
export const shiftedGramBlock: GraphSpec = {
  name: 'shiftedGramBlock',
  inputs: [
    { name: 'A', type: 'float32', shape: ['b', 'd'] },
    { name: 'K', type: 'float32', shape: ['d'] },
  ],
  outputs: [{ name: 'G', type: 'float32', shape: ['d', 'd'] }],
  nodes: [
    { op: 'Sub', inputs: ['A', 'K'], outputs: ['C'] },
    { op: 'Gemm', inputs: ['C', 'C'], outputs: ['G'], attrs: { transA: 1 } },
  ],
};

/**
 * The upper block triangle of a row block's shifted Gram matrix, (A − K)ᵀ(A − K), as
 * `panels` column panels: the shifted block is transposed once (Cᵀ, d×b), split into
 * row panels T₀…T_{P−1}, and G_ij = T_i·T_jᵀ is formed for i ≤ j only, all in one run
 * so the rows are read once. The lower blocks are the mirror images (Gram matrices are
 * symmetric), so P = 4 does 10/16 of a full GEMM's flops, the way BLAS SYRK halves
 * XᵀX. The explicit transpose matters: MLAS handles Gemm(transA) by transposing A
 * again for every column stride of the output, which cost more than the panels saved
 * (why an earlier panelled Gram on transA GEMMs showed no gain). Outputs G_i_j in
 * row-major order i = 0..P−1, j = i..P−1; `splits` holds the panel widths.
 */
export function shiftedGramPanels(panels: number): GraphSpec {
  const outputs: GraphSpec['outputs'] = [];
  const nodes: GraphSpec['nodes'] = [
    { op: 'Sub', inputs: ['A', 'K'], outputs: ['C'] },
    { op: 'Transpose', inputs: ['C'], outputs: ['Ct'], attrs: { perm: [1, 0] } },
    {
      op: 'Split',
      inputs: ['Ct', 'splits'],
      outputs: Array.from({ length: panels }, (_, i) => `T${i}`),
      attrs: { axis: 0 },
    },
  ];
  for (let i = 0; i < panels; i++) {
    for (let j = i; j < panels; j++) {
      nodes.push({ op: 'Gemm', inputs: [`T${i}`, `T${j}`], outputs: [`G_${i}_${j}`], attrs: { transB: 1 } });
      outputs.push({ name: `G_${i}_${j}`, type: 'float32', shape: [`w${i}`, `w${j}`] });
    }
  }
  return {
    name: `shiftedGramPanels_${panels}`,
    inputs: [
      { name: 'A', type: 'float32', shape: ['b', 'd'] },
      { name: 'K', type: 'float32', shape: ['d'] },
      { name: 'splits', type: 'int64', shape: [panels] },
    ],
    outputs,
    nodes,
  };
}

/**
 * Per column of V = scale·(float64(Z[:, cols]) + shift) over a block of rows: its max and
 * Σ exp(V − max), and its min and Σ exp(min − V), so the caller can combine blocks into
 * log Σ exp(±V) without overflow (the log-sum-exp trick). Exp runs vectorised in onnxruntime;
 * JavaScript's Math.exp was most of the isotropy section's time.
 */
export const columnExpSums: GraphSpec = {
  name: 'columnExpSums',
  inputs: [
    { name: 'Z', type: 'float32', shape: ['b', 'r'] },
    { name: 'cols', type: 'int64', shape: ['m'] },
    { name: 'shift', type: 'float64', shape: ['m'] },
    { name: 'scale', type: 'float64', shape: ['m'] },
    { name: 'ax0', type: 'int64', shape: [1] },
  ],
  outputs: [
    { name: 'hi', type: 'float64', shape: [1, 'm'] },
    { name: 'sp', type: 'float64', shape: ['m'] },
    { name: 'lo', type: 'float64', shape: [1, 'm'] },
    { name: 'sm', type: 'float64', shape: ['m'] },
  ],
  nodes: [
    { op: 'Gather', inputs: ['Z', 'cols'], outputs: ['G'], attrs: { axis: 1 } },
    { op: 'Cast', inputs: ['G'], outputs: ['Gd'], attrs: { to: 11 } },
    { op: 'Add', inputs: ['Gd', 'shift'], outputs: ['A'] },
    { op: 'Mul', inputs: ['A', 'scale'], outputs: ['V'] },
    { op: 'ReduceMax', inputs: ['V'], outputs: ['hi'], attrs: { axes: [0], keepdims: 1 } },
    { op: 'Sub', inputs: ['V', 'hi'], outputs: ['Vp'] },
    { op: 'Exp', inputs: ['Vp'], outputs: ['Ep'] },
    { op: 'ReduceSum', inputs: ['Ep', 'ax0'], outputs: ['sp'], attrs: { keepdims: 0 } },
    { op: 'ReduceMin', inputs: ['V'], outputs: ['lo'], attrs: { axes: [0], keepdims: 1 } },
    { op: 'Sub', inputs: ['lo', 'V'], outputs: ['Vm'] },
    { op: 'Exp', inputs: ['Vm'], outputs: ['Em'] },
    { op: 'ReduceSum', inputs: ['Em', 'ax0'], outputs: ['sm'], attrs: { keepdims: 0 } },
  ],
};
