/**
 * Export of a chosen compression so it can be used in the user's own pipeline:
 * the fitted PCA (mean and components, as scikit-learn's `mean_` and
 * `components_`), the int8 offsets and scales, and the compressed matrix, each as
 * a .npy file written only at the paths the host was given by the user.
 *
 * Safety: every target is checked before anything is written; the opened file
 * and its metadata are never targets; an existing file is replaced only when
 * the host passes `overwrite` after asking the user.
 */
import * as path from 'path';
import type {
  CompressionExportFiles,
  ExportCompressionParams,
  ExportCompressionResult,
  ExportedArray,
} from '../../../shared/protocol/compression';
import { Matrix } from '../../core/matrix';
import { Dataset, datasetNorms } from '../../data/dataset';
import { encodeNpy } from '../../io/npy';
import { checkWritableAll, writeFilesAtomic, WriteOptions } from '../../io/writeFile';
import { projectRows } from '../../kernels/pca';
import { Cancellation, InputError } from '../../util/errors';
import { encodeBinaryAsync, packbitsNumpy } from './binary';
import { encodeInt8Async, fitInt8Async } from './int8';
import { truncateColumns } from './truncation';
import { compressionPca } from './pca';

type Role = keyof CompressionExportFiles;

/** Which arrays each method can export. */
const ROLES: Record<string, Role[]> = {
  pca: ['matrix', 'pcaMean', 'pcaComponents'],
  truncate: ['matrix'],
  int8: ['matrix', 'int8Offset', 'int8Scale'],
  'pca+int8': ['matrix', 'pcaMean', 'pcaComponents', 'int8Offset', 'int8Scale'],
  binary: ['matrix'],
  'binary+rescore': ['matrix'],
};

interface Pending {
  role: Role;
  data: Float32Array | Float64Array | Uint8Array;
  shape: number[];
  dtype: string;
}

export async function exportCompression(
  ds: Dataset,
  p: Omit<ExportCompressionParams, 'datasetId'>,
  opts: { token?: Cancellation } = {},
): Promise<ExportCompressionResult> {
  const { config, files } = p;
  const allowed = ROLES[config?.method];
  if (!allowed)
    throw new InputError(
      undefined,
      `cannot export method '${config?.method}' (export one of: ${Object.keys(ROLES).join(', ')})`,
    );
  const d = ds.matrix.cols;
  const m = config.dims;
  if (!Number.isInteger(m) || m < 1 || m > d)
    throw new InputError(ds.path, `cannot keep ${m} dimensions: the file has ${d}`);
  const roles = (Object.keys(files ?? {}) as Role[]).filter((r) => files[r]);
  if (!roles.length) throw new InputError(undefined, 'no output file was chosen');
  for (const r of roles)
    if (!allowed.includes(r))
      throw new InputError(undefined, `${config.method} has no '${r}' to export (it has: ${allowed.join(', ')})`);
  const targets = checkTargets(ds, files, roles, p.overwrite === true);
  const bad = countNonFinite(ds);
  if (bad)
    throw new InputError(
      ds.path,
      `has ${bad} row${bad === 1 ? '' : 's'} with NaN or Inf values; remove them before exporting a compressed copy`,
    );

  const pending = await compute(ds, config.method, m, new Set(roles), opts.token);
  // All or none: checked again (a file may have appeared meanwhile), then moved into place together.
  writeFilesAtomic(
    pending.map((a) => ({ file: targets.get(a.role)!, data: encodeNpy(a.data, a.shape) })),
    writeOptions(ds, p.overwrite === true),
  );
  const written: ExportedArray[] = pending.map((a) => ({
    role: a.role,
    path: targets.get(a.role)!,
    shape: a.shape,
    dtype: a.dtype,
  }));
  return { written };
}

async function compute(
  ds: Dataset,
  method: string,
  m: number,
  want: Set<Role>,
  token?: Cancellation,
): Promise<Pending[]> {
  const X = ds.matrix;
  const n = X.rows;
  const d = X.cols;
  const out: Pending[] = [];
  let Z: Matrix = X;
  if (method === 'pca' || method === 'pca+int8') {
    // The sweep's fit (compression/pca.ts), so an export reproduces what was measured.
    const pca = await compressionPca(ds, m, token);
    const comps = pca.components.subarray(0, m * d);
    if (want.has('pcaMean')) out.push({ role: 'pcaMean', data: Float64Array.from(pca.mean), shape: [d], dtype: '<f8' });
    if (want.has('pcaComponents'))
      out.push({ role: 'pcaComponents', data: Float64Array.from(comps), shape: [m, d], dtype: '<f8' });
    Z = { rows: n, cols: m, data: await projectRows(X, comps, m, { mean: pca.mean, token }) };
  } else if (method === 'truncate') {
    Z = truncateColumns(X, m);
  }
  if (method === 'int8' || method === 'pca+int8') {
    const q = await fitInt8Async(Z, token);
    if (want.has('int8Offset')) out.push({ role: 'int8Offset', data: q.offset, shape: [Z.cols], dtype: '<f8' });
    if (want.has('int8Scale')) out.push({ role: 'int8Scale', data: q.scale, shape: [Z.cols], dtype: '<f8' });
    if (want.has('matrix'))
      out.push({ role: 'matrix', data: await encodeInt8Async(Z, q, token), shape: [n, Z.cols], dtype: '|u1' });
  } else if (method === 'binary' || method === 'binary+rescore') {
    if (want.has('matrix'))
      out.push({
        role: 'matrix',
        data: packbitsNumpy(await encodeBinaryAsync(X, token)),
        shape: [n, Math.ceil(d / 8)],
        dtype: '|u1',
      });
  } else if (want.has('matrix')) {
    out.push({ role: 'matrix', data: Z.data, shape: [n, Z.cols], dtype: '<f4' });
  }
  return out;
}

/** The opened file and its metadata are never targets; an existing file is replaced only after the user confirmed. */
function writeOptions(ds: Dataset, overwrite: boolean): WriteOptions {
  return {
    force: overwrite,
    inputs: [ds.path, ds.metadata?.source],
    inputProblem: 'is the opened data file; an export never replaces it',
    existsHint: 'choose another name, or confirm replacing it',
  };
}

/** Resolved target per role, after checking all of them (nothing is written if one is bad). */
function checkTargets(
  ds: Dataset,
  files: CompressionExportFiles,
  roles: Role[],
  overwrite: boolean,
): Map<Role, string> {
  const out = new Map<Role, string>();
  const seen = new Set<string>();
  for (const r of roles) {
    const file = path.resolve(files[r]!);
    if (path.extname(file).toLowerCase() !== '.npy')
      throw new InputError(file, 'exports are .npy files; use a name ending in .npy');
    if (seen.has(file)) throw new InputError(file, 'was chosen for two different arrays');
    seen.add(file);
    out.set(r, file);
  }
  checkWritableAll([...out.values()], writeOptions(ds, overwrite));
  return out;
}

function countNonFinite(ds: Dataset): number {
  const norms = datasetNorms(ds);
  let bad = 0;
  for (let i = 0; i < norms.length; i++) if (!Number.isFinite(norms[i])) bad++;
  return bad;
}
