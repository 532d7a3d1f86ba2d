/**
 * Reader for NumPy's `.npy` format, versions 1.0, 2.0 and 3.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * Everything becomes a row-major float32 matrix. Little-endian float32 in C
 * order is read straight into the Float32Array's own buffer (one read, no
 * second copy); every other layout is converted chunk by chunk so peak memory
 * stays at the float32 matrix plus one chunk.
 */
import * as fs from 'fs';
import { InputError } from '../util/errors';
import { Matrix } from '../core/matrix';
import { openReadOnly } from './openFile';
import { writeFileAtomic } from './writeFile';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const CHUNK_BYTES = 8 << 20;

type NpyKind = 'f' | 'i' | 'u' | 'b';

export interface NpyHeader {
  version: string;
  /** The dtype string as written, e.g. '<f4'. */
  descr: string;
  kind: NpyKind;
  itemSize: number;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
}

export interface NpyReadOptions {
  /** Treat an array of 3 or more axes as (product of leading axes) × last axis. */
  flattenLeading?: boolean;
}

export interface NpyData {
  header: NpyHeader;
  matrix: Matrix;
  warnings: string[];
}

/** Raised for arrays of 3+ axes when the caller did not ask to flatten. */
export class NpyNeedsFlatten extends InputError {
  constructor(
    file: string,
    readonly shape: number[],
  ) {
    super(
      file,
      `is a ${shape.length}-D array of shape (${shape.join(', ')}); flatten its leading axes (--flatten) to read it as ${shape.slice(0, -1).reduce((a, b) => a * b, 1)} rows × ${shape[shape.length - 1]} dims`,
    );
  }
}

export function readNpyHeader(file: string, fd: number, fileSize: number): NpyHeader {
  const pre = Buffer.alloc(12);
  const got = fs.readSync(fd, pre, 0, 12, 0);
  if (got < 10 || !pre.subarray(0, 6).equals(MAGIC)) {
    throw new InputError(file, 'not a NumPy .npy file (the magic string \\x93NUMPY is missing)');
  }
  const major = pre[6];
  const minor = pre[7];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = pre.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (got < 12) throw new InputError(file, 'truncated .npy header');
    headerLen = pre.readUInt32LE(8);
    start = 12;
  } else {
    throw new InputError(file, `unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are supported)`);
  }
  if (start + headerLen > fileSize)
    throw new InputError(file, `truncated .npy header: it says ${headerLen} bytes, the file has ${fileSize - start}`);
  const hbuf = Buffer.alloc(headerLen);
  fs.readSync(fd, hbuf, 0, headerLen, start);
  const text = hbuf.toString(major === 3 ? 'utf8' : 'latin1');
  const h = parseHeaderDict(file, text);
  return { version: `${major}.${minor}`, ...h, dataOffset: start + headerLen };
}

function parseHeaderDict(file: string, text: string): Omit<NpyHeader, 'version' | 'dataOffset'> {
  const bad = (what: string) => new InputError(file, `corrupted .npy header: ${what}`);
  const descrM = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  if (!descrM) {
    if (/['"]descr['"]\s*:\s*\[/.test(text))
      throw new InputError(
        file,
        'unsupported dtype: structured arrays (record dtypes) are not embeddings; save a plain 2-D float array',
      );
    throw bad("no 'descr'");
  }
  const fortM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortM) throw bad("no 'fortran_order'");
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeM) throw bad("no 'shape'");
  const shape = shapeM[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(v) || v < 0) throw bad(`shape entry '${s}'`);
      return v;
    });
  const descr = descrM[2];
  const dm = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  if (!dm) throw new InputError(file, `unsupported dtype '${descr}'`);
  const [, order, kindCh, sizeStr] = dm;
  const itemSize = Number(sizeStr);
  const kind = kindCh as NpyKind;
  const supported =
    (kind === 'f' && (itemSize === 2 || itemSize === 4 || itemSize === 8)) ||
    ((kind === 'i' || kind === 'u') && [1, 2, 4, 8].includes(itemSize)) ||
    (kind === 'b' && itemSize === 1);
  if (!supported) {
    const names: Record<string, string> = {
      c: 'complex',
      U: 'unicode string',
      S: 'byte string',
      O: 'Python object',
      M: 'datetime',
      m: 'timedelta',
      V: 'void',
    };
    const name = names[kindCh] ?? kindCh;
    throw new InputError(
      file,
      `unsupported dtype '${descr}' (${name}${kind === 'f' ? ` of ${itemSize} bytes` : ''}); supported: float16/32/64 and integer types`,
    );
  }
  // '|' means byte order does not apply (1-byte types); '=' is native, which numpy never writes but accept as
  // little-endian.
  const littleEndian = order !== '>';
  return { descr, kind, itemSize, littleEndian, fortranOrder: fortM[1] === 'True', shape };
}

