/** Decoding the engine's base64 arrays and the numbers the map draws from them. */

export function decodeF32(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

export function decodeI32(b64: string): Int32Array {
  const f = decodeF32(b64);
  return new Int32Array(f.buffer);
}

/** Rows whose first two coordinates are finite (rows with NaN/Inf have no place on the map). */
export function finiteRows(coords: Float32Array, dims: number): Int32Array {
  const n = Math.floor(coords.length / dims);
  const out = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(coords[i * dims]) && Number.isFinite(coords[i * dims + 1])) out[m++] = i;
  return out.subarray(0, m);
}

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function bounds(coords: Float32Array, dims: number, rows: Int32Array): Box {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const i of rows) {
    const x = coords[i * dims], y = coords[i * dims + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x1 >= x0 ? { x0, x1, y0, y1 } : { x0: 0, x1: 1, y0: 0, y1: 1 };
}

/** Exact counts per cell of an nx×ny grid over `b` (z[row = y bin][x bin]), and the cell centres. */
export function bin2d(coords: Float32Array, dims: number, rows: Int32Array, b: Box, nx: number, ny: number): { x: number[]; y: number[]; z: number[][] } {
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

/** Rows inside a box, or null as soon as there are more than `limit`. */
export function rowsIn(coords: Float32Array, dims: number, rows: Int32Array, b: Box, limit: number): Int32Array | null {
  const out: number[] = [];
  for (const i of rows) {
    const x = coords[i * dims], y = coords[i * dims + 1];
    if (x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1) {
      out.push(i);
      if (out.length > limit) return null;
    }
  }
  return Int32Array.from(out);
}
