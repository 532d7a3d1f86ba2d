/**
 * Labels and pairs, beside numpy/scikit-learn doing the same work in the same run:
 *  - compare: two generated row-aligned files (default 50k×768; B = A·M + noise):
 *    linear + debiased CKA, mutual k-NN (k = 10, both exact k-NN graphs), Procrustes
 *    (SVD of X̃ᵀỸ) with matched top-1 before/after on a 10k-query sample, relative
 *    representations over 300 anchors, 2-D PCA map of each file;
 *  - collapse: the CIFAR-10 penultimate features of a trained ResNet-56 (60k×64, 10 classes,
 *    computed from public weights; read from the project's shared data folder ../shared/data,
 *    not part of the repository; generated class-structured data of the same shape without it):
 *    NC1 (pinv), NC2, nearest-class-mean and leave-one-out 10-NN accuracy.
 * Each side runs in a fresh child process from loading the files to the result; time is
 * wall clock of the analysis (file reading excluded on both sides), memory the child's
 * peak RSS. The results of both sides are printed so the agreement is visible.
 *
 *   npx tsx bench/pairs.ts [compare|collapse|all] [rows] [dims]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const PY = '/usr/bin/python3';
const CIFAR = path.resolve(ROOT, '../shared/data/cifar10_resnet56_penultimate');

interface Timed {
  ms: number;
  maxRssBytes: number;
  result: Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// Child: our side

async function child(mode: string, a: string, b: string): Promise<void> {
  const { loadDataset } = await import('../src/engine/data/dataset');
  let out: Record<string, unknown>;
  let ms: number;
  if (mode === 'compare') {
    const { compareSpaces } = await import('../src/engine/analysis/pairs/compare');
    const da = await loadDataset({ path: a });
    const db = await loadDataset({ path: b });
    const t0 = performance.now();
    const r = await compareSpaces(da, db, { k: 10, maxQueries: 10000, anchorCount: 300 });
    ms = performance.now() - t0;
    out = {
      linearCka: r.linearCka,
      debiasedCka: r.debiasedCka,
      mutualKnn: r.mutualKnn,
      top1Before: r.procrustes.top1Before,
      top1After: r.procrustes.top1After,
      residual: r.procrustes.residual,
      relTop1: r.relative.top1,
    };
  } else {
    const { neuralCollapse } = await import('../src/engine/analysis/pairs/collapse');
    const ds = await loadDataset({ path: a, metaPath: b });
    const t0 = performance.now();
    const r = await neuralCollapse(ds, { labels: 'label', k: 10 });
    ms = performance.now() - t0;
    out = {
      nc1: r.nc1,
      withinBetweenRatio: r.withinBetweenRatio,
      equinorm: r.nc2.equinorm,
      equiangularity: r.nc2.equiangularity,
      ncmAccuracy: r.ncmAccuracy,
      knnAccuracy: r.knnAccuracy,
    };
  }
  process.stdout.write(JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, result: out }) + '\n');
}

// ---------------------------------------------------------------------------
// numpy / scikit-learn side

const NUMPY_COMPARE = String.raw`
import sys, time, json, resource
import numpy as np
a, b = sys.argv[1], sys.argv[2]
X = np.load(a); Y = np.load(b)
t0 = time.perf_counter()
n = len(X); k = 10
X64 = X.astype(np.float64); Y64 = Y.astype(np.float64)
Xc = X64 - X64.mean(0); Yc = Y64 - Y64.mean(0)
sxx = Xc.T @ Xc; syy = Yc.T @ Yc; sxy = Xc.T @ Yc
lin = (sxy ** 2).sum() / np.sqrt((sxx ** 2).sum() * (syy ** 2).sum())
# debiased (unbiased HSIC, Song et al. 2012) from the same O(n d^2) identities
def terms(M):
    sq = (M * M).sum(1); k1 = M @ M.sum(0) - sq; return sq, k1
def hsic(c2, A, B):
    tr = c2 - (A[0] * B[0]).sum()
    return (tr + A[1].sum() * B[1].sum() / ((n - 1) * (n - 2)) - 2 / (n - 2) * (A[1] * B[1]).sum()) / (n * (n - 3))
tx, ty = terms(Xc), terms(Yc)
deb = hsic((sxy ** 2).sum(), tx, ty) / np.sqrt(hsic((sxx ** 2).sum(), tx, tx) * hsic((syy ** 2).sum(), ty, ty))
def knn(M):
    U = (M / np.linalg.norm(M, axis=1, keepdims=True)).astype(np.float32)
    out = np.empty((n, k), dtype=np.int64)
    for s in range(0, n, 1024):
        S = U[s:s + 1024] @ U.T
        S[np.arange(S.shape[0]), np.arange(s, s + S.shape[0])] = -np.inf
        out[s:s + 1024] = np.argpartition(-S, k, axis=1)[:, :k]
    return out
nA = knn(X); nB = knn(Y)
inter = np.array([len(np.intersect1d(nA[i], nB[i], assume_unique=True)) for i in range(n)])
mutual = (inter / k).mean()
# the same seeded query rows and anchors as ours (saved by the bench next to the files)
q = np.load(a.replace('a.npy', 'queries.npy')).astype(np.int64)
def top1(P, C):
    P = (P / np.linalg.norm(P, axis=1, keepdims=True)).astype(np.float32); C = (C / np.linalg.norm(C, axis=1, keepdims=True)).astype(np.float32)
    hits = 0
    for s in range(0, len(q), 1024):
        qq = q[s:s + 1024]; S = P[qq] @ C.T; t = S[np.arange(len(qq)), qq]
        hits += int(((S > t[:, None]).sum(1) == 0).sum())
    return hits / len(q)
before = top1(X, Y)
U_, s_, Vt = np.linalg.svd(sxy); R = U_ @ Vt
after = top1(Xc @ R, Yc)
resid = 1 - s_.sum() ** 2 / (np.trace(sxx) * np.trace(syy))
anc = np.load(a.replace('a.npy', 'anchors.npy')).astype(np.int64)
UX = X64 / np.linalg.norm(X64, axis=1, keepdims=True); UY = Y64 / np.linalg.norm(Y64, axis=1, keepdims=True)
rel = top1(UX @ UX[anc].T, UY @ UY[anc].T)
for M, C in ((X64, sxx), (Y64, syy)):
    w, V = np.linalg.eigh(C / (n - 1)); coords = (M - M.mean(0)) @ V[:, -2:]
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "result": {"linearCka": lin, "debiasedCka": deb, "mutualKnn": mutual, "top1Before": before, "top1After": after, "residual": resid, "relTop1": rel}}))
`;

const NUMPY_COLLAPSE = String.raw`
import sys, time, json, resource, csv
import numpy as np
from sklearn.neighbors import NearestNeighbors
X = np.load(sys.argv[1])
with open(sys.argv[2]) as f:
    r = csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE); head = next(r); li = head.index('label')
    y = np.array([int(row[li]) for row in r])
t0 = time.perf_counter()
X64 = X.astype(np.float64); N, d = X64.shape; k = 10
classes = np.unique(y); C = len(classes)
means = np.stack([X64[y == c].mean(0) for c in classes]); g = X64.mean(0)
R = X64 - means[np.searchsorted(classes, y)]
Sw = R.T @ R / N; M = means - g; Sb = M.T @ M / C
nc1 = np.trace(Sw @ np.linalg.pinv(Sb, rcond=1e-10, hermitian=True)) / C
norms = np.linalg.norm(M, axis=1); cos = M @ M.T / np.outer(norms, norms); off = ~np.eye(C, dtype=bool)
D = (X64 ** 2).sum(1)[:, None] - 2 * X64 @ means.T + (means ** 2).sum(1)[None, :]
ncm = (classes[np.argmin(D, axis=1)] == y).mean()
nn = NearestNeighbors(n_neighbors=k + 1, algorithm='brute').fit(X)
_, idx = nn.kneighbors(X)
correct = 0
for i in range(N):
    nb = idx[i][idx[i] != i][:k]
    correct += int(np.argmax(np.bincount(y[nb], minlength=C)) == y[i])
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "result": {"nc1": nc1, "withinBetweenRatio": np.trace(Sw) / np.trace(Sb), "equinorm": norms.std() / norms.mean(), "equiangularity": np.abs(cos[off] + 1 / (C - 1)).mean(), "ncmAccuracy": ncm, "knnAccuracy": correct / N}}))
`;

function runOurs(mode: string, a: string, b: string): Timed {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, a, b], {
    encoding: 'utf8',
    cwd: ROOT,
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`ours (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function runNumpy(script: string, a: string, b: string): Timed {
  const r = spawnSync(PY, ['-c', script, a, b], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`numpy failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function report(title: string, ours: Timed, ref: Timed, refName: string): void {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
  console.log(title);
  console.log(`  Embedding Lens  ${(ours.ms / 1000).toFixed(2)} s   peak RSS ${mb(ours.maxRssBytes)}`);
  console.log(`  ${refName.padEnd(14)}  ${(ref.ms / 1000).toFixed(2)} s   peak RSS ${mb(ref.maxRssBytes)}`);
  console.log(`  ratio ours/${refName} = ${(ours.ms / ref.ms).toFixed(2)}  (goal ≤ 1)`);
  for (const key of Object.keys(ours.result)) {
    const o = ours.result[key] as number | null;
    const e = ref.result[key] as number | null;
    console.log(
      `    ${key.padEnd(18)} ours ${o === null ? 'null' : Number(o).toPrecision(6)}   ${refName} ${e === null ? 'null' : Number(e).toPrecision(6)}`,
    );
  }
}

async function makeCompareFiles(dir: string, n: number, d: number): Promise<[string, string]> {
  const { writeNpy } = await import('../src/engine/io/npy');
  const { projectRows } = await import('../src/engine/kernels/pca');
  const { Rng, sampleRows } = await import('../src/engine/util/random');
  const rng = new Rng(12345);
  const gauss = () => rng.normal();
  // A: 200 clusters in d dims (real embeddings are clustered); B = A·M + noise with a random M.
  const centres = Float32Array.from({ length: 200 * d }, gauss);
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = (i * 7919) % 200;
    for (let j = 0; j < d; j++) X[i * d + j] = centres[c * d + j] + 0.7 * gauss();
  }
  const M = Float32Array.from({ length: d * d }, () => gauss() / Math.sqrt(d));
  const Y = await projectRows({ rows: n, cols: d, data: X }, M, d);
  for (let t = 0; t < Y.length; t++) Y[t] += 0.5 * gauss();
  const a = path.join(dir, 'a.npy');
  const b = path.join(dir, 'b.npy');
  writeNpy(a, X, [n, d]);
  writeNpy(b, Y, [n, d]);
  // compareSpaces' defaults (seed 0): queries sampleRows(n, 10000, 0), anchors sampleRows(n, 300, 1).
  writeNpy(path.join(dir, 'queries.npy'), sampleRows(n, 10000, 0), [Math.min(n, 10000)]);
  writeNpy(path.join(dir, 'anchors.npy'), sampleRows(n, 300, 1), [Math.min(n, 300)]);
  return [a, b];
}

async function makeCollapseFiles(dir: string): Promise<[string, string, string]> {
  if (fs.existsSync(path.join(CIFAR, 'X.npy')))
    return [path.join(CIFAR, 'X.npy'), path.join(CIFAR, 'meta.tsv'), 'CIFAR-10 ResNet-56 penultimate features'];
  const { writeNpy } = await import('../src/engine/io/npy');
  const n = 60000;
  const d = 64;
  const { Rng } = await import('../src/engine/util/random');
  const rng = new Rng(777);
  const gauss = () => rng.normal();
  const means = Float32Array.from({ length: 10 * d }, () => 2 * gauss());
  const X = new Float32Array(n * d);
  const lines = ['label'];
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    lines.push(String(c));
    for (let j = 0; j < d; j++) X[i * d + j] = means[c * d + j] + 1.5 * gauss();
  }
  const x = path.join(dir, 'feat.npy');
  const m = path.join(dir, 'feat.tsv');
  writeNpy(x, X, [n, d]);
  fs.writeFileSync(m, lines.join('\n') + '\n');
  return [x, m, `generated class-structured data (${CIFAR} is absent)`];
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'all';
  const n = Number(process.argv[3] ?? 50_000);
  const d = Number(process.argv[4] ?? 768);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-pairs-'));
  try {
    if (mode === 'compare' || mode === 'all') {
      const [a, b] = await makeCompareFiles(dir, n, d);
      const ref = runNumpy(NUMPY_COMPARE, a, b);
      const ours = runOurs('compare', a, b);
      report(`compare ${n}×${d} vs ${n}×${d} (k = 10, 10k retrieval queries, 300 anchors)`, ours, ref, 'numpy');
    }
    if (mode === 'collapse' || mode === 'all') {
      const [x, meta, what] = await makeCollapseFiles(dir);
      const ref = runNumpy(NUMPY_COLLAPSE, x, meta);
      const ours = runOurs('collapse', x, meta);
      report(`collapse on ${what} (60000×64, 10 classes, leave-one-out 10-NN)`, ours, ref, 'sklearn');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child')
  void child(process.argv[3], process.argv[4], process.argv[5]).catch(
    (e) => (console.error(e), (process.exitCode = 1)),
  );
else void main();
