/**
 * Maps at scale, ours beside the references in the same run, on clustered
 * synthetic float32 rows (Gaussian clusters around random centres, L2-normalised,
 * 768-d, as sentence embeddings usually are):
 *   - UMAP 2-D, n×768 (default 20k; --rows 50000), k-NN included (cosine, 15
 *     neighbours) vs umap-learn 0.5 (`umap.UMAP(metric='cosine')`, its own NN-descent
 *     k-NN, parallel numba; fit time only, import and JIT warm-up excluded by a
 *     200-row warm-up fit);
 *   - t-SNE 2-D, 10k×768 vs scikit-learn TSNE (perplexity 30, 1000 iterations,
 *     init='pca', Barnes–Hut, n_jobs=2).
 * Each side runs in its own child process: wall time, time to the first
 * picture (our PCA layout), peak RSS (maxRSS), and the trustworthiness /
 * continuity / k-NN recall of both final maps scored by the same code
 * (mapQuality) on the same seeded sample, so speed is compared at equal quality.
 * One run each (long benchmarks on a shared machine): quote the same-run ratio.
 *
 * Our k-NN graph follows the engine's default (`--knn auto`: exact up to 20k rows,
 * approximate above, its recall@k measured against the exact neighbours of 1000
 * seeded rows and printed); `--knn exact|approx` forces one.
 *
 * `--file X.npy` runs UMAP on a real file instead (e.g. GloVe 6B 100d, the 50k most frequent words).
 *
 *   npx tsx bench/project.ts [--rows 20000] [--tsne-rows 10000] [--only umap|tsne] [--knn auto|exact|approx] [--file
 *     X.npy]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy, readNpy } from '../src/engine/io/npy';
import { loadDataset } from '../src/engine/data/dataset';
import { KnnMode, project } from '../src/engine/analysis/map/project';
import { mapQuality } from '../src/engine/analysis/map/quality';
import { Rng } from '../src/engine/util/random';

const PY = '/usr/bin/python3';
const argv = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};

/** Gaussian clusters around random centres, rows L2-normalised. */
function clustered(n: number, d: number, clusters: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const centres = new Float32Array(clusters * d);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = centres[c * d + j] / Math.sqrt(d) + (0.6 * rng.normal()) / Math.sqrt(d);
      X[i * d + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) X[i * d + j] *= inv;
  }
  return X;
}

interface Side {
  seconds: number;
  /** CPU seconds (user + system, all threads): less sensitive than wall time to a busy shared machine. */
  cpuSeconds: number;
  firstPictureSeconds?: number;
  maxRssMB: number;
  out: string;
  timings?: Record<string, number>;
  knnGraph?: { method: string; k: number; recall?: number; sample?: number; pilotRecall?: number };
  epochs?: number;
}

/** Child mode: `--child method file out` runs our projection and saves the layout. */
async function child(method: 'umap' | 'tsne', file: string, out: string, knn: KnnMode): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const ds = await loadDataset({ path: file });
  let first: number | undefined;
  let epochs: number | undefined;
  const r = await project(
    ds,
    { method, dims: 2, seed: 0, k: 10, metric: 'cosine', knn },
    {
      onLayout: (_c, _stage, _step, steps) => {
        first ??= (performance.now() - t0) / 1000;
        if (_stage === method) epochs = steps;
      },
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  fs.writeFileSync(out, encodeNpy(r.coords, [r.rows, 2]));
  const rep: Side = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    firstPictureSeconds: first,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    out,
    timings: r.timings,
    knnGraph: r.knnGraph,
    epochs,
  };
  process.stdout.write(JSON.stringify(rep));
}

const PY_SRC = String.raw`
import json, resource, sys, time
import numpy as np
method, file, out = sys.argv[1:4]
X = np.load(file)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
if method == "umap":
    import umap
    umap.UMAP(metric="cosine").fit_transform(X[:200])  # import + numba JIT warm-up, not timed
    t = time.perf_counter()
    c = cpu()
    Y = umap.UMAP(n_neighbors=15, metric="cosine", init="spectral").fit_transform(X)
else:
    from sklearn.manifold import TSNE
    t = time.perf_counter()
    c = cpu()
    Y = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", metric="cosine", n_jobs=2, random_state=0).fit_transform(X)
s = time.perf_counter() - t
c = cpu() - c
np.save(out, Y.astype(np.float32))
print(json.dumps({"seconds": s, "cpuSeconds": c, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "out": out}))
`;

