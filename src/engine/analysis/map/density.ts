/**
 * Views of very large maps: a 2-D histogram of the layout (what the panel draws
 * as a heatmap above ~200k points, where one WebGL marker per row stops being
 * interactive) and the rows inside a zoomed-in rectangle, so points appear
 * where the user zooms. Counts are exact; nothing is sampled.
 */
export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface DensityGrid extends Bounds {
  nx: number;
  ny: number;
  /** Row-major ny×nx counts (row = y bin). */
  counts: Uint32Array;
}

/** Finite extent of the first two coordinates. */
export function layoutBounds(coords: Float32Array, dims: number): Bounds {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i * dims < coords.length; i++) {
    const x = coords[i * dims],
      y = coords[i * dims + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!(x1 >= x0)) return { x0: 0, x1: 1, y0: 0, y1: 1 };
  return { x0, x1, y0, y1 };
}

/** Counts of rows per bin over `b` (default: the whole layout); rows outside b are not counted. */
export function binLayout(
  coords: Float32Array,
  dims: number,
  nx: number,
  ny: number,
  b: Bounds = layoutBounds(coords, dims),
): DensityGrid {
  const counts = new Uint32Array(nx * ny);
  const w = b.x1 - b.x0 || 1;
  const h = b.y1 - b.y0 || 1;
  const n = Math.floor(coords.length / dims);
  for (let i = 0; i < n; i++) {
    const x = coords[i * dims],
      y = coords[i * dims + 1];
    if (!(x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1)) continue;
    const cx = Math.min(nx - 1, Math.floor(((x - b.x0) / w) * nx));
    const cy = Math.min(ny - 1, Math.floor(((y - b.y0) / h) * ny));
    counts[cy * nx + cx]++;
  }
  return { ...b, nx, ny, counts };
}

/** Rows whose first two coordinates fall in b: all of them when ≤ limit, else none plus the count. */
export function rowsInView(
  coords: Float32Array,
  dims: number,
  b: Bounds,
  limit: number,
): { total: number; rows: Int32Array | null } {
  const n = Math.floor(coords.length / dims);
  const hit: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = coords[i * dims],
      y = coords[i * dims + 1];
    if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) {
      total++;
      if (total <= limit) hit.push(i);
    }
  }
  return { total, rows: total <= limit ? Int32Array.from(hit) : null };
}
