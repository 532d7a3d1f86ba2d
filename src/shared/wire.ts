/**
 * The one array format of the host ↔ engine channel. Protocol types declare
 * typed arrays (`Float32Array`, `Float64Array`, `Int32Array`, …) wherever a field
 * holds numbers of data size; LSP messages are JSON, which has no typed arrays and
 * turns NaN and ±Infinity into null, so each typed array travels as
 * `{ $array: 'f32', base64, length }`: its little-endian bytes, every value
 * exactly as the sender held it (NaN, ±Infinity, −0, subnormals). Two places
 * apply the codec: the engine's request context (src/engine/handlers/context.ts)
 * and the host's EngineClient (src/host/engine.ts). Host → webview messages need
 * none: `webview.postMessage` keeps typed arrays as they are.
 *
 * Pure TypeScript (no Buffer, no DOM): the base64 below is the portable fallback;
 * Node callers pass their native one (`Buffer`), which is 10–30× faster.
 */

export type NumberArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

type WireArrayType = 'i8' | 'u8' | 'u8c' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'f64';

/** A typed array on the wire. */
export interface WireArray {
  $array: WireArrayType;
  /** The elements' little-endian bytes, base64 (RFC 4648, with padding). */
  base64: string;
  /** Number of elements. */
  length: number;
}

export interface Base64Codec {
  encode(bytes: Uint8Array): string;
  decode(text: string): Uint8Array;
}

type ArrayCtor = {
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): NumberArray;
  BYTES_PER_ELEMENT: number;
};

const TYPES: [WireArrayType, ArrayCtor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
  ['i32', Int32Array],
  ['u8', Uint8Array],
  ['i8', Int8Array],
  ['u8c', Uint8ClampedArray],
  ['i16', Int16Array],
  ['u16', Uint16Array],
  ['u32', Uint32Array],
];
const CTOR = new Map<string, ArrayCtor>(TYPES);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const VALUE = new Uint8Array(256).fill(255);
CODE.forEach((c, i) => (VALUE[c] = i));

/** Table-driven base64 in plain TypeScript (the fallback where no native one is given). */
export const portableBase64: Base64Codec = {
  encode(bytes) {
    const n = bytes.length;
    const full = n - (n % 3);
    const out = new Uint8Array(Math.ceil(n / 3) * 4);
    let o = 0;
    for (let i = 0; i < full; i += 3) {
      const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out[o++] = CODE[v >>> 18];
      out[o++] = CODE[(v >>> 12) & 63];
      out[o++] = CODE[(v >>> 6) & 63];
      out[o++] = CODE[v & 63];
    }
    if (n > full) {
      const v = (bytes[full] << 16) | (n - full === 2 ? bytes[full + 1] << 8 : 0);
      out[o++] = CODE[v >>> 18];
      out[o++] = CODE[(v >>> 12) & 63];
      out[o++] = n - full === 2 ? CODE[(v >>> 6) & 63] : 61;
      out[o] = 61;
    }
    // fromCharCode takes its arguments on the stack: a bounded chunk at a time.
    const parts: string[] = [];
    for (let i = 0; i < out.length; i += 0x8000)
      parts.push(String.fromCharCode.apply(null, out.subarray(i, i + 0x8000) as unknown as number[]));
    return parts.join('');
  },
  decode(text) {
    const len = text.length;
    if (len % 4 !== 0) throw new Error(`wire: base64 of length ${len} (not a multiple of 4)`);
    const pad = len === 0 ? 0 : text.charCodeAt(len - 1) !== 61 ? 0 : text.charCodeAt(len - 2) !== 61 ? 1 : 2;
    const out = new Uint8Array((len / 4) * 3 - pad);
    let o = 0;
    let bad = 0;
    for (let i = 0; i < len; i += 4) {
      const a = VALUE[text.charCodeAt(i)];
      const b = VALUE[text.charCodeAt(i + 1)];
      const last = i + 4 === len;
      const c = last && pad === 2 ? 0 : VALUE[text.charCodeAt(i + 2)];
      const d = last && pad >= 1 ? 0 : VALUE[text.charCodeAt(i + 3)];
      bad |= a | b | c | d;
      const v = (a << 18) | (b << 12) | (c << 6) | d;
      out[o++] = v >>> 16;
      if (o < out.length) out[o++] = (v >>> 8) & 255;
      if (o < out.length) out[o++] = v & 255;
    }
    // Every valid digit is < 64; 255 marks a character outside the alphabet.
    if (bad > 63) throw new Error('wire: a character outside the base64 alphabet');
    return out;
  },
};

function typeOf(a: ArrayBufferView): WireArrayType {
  for (const [t, C] of TYPES) if (a instanceof (C as unknown as typeof Uint8Array)) return t;
  throw new TypeError(`wire: ${a.constructor?.name ?? 'this view'} cannot travel (only number typed arrays)`);
}

/** The elements' bytes in little-endian order (a view when the machine is little-endian). */
function leBytes(a: NumberArray): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const size = a.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN || size === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j];
  return out;
}

function encodeArray(a: NumberArray, codec: Base64Codec): WireArray {
  return { $array: typeOf(a), base64: codec.encode(leBytes(a)), length: a.length };
}

function isWireArray(v: object): v is WireArray {
  const w = v as Partial<WireArray>;
  return typeof w.$array === 'string' && typeof w.base64 === 'string' && typeof w.length === 'number';
}

function decodeArray(w: WireArray, codec: Base64Codec): NumberArray {
  const C = CTOR.get(w.$array);
  if (!C) throw new Error(`wire: unknown array type '${w.$array}'`);
  const bytes = codec.decode(w.base64);
  const size = C.BYTES_PER_ELEMENT;
  if (bytes.length !== w.length * size)
    throw new Error(`wire: ${w.$array} array of ${w.length} elements arrived as ${bytes.length} bytes`);
  // Each array owns exactly its buffer: a native decoder may hand out a slice of a shared
  // pool (unaligned, and postMessage to a webview sends a view's whole buffer).
  let own = bytes;
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || (!LITTLE_ENDIAN && size > 1)) {
    own = new Uint8Array(bytes.length);
    if (LITTLE_ENDIAN) own.set(bytes);
    else
      for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) own[i + j] = bytes[i + size - 1 - j];
  }
  return new C(own.buffer as ArrayBuffer, own.byteOffset, w.length);
}

/**
 * `value` with every typed array in it (at any depth of plain objects and arrays)
 * replaced by its WireArray. What holds no typed array is returned as it is (the
 * same object), and `value` itself is never modified.
 */
export function encodeWire(value: unknown, codec: Base64Codec = portableBase64): unknown {
  return walk(value, (v) => (ArrayBuffer.isView(v) ? encodeArray(v as NumberArray, codec) : undefined));
}

/** The inverse of encodeWire: every WireArray in `value` becomes its typed array again. */
export function decodeWire(value: unknown, codec: Base64Codec = portableBase64): unknown {
  return walk(value, (v) => (isWireArray(v) ? decodeArray(v, codec) : undefined));
}

/** Copies only the path to what `leaf` replaces; `leaf` answers undefined to descend. */
function walk(value: unknown, leaf: (v: object) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const replaced = leaf(value);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const e: unknown = value[i];
      if (e === null || typeof e !== 'object') continue;
      const x = walk(e, leaf);
      if (x !== e) (out ??= value.slice())[i] = x;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const e = obj[k];
    if (e === null || typeof e !== 'object') continue;
    const x = walk(e, leaf);
    if (x !== e) (out ??= { ...obj })[k] = x;
  }
  return out ?? value;
}
