/**
 * Moments + full spectrum of a generated 1M×768 float32 .npy (3.07 GB), and peak memory.
 *
 *   npx tsx bench/kernels-memory.ts [rows] [dims]
 *
 * Two ways through our engine, each in its own child process (peak RSS = getrusage maxrss):
 *  - loader: the dataset loader (io/npy.ts readNpy) reads the whole file into one
 *    Float32Array, then computeMoments → covariance → eigvalshAsync. This is what the
 *    extension does today, so its peak is ≈ file size + kernel buffers.
 *  - streamed: the file read by row blocks (8192 rows, one reused buffer) into
 *    MomentAccumulator, then the same spectrum: peak independent of the row count.
 * Reference in the same run: numpy np.load (whole file) + X.T@X + np.cov-style centring + eigvalsh,
 * and numpy over np.load(mmap_mode='r') by the same row blocks.
 * Goal for opening large files: peak ≤ 1.3 × file size + 300 MB.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PY = process.env.EMBEDDING_LENS_PYTHON ?? '/usr/bin/python3';
const BLOCK = 8192;

interface Out {
  seconds: number;
  maxRssMB: number;
  top: number[];
  n: number;
}

async function child(mode: string, file: string): Promise<void> {
  const { readNpy, readNpyHeader } = await import('../src/engine/io/npy');
  const { computeMoments, covariance, MomentAccumulator } = await import('../src/engine/kernels/moments');
  const { eigvalshAsync } = await import('../src/engine/kernels/eigen');
  const t = performance.now();
  let mom;
  if (mode === 'loader') {
    mom = await computeMoments(readNpy(file).matrix);
  } else {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const h = readNpyHeader(file, fd, size);
      if (h.kind !== 'f' || h.itemSize !== 4 || h.fortranOrder || h.shape.length !== 2)
        throw new Error('streamed mode needs a C-order float32 2-D .npy');
      const [rows, d] = h.shape;
      const acc = new MomentAccumulator(d);
      const buf = new Float32Array(BLOCK * d);
      const bytes = new Uint8Array(buf.buffer);
      for (let r0 = 0; r0 < rows; r0 += BLOCK) {
        const nb = Math.min(BLOCK, rows - r0);
        const len = nb * d * 4;
        let off = 0;
        while (off < len) {
          const got = fs.readSync(fd, bytes, off, len - off, h.dataOffset + r0 * d * 4 + off);
          if (got <= 0) throw new Error('short read');
          off += got;
        }
        await acc.add({ rows: nb, cols: d, data: buf.subarray(0, nb * d) });
      }
      mom = acc.result();
    } finally {
      fs.closeSync(fd);
    }
  }
  const values = await eigvalshAsync(covariance(mom), mom.d);
  const out: Out = {
    seconds: (performance.now() - t) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    top: Array.from(values.subarray(0, 3)),
    n: mom.n,
  };
  process.stdout.write(`\n@@${JSON.stringify(out)}\n`);
}

function parse(r: ReturnType<typeof spawnSync>, what: string): Out {
  const line = String(r.stdout)
    .split('\n')
    .find((l) => l.startsWith('@@'));
  if (r.status !== 0 || !line) throw new Error(`${what} failed (${r.status}): ${String(r.stdout).slice(-2000)}`);
  return JSON.parse(line.slice(2));
}

function numpy(file: string, mmap: boolean): Out {
  const script = `
import json, resource, time
import numpy as np
t = time.perf_counter()
X = np.load(${JSON.stringify(file)}, mmap_mode=${mmap ? "'r'" : 'None'})
n, d = X.shape
if ${mmap ? 'True' : 'False'}:
    S1 = np.zeros(d); S2 = np.zeros((d, d))
    for s in range(0, n, ${BLOCK}):
        B = np.asarray(X[s:s + ${BLOCK}])
        S1 += B.sum(0, dtype=np.float64); S2 += (B.T @ B).astype(np.float64)
else:
    S1 = X.sum(0, dtype=np.float64); S2 = (X.T @ X).astype(np.float64)
C = (S2 - np.outer(S1, S1) / n) / (n - 1)
w = np.linalg.eigvalsh(C)[::-1]
print("@@" + json.dumps({"seconds": time.perf_counter() - t, "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "top": w[:3].tolist(), "n": n}))
`;
  return parse(
    spawnSync(PY, ['-'], { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 1 << 24 }),
    'numpy',
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2]);
  const rows = Number(argv[0] ?? 1_000_000);
  const dims = Number(argv[1] ?? 768);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-mem-'));
  const file = path.join(dir, `gen_${rows}x${dims}.npy`);
  try {
    const g = spawnSync(
      PY,
      [
        '-c',
        `
import numpy as np
rng = np.random.default_rng(0)
C = rng.normal(size=(64, ${dims})).astype(np.float32)
X = np.lib.format.open_memmap(${JSON.stringify(file)}, mode='w+', dtype=np.float32, shape=(${rows}, ${dims}))
for s in range(0, ${rows}, 50000):
    e = min(${rows}, s + 50000)
    X[s:e] = C[rng.integers(0, 64, e - s)] + 0.5 * rng.normal(size=(e - s, ${dims})).astype(np.float32)
X.flush()
`,
      ],
      { stdio: 'inherit' },
    );
    if (g.status !== 0) throw new Error('generation failed');
    const sizeMB = fs.statSync(file).size / 2 ** 20;
    const goal = 1.3 * sizeMB + 300;
    console.log(
      `file ${rows}×${dims} float32: ${sizeMB.toFixed(0)} MiB; goal peak ≤ ${goal.toFixed(0)} MiB; load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    for (const mode of ['loader', 'streamed']) {
      const o = parse(
        spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, file], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
          maxBuffer: 1 << 24,
        }),
        mode,
      );
      console.log(
        `ours ${mode.padEnd(8)}: ${o.seconds.toFixed(1)} s, peak ${o.maxRssMB.toFixed(0)} MiB (${(o.maxRssMB / sizeMB).toFixed(2)} × file), top eigenvalues ${o.top.map((v) => v.toFixed(3)).join(', ')}`,
      );
    }
    for (const mmap of [false, true]) {
      const o = numpy(file, mmap);
      console.log(
        `numpy ${mmap ? 'mmap   ' : 'np.load'}: ${o.seconds.toFixed(1)} s, peak ${o.maxRssMB.toFixed(0)} MiB (${(o.maxRssMB / sizeMB).toFixed(2)} × file), top eigenvalues ${o.top.map((v) => v.toFixed(3)).join(', ')}`,
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