/** Validates the shape and returns rows × cols, or throws a clear error. */
function matrixShape(file: string, shape: number[], opts: NpyReadOptions): [number, number] {
  if (shape.length === 0) throw new InputError(file, 'holds a single number (a 0-D array), not a matrix of embeddings');
  if (shape.length === 1) {
    throw new InputError(
      file,
      `is a 1-D array of ${shape[0]} values; embeddings must be a 2-D array (rows × dims) — reshape it, e.g. x.reshape(1, -1) for one vector`,
    );
  }
  let rows: number;
  let cols: number;
  if (shape.length === 2) {
    [rows, cols] = shape;
  } else {
    if (!opts.flattenLeading) throw new NpyNeedsFlatten(file, shape);
    cols = shape[shape.length - 1];
    rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  }
  if (rows === 0) throw new InputError(file, `has 0 rows (shape (${shape.join(', ')})): nothing to show`);
  if (cols === 0) throw new InputError(file, `has 0 dimensions per row (shape (${shape.join(', ')}))`);
  if (rows * cols > 2 ** 32 - 1)
    throw new InputError(file, `is too large for one float32 buffer (${rows} × ${cols} values)`);
  return [rows, cols];
}

export function readNpy(file: string, opts: NpyReadOptions = {}): NpyData {
  const fd = openReadOnly(file);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new InputError(file, 'is not a file (a directory or device cannot be read as .npy)');
    const size = stat.size;
    const header = readNpyHeader(file, fd, size);
    const [rows, cols] = matrixShape(file, header.shape, opts);
    const count = rows * cols;
    const needed = count * header.itemSize;
    const available = size - header.dataOffset;
    if (available < needed) {
      throw new InputError(
        file,
        `truncated: the header promises ${rows} × ${cols} values (${needed} bytes of data) but the file holds ${available} bytes`,
      );
    }
    const warnings: string[] = [];
    if (available > needed) warnings.push(`${available - needed} bytes after the array data were ignored`);
    if (header.fortranOrder && header.shape.length > 2) {
      throw new InputError(
        file,
        'Fortran-order arrays with more than 2 axes are not supported; save with np.ascontiguousarray first',
      );
    }
    const data = new Float32Array(count);
    const direct = header.kind === 'f' && header.itemSize === 4 && header.littleEndian && !header.fortranOrder;
    if (direct) {
      readFully(file, fd, new Uint8Array(data.buffer), header.dataOffset);
    } else {
      convertChunks(file, fd, header, rows, cols, data);
    }
    return { header, matrix: { rows, cols, data }, warnings };
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(file: string, fd: number, target: Uint8Array, position: number): void {
  let off = 0;
  // readSync caps one call near 2 GiB; loop in large slices.
  while (off < target.length) {
    const len = Math.min(target.length - off, 1 << 30);
    const n = fs.readSync(fd, target, off, len, position + off);
    if (n <= 0) throw new InputError(file, 'ended while being read (was it changed or truncated meanwhile?)');
    off += n;
  }
}

/**
 * Converts the file's values into `out` (row-major float32), one chunk at a time.
 * Fortran order is column-major on disk: value k is (row k % rows, col k / rows).
 */
function convertChunks(file: string, fd: number, h: NpyHeader, rows: number, cols: number, out: Float32Array): void {
  const total = rows * cols;
  const per = Math.max(1, Math.floor(CHUNK_BYTES / h.itemSize));
  const buf = Buffer.alloc(per * h.itemSize);
  const decode = decoder(h);
  const tmp = new Float32Array(per);
  for (let k0 = 0; k0 < total; k0 += per) {
    const cnt = Math.min(per, total - k0);
    const bytes = buf.subarray(0, cnt * h.itemSize);
    const n = fs.readSync(fd, bytes, 0, bytes.length, h.dataOffset + k0 * h.itemSize);
    if (n < bytes.length) throw new InputError(file, 'ended while being read (was it changed or truncated meanwhile?)');
    decode(bytes, tmp, cnt);
    if (!h.fortranOrder) {
      out.set(tmp.subarray(0, cnt), k0);
    } else {
      for (let t = 0; t < cnt; t++) {
        const k = k0 + t;
        const c = Math.floor(k / rows);
        const r = k - c * rows;
        out[r * cols + c] = tmp[t];
      }
    }
  }
}

type Decode = (bytes: Buffer, out: Float32Array, count: number) => void;

function decoder(h: NpyHeader): Decode {
  const le = h.littleEndian;
  const dv = (b: Buffer) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (`${h.kind}${h.itemSize}`) {
    case 'f2':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = HALF_TABLE[v.getUint16(2 * i, le)];
      };
    case 'f4':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, le);
      };
    case 'f8':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, le);
      };
    case 'i1':
      return (b, out, n) => {
        for (let i = 0; i < n; i++) out[i] = b.readInt8(i);
      };
    case 'u1':
    case 'b1':
      return (b, out, n) => {
        for (let i = 0; i < n; i++) out[i] = b[i];
      };
    case 'i2':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = v.getInt16(2 * i, le);
      };
    case 'u2':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = v.getUint16(2 * i, le);
      };
    case 'i4':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = v.getInt32(4 * i, le);
      };
    case 'u4':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = v.getUint32(4 * i, le);
      };
    case 'i8':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = bigIntToFloat32(v.getBigInt64(8 * i, le));
      };
    case 'u8':
      return (b, out, n) => {
        const v = dv(b);
        for (let i = 0; i < n; i++) out[i] = bigIntToFloat32(v.getBigUint64(8 * i, le));
      };
    default:
      throw new Error(`no decoder for ${h.descr}`);
  }
}