function runChild(cmd: string, args: string[]): Side {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 1800_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function compare(method: 'umap' | 'tsne', rows: number, dir: string): Promise<void> {
  let n = rows;
  let d = 768;
  let file = path.join(dir, `x${n}.npy`);
  const real = flag('file', '');
  if (real && method === 'umap') {
    file = path.resolve(real);
    const m = readNpy(file).matrix;
    n = m.rows;
    d = m.cols;
  } else fs.writeFileSync(file, encodeNpy(clustered(n, d, 20, 42), [n, d]));
  const ours = runChild(process.execPath, [
    '--import',
    'tsx',
    __filename,
    '--child',
    method,
    file,
    path.join(dir, `ours-${method}.npy`),
    flag('knn', 'auto'),
  ]);
  const pyFile = path.join(dir, 'ref.py');
  fs.writeFileSync(pyFile, PY_SRC);
  const ref = runChild(PY, [pyFile, method, file, path.join(dir, `ref-${method}.npy`)]);
  const ds = await loadDataset({ path: file });
  const q = async (f: string) => {
    const Y = readNpy(f).matrix.data;
    return mapQuality(ds.matrix, Float32Array.from(Y), 2, { k: 10, metric: 'cosine', seed: 1 });
  };
  const [qo, qr] = [await q(ours.out), await q(ref.out)];
  const refName = method === 'umap' ? 'umap-learn 0.5 (own k-NN)' : 'scikit-learn TSNE';
  console.log(
    `\n${method.toUpperCase()} 2-D, ${n.toLocaleString('en-US')}×${d}${real && method === 'umap' ? ` (${real})` : ' synthetic clusters'}, cosine, k-NN included`,
  );
  const noQ = ours.seconds - (ours.timings?.quality ?? 0);
  console.log(
    `  ours: ${ours.seconds.toFixed(1)} s wall, ${ours.cpuSeconds.toFixed(1)} s CPU (first picture ${ours.firstPictureSeconds?.toFixed(2)} s; ${Object.entries(
      ours.timings ?? {},
    )
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}), peak RSS ${ours.maxRssMB.toFixed(0)} MB`,
  );
  console.log(
    `  ${refName}: ${ref.seconds.toFixed(1)} s wall, ${ref.cpuSeconds.toFixed(1)} s CPU, peak RSS ${ref.maxRssMB.toFixed(0)} MB`,
  );
  console.log(
    `  ratio ours/reference: ${(ours.seconds / ref.seconds).toFixed(2)}× wall (${(noQ / ref.seconds).toFixed(2)}× without our quality scoring, which the reference does not do), ${(ours.cpuSeconds / ref.cpuSeconds).toFixed(2)}× CPU`,
  );
  const g = ours.knnGraph;
  if (g)
    console.log(
      `  our k-NN graph: ${g.method}${g.recall !== undefined ? `, recall@${g.k} ${g.recall.toFixed(4)} against the exact neighbours of ${g.sample} seeded rows` : ''}` +
        `${g.pilotRecall !== undefined ? ` (auto: the approximate graph's pilot found ${g.pilotRecall.toFixed(3)} of the true neighbours of ${g.sample} rows, below 0.8)` : ''}`,
    );
  const opt = ours.timings?.[method];
  if (opt && ours.epochs)
    console.log(
      `  our ${method} optimisation: ${ours.epochs} ${method === 'umap' ? 'epochs' : 'iterations'} in ${opt.toFixed(1)} s (${(ours.epochs / opt).toFixed(1)}/s)`,
    );
  const fmtQ = (x: typeof qo) =>
    `T ${x.trustworthiness.toFixed(4)}, C ${x.continuity.toFixed(4)}, recall ${x.knnRecall.toFixed(3)}`;
  console.log(`  quality (k=10, ${qo.sampleRows} sampled rows, same sample): ours ${fmtQ(qo)}; reference ${fmtQ(qr)}`);
}

async function main(): Promise<void> {
  if (argv[0] === '--child') return child(argv[1] as 'umap' | 'tsne', argv[2], argv[3], (argv[4] ?? 'auto') as KnnMode);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-project-'));
  const only = flag('only', '');
  console.log(`bench/project.ts on ${os.cpus().length} cores, ${os.cpus()[0]?.model}; ${new Date().toISOString()}`);
  try {
    if (!only || only === 'umap') await compare('umap', Number(flag('rows', '20000')), dir);
    if (!only || only === 'tsne') await compare('tsne', Number(flag('tsne-rows', '10000')), dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
