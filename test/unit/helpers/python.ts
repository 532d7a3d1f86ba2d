/**
 * Runs a reference script with Debian's /usr/bin/python3 (numpy/scipy/sklearn)
 * at test time. Arrays go in as .npy files in a fresh temp folder, parameters as
 * JSON; the script prints one JSON object on stdout and may write .npy outputs.
 *
 * Script protocol (see test/reference/kernels_ref.py for an example):
 *   argv[1] = work dir holding params.json and <name>.npy for every input array;
 *   print(json.dumps(result)); optional outputs: np.save(os.path.join(dir, name + '.npy'), arr)
 *   and list their names in the result as "npy_outputs": [...].
 *
 * Tests call `pythonSkipReason()` and skip (with that message) when Python or its
 * packages are missing, so a fresh CI clone without them still passes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../../../src/engine/io/npy';

export const PYTHON = process.env.EMBEDDING_LENS_PYTHON ?? '/usr/bin/python3';
export const REFERENCE_DIR = path.resolve(__dirname, '../../reference');

let skipReason: string | null | undefined;

/** null when /usr/bin/python3 has numpy, scipy and scikit-learn; otherwise why tests must skip. */
export function pythonSkipReason(modules: string[] = ['numpy', 'scipy', 'sklearn']): string | null {
  if (skipReason !== undefined && modules.length === 3) return skipReason;
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  const reason =
    r.status === 0
      ? null
      : `${PYTHON} with ${modules.join('/')} is not available (${(r.error?.message ?? r.stderr).trim().split('\n').pop()})`;
  if (modules.length === 3) skipReason = reason;
  return reason;
}

export type NpyArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export interface PyArray {
  data: NpyArray;
  shape: number[];
}

export interface PyResult {
  /** The JSON object the script printed. */
  json: any;
  /** Arrays the script saved and listed in json.npy_outputs, as float64. */
  arrays: Record<string, { data: Float64Array; shape: number[] }>;
}

/**
 * Runs `test/reference/<script>` (or an absolute path) on the given arrays and params.
 * Throws with the script's stderr when it fails.
 */
export function runPython(
  script: string,
  arrays: Record<string, PyArray>,
  params: unknown = {},
  timeoutMs = 600_000,
): PyResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elens-py-'));
  try {
    for (const [name, a] of Object.entries(arrays))
      fs.writeFileSync(path.join(dir, `${name}.npy`), encodeNpy(a.data, a.shape));
    fs.writeFileSync(path.join(dir, 'params.json'), JSON.stringify(params));
    const file = path.isAbsolute(script) ? script : path.join(REFERENCE_DIR, script);
    const r = spawnSync(PYTHON, [file, dir], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
    if (r.status !== 0)
      throw new Error(`${path.basename(file)} failed (${r.status ?? r.signal}): ${r.error?.message ?? ''}${r.stderr}`);
    const json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    const out: PyResult['arrays'] = {};
    for (const name of (json.npy_outputs as string[] | undefined) ?? []) {
      out[name] = readNpyFloat64(path.join(dir, `${name}.npy`));
    }
    return { json, arrays: out };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads a little-endian C-order .npy of f8/f4/i8/i4 as float64 at full precision
 * (the engine's reader converts to float32, too coarse for reference values).
 */
export function readNpyFloat64(file: string): { data: Float64Array; shape: number[] } {
  const buf = fs.readFileSync(file);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = buf.subarray(start + hlen);
  const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  let src: ArrayLike<number>;
  if (descr === '<f8') src = new Float64Array(ab, 0, count);
  else if (descr === '<f4') src = new Float32Array(ab, 0, count);
  else if (descr === '<i8') src = Array.from(new BigInt64Array(ab, 0, count), Number);
  else if (descr === '<i4') src = new Int32Array(ab, 0, count);
  else throw new Error(`${file}: dtype ${descr} not supported by readNpyFloat64`);
  return { data: src instanceof Float64Array ? src : Float64Array.from(src), shape };
}
