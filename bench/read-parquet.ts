/**
 * Reading a 50k×768 float32 embedding column from Parquet into one row-major matrix,
 * as the engine does when a user opens the file (readParquet: DuckDB scan + copy into
 * a Float32Array, metadata columns alongside), beside two baselines measured in the
 * same run on the same data:
 *   - DuckDB alone: the same scan with its result chunks materialised and nothing copied
 *     (what any DuckDB-based reader must at least pay);
 *   - numpy: np.load of the same matrix saved as .npy (no Parquet decoding at all).
 * Each timing runs in a fresh child process (cold start of the reader, like opening a
 * file), median of `repeats`; peak memory is the child's maxRSS.
 *
 *   npx tsx bench/read-parquet.ts [rows] [dims] [repeats]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const [rows, dims, repeats] = [
  Number(process.argv[2] ?? 50_000),
  Number(process.argv[3] ?? 768),
  Number(process.argv[4] ?? 5),
];
const ROOT = path.resolve(__dirname, '..');
const PY = '/usr/bin/python3';

async function child(): Promise<void> {
  const [mode, file] = process.argv.slice(6);
  const t0 = performance.now();
  if (mode === 'ours') {
    const { readParquet } = await import('../src/engine/io/parquet');
    const d = await readParquet(file, {});
    if (d.matrix.rows !== rows) throw new Error('row count');
  } else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const res = await conn.run(`SELECT * FROM read_parquet('${file.replace(/'/g, "''")}')`);
    let n = 0;
    for (;;) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      n += chunk.rowCount;
      chunk.getColumnVector(0); // materialise the vector object, as a reader must
    }
    if (n !== rows) throw new Error('row count');
    conn.closeSync();
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runChild(mode: string, file: string): { ms: number; maxRssBytes: number } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', __filename, String(rows), String(dims), '1', '--child', mode, file],
    { encoding: 'utf8', cwd: ROOT },
  );
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-bench-pq-'));
  const npy = path.join(dir, 'x.npy');
  const pq = path.join(dir, 'x.parquet');
  // Written by DuckDB (seeded): a list<float> embedding column plus an id and a text column;
  // the same values saved as .npy for the numpy baseline.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`SELECT setseed(0.42)`);
  await conn.run(`COPY (SELECT i AS id, 'item ' || i AS text, list_transform(range(${dims}), x -> (random() * 2 - 1)::FLOAT) AS embedding
    FROM range(${rows}) r(i)) TO '${pq}' (FORMAT parquet, COMPRESSION zstd)`);
  conn.closeSync();
  const { readParquet } = await import('../src/engine/io/parquet');
  const { writeNpy } = await import('../src/engine/io/npy');
  const warm = await readParquet(pq, {});
  writeNpy(npy, warm.matrix.data, [warm.matrix.rows, warm.matrix.cols]);

  const numpy: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const out = execFileSync(
      PY,
      [
        '-c',
        `
import time, numpy as np
t = time.perf_counter(); x = np.load(${JSON.stringify(npy)}); s = float(x[-1, -1]); print((time.perf_counter() - t) * 1000)
`,
      ],
      { encoding: 'utf8' },
    );
    numpy.push(Number(out.trim()));
  }
  const ours = Array.from({ length: repeats }, () => runChild('ours', pq));
  const duck = Array.from({ length: repeats }, () => runChild('duckdb', pq));
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  const oursMs = median(ours.map((x) => x.ms));
  const duckMs = median(duck.map((x) => x.ms));
  const npMs = median(numpy);
  console.log(
    `read ${rows}×${dims} float32 (${mb(rows * dims * 4)} MB of values; parquet ${mb(fs.statSync(pq).size)} MB, zstd), median of ${repeats}`,
  );
  console.log(
    `  Embedding Lens readParquet  ${oursMs.toFixed(0)} ms   peak RSS ${mb(Math.max(...ours.map((x) => x.maxRssBytes)))} MB`,
  );
  console.log(
    `  DuckDB scan alone           ${duckMs.toFixed(0)} ms   peak RSS ${mb(Math.max(...duck.map((x) => x.maxRssBytes)))} MB   ratio ours/duckdb ${(oursMs / duckMs).toFixed(2)}`,
  );
  console.log(`  numpy np.load (.npy)        ${npMs.toFixed(0)} ms   ratio ours/numpy ${(oursMs / npMs).toFixed(2)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[5] === '--child') void child().catch((e) => (console.error(e), (process.exitCode = 1)));
else void main();
