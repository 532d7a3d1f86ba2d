/** The numbers the map draws from the engine's coordinates: finite rows, bounds, density grids, thinning. */

/** Rows whose first two coordinates are finite (rows with NaN/Inf have no place on the map). */
export function finiteRows(coords: Float32Array, dims: number): Int32Array {
  const n = Math.floor(coords.length / dims);
  const out = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++)
    if (Number.isFinite(coords[i * dims]) && Number.isFinite(coords[i * dims + 1])) out[m++] = i;
  return out.subarray(0, m);
}

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function bounds(coords: Float32Array, dims: number, rows: Int32Array): Box {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (const i of rows) {
    const x = coords[i * dims],
      y = coords[i * dims + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x1 >= x0 ? { x0, x1, y0, y1 } : { x0: 0, x1: 1, y0: 0, y1: 1 };
}

/** The grid×grid cell (cy·grid + cx) of row i's point in box `b` (width w, height hgt), clamped to the grid. */
function cellOf(coords: Float32Array, dims: number, i: number, b: Box, w: number, hgt: number, grid: number): number {
  const cx = Math.max(0, Math.min(grid - 1, Math.floor(((coords[i * dims] - b.x0) / w) * grid)));
  const cy = Math.max(0, Math.min(grid - 1, Math.floor(((coords[i * dims + 1] - b.y0) / hgt) * grid)));
  return cy * grid + cx;
}

/** Exact counts per cell of an nx×ny grid over `b` (z[row = y bin][x bin]), and the cell centres. */
export function bin2d(
  coords: Float32Array,
  dims: number,
  rows: Int32Array,
  b: Box,
  nx: number,
  ny: number,
): { x: number[]; y: number[]; z: number[][] } {
  const z = Array.from({ length: ny }, () => new Array<number>(nx).fill(0));
  const w = b.x1 - b.x0 || 1;
  const hgt = b.y1 - b.y0 || 1;
  for (const i of rows) {
    const cx = Math.min(nx - 1, Math.floor(((coords[i * dims] - b.x0) / w) * nx));
    const cy = Math.min(ny - 1, Math.floor(((coords[i * dims + 1] - b.y0) / hgt) * ny));
    z[cy][cx]++;
  }
  return {
    x: Array.from({ length: nx }, (_, j) => b.x0 + ((j + 0.5) * w) / nx),
    y: Array.from({ length: ny }, (_, j) => b.y0 + ((j + 0.5) * hgt) / ny),
    // Empty cells transparent rather than the colourscale's lowest colour.
    z: z.map((r) => r.map((v) => (v === 0 ? NaN : v))),
  };
}

/** Plotly's Viridis colour scale (stops at 0, 1/9, …, 1) as RGB. */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/**
 * The density grid as an RGBA image (nx×ny, top row = highest y): Viridis on
 * log(1 + count) so sparse and dense areas both show; empty cells transparent.
 * Drawn once per layout as a layout image, it costs a pan/zoom step nothing to
 * move, where a heatmap trace is repainted per pixel on every redraw.
 */
export function densityRgba(z: number[][], nx: number, ny: number): { rgba: Uint8ClampedArray; max: number } {
  let max = 0;
  for (const r of z) for (const v of r) if (v > max) max = v;
  const rgba = new Uint8ClampedArray(nx * ny * 4);
  const top = Math.log1p(max) || 1;
  for (let yb = 0; yb < ny; yb++) {
    const row = ny - 1 - yb;
    for (let xb = 0; xb < nx; xb++) {
      const v = z[yb][xb];
      if (!(v > 0)) continue;
      const f = (Math.log1p(v) / top) * (VIRIDIS.length - 1);
      const i = Math.min(VIRIDIS.length - 2, Math.floor(f));
      const t = f - i;
      const o = (row * nx + xb) * 4;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(VIRIDIS[i][c] + t * (VIRIDIS[i + 1][c] - VIRIDIS[i][c]));
      rgba[o + 3] = 255;
    }
  }
  return { rgba, max };
}

/**
 * Rows bucketed by the cell of a grid×grid grid over `box` they fall in (counting sort; rows in ascending order within
 * a cell).
 */
export interface CellIndex {
  box: Box;
  grid: number;
  /** Rows of cell c (= cy·grid + cx) are order[start[c] … start[c+1]). */
  start: Int32Array;
  order: Int32Array;
}

export function cellIndex(coords: Float32Array, dims: number, rows: Int32Array, box: Box, grid: number): CellIndex {
  const w = box.x1 - box.x0 || 1;
  const hgt = box.y1 - box.y0 || 1;
  const cell = new Int32Array(rows.length);
  const start = new Int32Array(grid * grid + 1);
  for (let t = 0; t < rows.length; t++) {
    cell[t] = cellOf(coords, dims, rows[t], box, w, hgt, grid);
    start[cell[t] + 1]++;
  }
  for (let c = 0; c < grid * grid; c++) start[c + 1] += start[c];
  const fill = start.slice(0, grid * grid);
  const order = new Int32Array(rows.length);
  for (let t = 0; t < rows.length; t++) order[fill[cell[t]]++] = rows[t];
  return { box, grid, start, order };
}

/** The rows inside `b` (the same set as rowsInBox), visiting only the cells the box overlaps. */
export function rowsInBoxIndexed(ix: CellIndex, coords: Float32Array, dims: number, b: Box): Int32Array {
  const { box, grid, start, order } = ix;
  const w = box.x1 - box.x0 || 1;
  const hgt = box.y1 - box.y0 || 1;
  const clampCell = (v: number) => Math.max(0, Math.min(grid - 1, Math.floor(v * grid)));
  const cx0 = clampCell((b.x0 - box.x0) / w),
    cx1 = clampCell((b.x1 - box.x0) / w);
  const cy0 = clampCell((b.y0 - box.y0) / hgt),
    cy1 = clampCell((b.y1 - box.y0) / hgt);
  if (b.x1 < box.x0 || b.x0 > box.x1 || b.y1 < box.y0 || b.y0 > box.y1) return new Int32Array(0);
  let cap = 0;
  for (let cy = cy0; cy <= cy1; cy++) cap += start[cy * grid + cx1 + 1] - start[cy * grid + cx0];
  const out = new Int32Array(cap);
  let m = 0;
  for (let cy = cy0; cy <= cy1; cy++) {
    for (let t = start[cy * grid + cx0]; t < start[cy * grid + cx1 + 1]; t++) {
      const i = order[t];
      const x = coords[i * dims],
        y = coords[i * dims + 1];
      if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) out[m++] = i;
    }
  }
  return out.subarray(0, m);
}

/**
 * At most `cap` of the rows in a box, chosen so sparse regions keep every point
 * and dense ones are thinned evenly: the box is cut into grid×grid cells, every
 * cell keeps min(count, q) rows with the largest q that fits the cap
 * ("water-filling"), and a thinned cell keeps every (count/q)-th of its rows in
 * the given order, so the same view always shows the same points. Returns the
 * rows unchanged when they fit.
 */
export function thinEvenly(
  coords: Float32Array,
  dims: number,
  rows: Int32Array,
  b: Box,
  cap: number,
  grid = 64,
): Int32Array {
  if (rows.length <= cap) return rows;
  const w = b.x1 - b.x0 || 1;
  const hgt = b.y1 - b.y0 || 1;
  const cell = new Int32Array(rows.length);
  const count = new Int32Array(grid * grid);
  for (let t = 0; t < rows.length; t++) {
    cell[t] = cellOf(coords, dims, rows[t], b, w, hgt, grid);
    count[cell[t]]++;
  }
  // Largest per-cell quota q with Σ min(count, q) ≤ cap (binary search on q).
  const kept = (q: number) => {
    let s = 0;
    for (let c = 0; c < count.length; c++) s += count[c] < q ? count[c] : q;
    return s;
  };
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (kept(mid) <= cap) lo = mid;
    else hi = mid - 1;
  }
  const q = lo;
  const seen = new Int32Array(count.length);
  const out = new Int32Array(Math.min(cap, rows.length));
  let m = 0;
  for (let t = 0; t < rows.length; t++) {
    const c = cell[t];
    const n = count[c];
    const j = seen[c]++;
    // A cell with n > q rows keeps its j-th row where ⌊j·q/n⌋ steps up: exactly q, evenly spread.
    if (n <= q || Math.floor((j * q) / n) !== Math.floor(((j + 1) * q) / n)) out[m++] = rows[t];
  }
  return out.subarray(0, m);
}
