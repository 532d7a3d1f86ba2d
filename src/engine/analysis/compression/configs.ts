/**
 * What each configuration stores, and the default sweep. Sizes follow what an
 * index would hold: float32 coordinates (4 bytes), int8 codes (1 byte), sign
 * bits (⌈d/8⌉ bytes), plus the codec's fixed part (PCA mean and components as
 * float32, int8 offsets and scales as float32).
 */
import type { CompressionConfig, CompressionMethod } from '../../../shared/protocol/compression';

export const DEFAULT_RESCORE = [4, 10];

export function bitsOf(method: CompressionMethod): number {
  if (method === 'int8' || method === 'pca+int8') return 8;
  if (method === 'binary' || method === 'binary+rescore') return 1;
  return 32;
}

export function bytesPerVector(c: CompressionConfig): number {
  const bits = bitsOf(c.method);
  return bits === 1 ? Math.ceil(c.dims / 8) : (c.dims * bits) / 8;
}

/** Bytes of the whole index for n rows of d dims: codes plus the codec's own arrays. */
export function indexBytes(c: CompressionConfig, n: number, d: number): number {
  let fixed = 0;
  if (c.method === 'pca' || c.method === 'pca+int8') fixed += 4 * (c.dims + 1) * d;
  if (c.method === 'int8' || c.method === 'pca+int8') fixed += 2 * 4 * c.dims;
  return n * bytesPerVector(c) + fixed;
}

/**
 * 8, 16, 32, … below d (or 1, 2, 4, … for tiny d), then d itself: PCA at m = d
 * shows the ceiling set by centring alone (cosine of centred rows ranks
 * differently from cosine of the raw rows when the mean is large, as in CLIP).
 */
export function defaultDims(d: number): number[] {
  const out: number[] = [];
  for (let m = d > 8 ? 8 : 1; m < d; m *= 2) out.push(m);
  out.push(d);
  return out;
}

/** The sweep: float32 baseline, PCA-m, truncation-m, int8, PCA-m + int8, binary, binary + rescoring. */
export function sweepConfigs(d: number, dims: number[], rescore: number[]): CompressionConfig[] {
  const out: CompressionConfig[] = [{ method: 'float32', dims: d }];
  for (const m of dims) out.push({ method: 'pca', dims: m });
  for (const m of dims) if (m < d) out.push({ method: 'truncate', dims: m });
  out.push({ method: 'int8', dims: d });
  for (const m of dims) out.push({ method: 'pca+int8', dims: m });
  out.push({ method: 'binary', dims: d });
  for (const r of rescore) out.push({ method: 'binary+rescore', dims: d, rescore: r });
  return out;
}

export function configLabel(c: CompressionConfig): string {
  if (c.method === 'binary+rescore') return `binary + rescore ×${c.rescore}`;
  if (c.method === 'float32' || c.method === 'int8' || c.method === 'binary') return `${c.method} (${c.dims} dims)`;
  return `${c.method} ${c.dims}`;
}
