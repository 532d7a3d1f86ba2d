/**
 * The complete eigen-decomposition of a symmetric d×d matrix in a worker thread,
 * for PCA fits that keep most of the dimensions (the sweep's PCA-512 of 768).
 *
 * Why a worker: wanting m ≥ d/2 eigenvectors leaves subspace iteration no room
 * and the kernels fall back to a dense solver on the calling thread, which at
 * d = 768 held the engine's event loop for ~10 s (no cancellation, no other
 * requests). Here the same dense work runs off-thread; the caller polls its
 * cancellation token and terminates the worker when it fires.
 *
 * Algorithm: Householder reduction to tridiagonal form and the implicit QL
 * method with accumulated transformations (tred2 / tql2: Martin, Reinsch &
 * Wilkinson 1968, "Householder's tridiagonalization of a symmetric matrix",
 * Numer. Math. 11; Bowdler, Martin, Reinsch & Wilkinson 1968, "The QR and QL
 * algorithms for symmetric matrices", Numer. Math. 11; as in EISPACK and the
 * public-domain JAMA library). Matrices are stored column-major in the worker so
 * the inner loops over rows run along contiguous memory.
 *
 * The worker's code is a self-contained JavaScript string (no imports), so it
 * runs the same from the esbuild bundle, from tsx in tests, and from the CLI.
 */
import { Worker } from 'worker_threads';
import { Cancellation, CancelledError, throwIfCancelled } from '../../util/errors';

export interface FullEigen {
  d: number;
  /** All eigenvalues, descending. */
  values: Float64Array;
  /** d×d row-major: row r is the unit eigenvector of values[r]. */
  vectors: Float64Array;
}

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('worker_threads');
const n = workerData.n;
// Column-major: V[r][c] = M[c * n + r]. The input is symmetric, so its row-major data reads the same.
const M = new Float64Array(workerData.a);
const d = new Float64Array(n);
const e = new Float64Array(n);

function tred2() {
  for (let j = 0; j < n; j++) d[j] = M[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) { d[j] = M[j * n + i - 1]; M[j * n + i] = 0; M[i * n + j] = 0; }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        M[i * n + j] = f;
        g = e[j] + M[j * n + j] * f;
        const cj = j * n;
        for (let k = j + 1; k <= i - 1; k++) { g += M[cj + k] * d[k]; e[k] += M[cj + k] * f; }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j]; g = e[j];
        const cj = j * n;
        for (let k = j; k <= i - 1; k++) M[cj + k] -= f * e[k] + g * d[k];
        d[j] = M[cj + i - 1];
        M[cj + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    M[i * n + n - 1] = M[i * n + i];
    M[i * n + i] = 1;
    const h = d[i + 1];
    const ci1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = M[ci1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const cj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += M[ci1 + k] * M[cj + k];
        for (let k = 0; k <= i; k++) M[cj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) M[ci1 + k] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = M[j * n + n - 1]; M[j * n + n - 1] = 0; }
  M[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function tql2() {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = Math.pow(2, -52);
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) { if (Math.abs(e[m]) <= eps * tst1) break; m++; }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('eigen-decomposition did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const a = i * n, b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const t = M[b + k];
            M[b + k] = s * M[a + k] + c * t;
            M[a + k] = c * M[a + k] - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

tred2();
tql2();
// Descending values; eigenvector c is column c of V, i.e. M[c*n .. c*n+n): already a row of the output.
const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x] || x - y);
const values = new Float64Array(n);
const vectors = new Float64Array(n * n);
order.forEach((c, r) => { values[r] = d[c]; vectors.set(M.subarray(c * n, c * n + n), r * n); });
parentPort.postMessage({ values, vectors }, [values.buffer, vectors.buffer]);
`;

/**
 * All eigenpairs of the symmetric row-major `a` (d×d), values descending, computed
 * in a worker thread. Rejects with CancelledError soon after `token` fires.
 */
export function eighOffThread(a: Float64Array, d: number, token?: Cancellation): Promise<FullEigen> {
  throwIfCancelled(token);
  if (a.length !== d * d) throw new RangeError(`expected ${d}×${d} values, got ${a.length}`);
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { a: a.slice().buffer, n: d } });
    let done = false;
    const poll = setInterval(() => {
      if (!token?.isCancellationRequested || done) return;
      finish();
      void worker.terminate();
      reject(new CancelledError());
    }, 25);
    const finish = () => {
      done = true;
      clearInterval(poll);
    };
    worker.once('message', (m: { values: Float64Array; vectors: Float64Array }) => {
      if (done) return;
      finish();
      void worker.terminate();
      resolve({ d, values: m.values, vectors: m.vectors });
    });
    worker.once('error', (e) => {
      if (done) return;
      finish();
      reject(e);
    });
    worker.once('exit', (code) => {
      if (done) return;
      finish();
      reject(new Error(`eigen-decomposition worker exited with code ${code}`));
    });
  });
}
