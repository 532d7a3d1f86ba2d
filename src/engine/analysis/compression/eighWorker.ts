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
 * Algorithm: the kernels' dense solver, `eigh` in kernels/eigen.ts (Householder
 * tridiagonalisation and implicit QL, tred2/tql2 as in EISPACK/JAMA). The worker
 * is started from its source text (`eighSource`), so there is one implementation
 * and it runs the same from the esbuild bundle, from tsx in tests, and from the CLI.
 */
import { Worker } from 'worker_threads';
import { eighSource } from '../../kernels/eigen';
import { Cancellation, CancelledError, throwIfCancelled } from '../../util/errors';

export interface FullEigen {
  d: number;
  /** All eigenvalues, descending. */
  values: Float64Array;
  /** d×d row-major: row r is the unit eigenvector of values[r]. */
  vectors: Float64Array;
}

// The kernels' own dense solver (eigen.ts `eigh`), as text: one implementation, tested there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
${eighSource()}
const r = eighEntry(new Float64Array(workerData.a), workerData.n);
parentPort.postMessage({ values: r.values, vectors: r.vectors }, [r.values.buffer, r.vectors.buffer]);
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