/**
 * A 64-bit integer rounded once to the nearest float32, as numpy's astype does.
 * Number(v) alone would round to float64 first and then again to float32, which
 * can land on the wrong neighbour above 2^53; below it Number(v) is exact.
 */
function bigIntToFloat32(v: bigint): number {
  const neg = v < 0n;
  let a = neg ? -v : v;
  if (a <= 9007199254740992n) return Number(v);
  // Keep 53 significant bits and fold every dropped bit into the lowest kept one
  // (a sticky bit), so the single rounding to float32 below sees ties correctly.
  const shift = BigInt(a.toString(2).length - 53);
  const dropped = a & ((1n << shift) - 1n);
  a = (a >> shift) | (dropped ? 1n : 0n);
  const r = Number(a) * 2 ** Number(shift);
  return neg ? -r : r;
}

/** IEEE 754 binary16 → float32 for all 65536 bit patterns (subnormals, ±inf and NaN included). */
const HALF_TABLE: Float32Array = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return t;
})();

/** Writes a little-endian float32 C-order .npy (version 1.0). Used for exports and tests. */
export function encodeNpy(data: Float32Array | Float64Array | Int32Array | Uint8Array, shape: number[]): Buffer {
  const descr =
    data instanceof Float32Array
      ? '<f4'
      : data instanceof Float64Array
        ? '<f8'
        : data instanceof Int32Array
          ? '<i4'
          : '|u1';
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // Pad so the data starts on a 64-byte boundary, as numpy does.
  const total = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Writes a .npy file (through writeFile.ts), refusing to replace an existing file unless `overwrite` is set. */
export function writeNpy(
  file: string,
  data: Float32Array | Float64Array | Int32Array | Uint8Array,
  shape: number[],
  overwrite = false,
): void {
  writeFileAtomic(file, encodeNpy(data, shape), { force: overwrite });
}
