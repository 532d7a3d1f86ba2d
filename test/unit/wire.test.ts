/**
 * The channel's array format (src/shared/wire.ts): every typed-array kind survives
 * encode → JSON → decode bit for bit (NaN payloads, ±Inf, −0, subnormals, extremes),
 * at any depth, as views with offsets, empty, and with byte lengths that are not
 * multiples of 3; values without typed arrays pass through as the same objects; the
 * portable base64 equals Node's on every length; malformed input is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Base64Codec, decodeWire, encodeWire, NumberArray, portableBase64, WireArray } from '../../src/shared/wire';
import { throughJson } from './helpers/channel';

const NODE: Base64Codec = {
  encode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'),
  decode: (s) => Buffer.from(s, 'base64'),
};

/** encode → JSON text → decode, with the given codec at each end. */
function roundTrip(value: unknown, enc = portableBase64, dec = portableBase64): unknown {
  return decodeWire(throughJson(encodeWire(value, enc)), dec);
}

function bytesOf(a: NumberArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Same type, same length, same bytes (NaN payloads and −0 included). */
function assertSameArray(got: unknown, want: NumberArray, what: string): void {
  assert.ok(ArrayBuffer.isView(got), `${what}: a typed array`);
  const g = got as NumberArray;
  assert.equal(g.constructor, want.constructor, `${what}: ${want.constructor.name}`);
  assert.equal(g.length, want.length, `${what}: length`);
  assert.deepEqual(bytesOf(g), bytesOf(want), `${what}: bytes`);
}

const f32Special = (() => {
  const a = new Float32Array(9);
  const u = new Uint32Array(a.buffer);
  a.set([NaN, Infinity, -Infinity, -0, 1.401298464324817e-45, 1.1754942106924411e-38, 3.4028234663852886e38]);
  u[7] = 0x7fc00123; // a NaN with a payload
  u[8] = 0xffffffff; // a negative NaN
  return a;
})();
const f64Special = (() => {
  const a = new Float64Array(8);
  const u = new Uint32Array(a.buffer);
  a.set([NaN, Infinity, -Infinity, -0, 5e-324, 2.2250738585072e-308, Number.MAX_VALUE]);
  u[14] = 0xdeadbeef; // low word of a NaN with a payload
  u[15] = 0x7ff80000;
  return a;
})();

const KINDS: NumberArray[] = [
  f32Special,
  f64Special,
  Int32Array.of(-2147483648, -1, 0, 1, 2147483647),
  Uint8Array.of(0, 1, 127, 128, 255),
  Int8Array.of(-128, -1, 0, 127),
  Uint8ClampedArray.of(0, 200, 255),
  Int16Array.of(-32768, -1, 0, 32767),
  Uint16Array.of(0, 1, 65535),
  Uint32Array.of(0, 1, 4294967295),
];

test('every typed-array kind survives encode → JSON → decode bit for bit', () => {
  for (const a of KINDS) {
    assertSameArray(roundTrip(a), a, a.constructor.name);
    assertSameArray(roundTrip(a, NODE, NODE), a, `${a.constructor.name} with Node's base64`);
    assertSameArray(roundTrip(a, portableBase64, NODE), a, `${a.constructor.name}, portable → Node`);
    assertSameArray(roundTrip(a, NODE, portableBase64), a, `${a.constructor.name}, Node → portable`);
    assertSameArray(roundTrip(a.subarray(0, 0)), a.subarray(0, 0), `empty ${a.constructor.name}`);
  }
  // The tag on the wire: type, element count and base64 of the little-endian bytes.
  const w = encodeWire(Float32Array.of(1, NaN)) as WireArray;
  assert.deepEqual(w, {
    $array: 'f32',
    length: 2,
    base64: Buffer.from([0, 0, 128, 63, 0, 0, 192, 127]).toString('base64'),
  });
  // Plain JSON is what this replaces: it loses NaN and ±Inf, and makes a typed array an object.
  assert.deepEqual(throughJson([NaN, Infinity]), [null, null]);
  assert.deepEqual(throughJson(Float32Array.of(1)), { 0: 1 });
});

test('byte lengths 0…20 (every remainder mod 3) and views with offsets', () => {
  const all = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255);
  for (let n = 0; n <= 20; n++) {
    for (const off of [0, 1, 5]) {
      const v = all.subarray(off, off + n);
      assert.equal(portableBase64.encode(v), NODE.encode(v), `base64 of ${n} bytes at offset ${off}`);
      assert.deepEqual(portableBase64.decode(NODE.encode(v)), new Uint8Array(v), `decode of ${n} bytes`);
      assertSameArray(roundTrip(v), v, `${n} bytes at offset ${off}`);
    }
  }
  // A float view into a larger buffer sends only its own elements, and decodes owning exactly them.
  const big = Float32Array.from({ length: 100 }, (_, i) => i / 7);
  const got = roundTrip(big.subarray(33, 40)) as Float32Array;
  assertSameArray(got, big.subarray(33, 40), 'float32 view');
  assert.equal(got.buffer.byteLength, 7 * 4, 'the decoded array owns a buffer of its own size');
  // Node's decoder hands out slices of a shared pool: the decoded array still owns its buffer.
  const pooled = roundTrip(Float64Array.of(1, 2, 3), NODE, NODE) as Float64Array;
  assert.equal(pooled.byteOffset, 0);
  assert.equal(pooled.buffer.byteLength, 24);
});

test('typed arrays nested in objects and arrays are restored; everything else is untouched', () => {
  const value = {
    name: 'x',
    n: 3,
    ok: true,
    missing: null,
    list: [1, 'two', null, { deep: [Int32Array.of(-1, 2)] }],
    nested: { coords: Float32Array.of(NaN, 1), rows: [Float64Array.of(-Infinity), Uint8Array.of(1)] },
    cells: [['a', 1, null]],
  };
  const got = roundTrip(value) as typeof value;
  assert.deepEqual(got, value);
  assertSameArray(got.nested.coords, value.nested.coords, 'nested coords');
  assertSameArray(
    (got.list[3] as { deep: Int32Array[] }).deep[0],
    Int32Array.of(-1, 2),
    'array in an object in an array',
  );

  // Copy on write: the input is not modified, and branches without typed arrays are the same objects.
  const enc = encodeWire(value) as typeof value;
  assert.ok(value.nested.coords instanceof Float32Array, 'the input keeps its typed arrays');
  assert.notEqual(enc, value);
  assert.equal(enc.cells, value.cells, 'a branch without typed arrays is passed as it is');
  const plain = { a: [1, 2, { b: 'c' }], d: null, e: [[]] };
  assert.equal(encodeWire(plain), plain, 'a value without typed arrays is returned unchanged');
  assert.equal(decodeWire(plain), plain);
  for (const v of [undefined, null, 0, 'text', true, [], {}]) {
    assert.equal(encodeWire(v), v);
    assert.equal(decodeWire(v), v);
  }
});

test('what cannot travel, or arrives malformed, is refused with a clear error', () => {
  assert.throws(() => encodeWire({ a: new BigInt64Array(2) }), /BigInt64Array cannot travel/);
  assert.throws(() => encodeWire(new DataView(new ArrayBuffer(4))), /DataView cannot travel/);
  const good = encodeWire(Float32Array.of(1, 2)) as WireArray;
  assert.throws(() => decodeWire({ ...good, $array: 'f16' }), /unknown array type 'f16'/);
  assert.throws(() => decodeWire({ ...good, length: 3 }), /f32 array of 3 elements arrived as 8 bytes/);
  assert.throws(() => decodeWire({ ...good, base64: 'AAAA*AAA' }), /outside the base64 alphabet/);
  assert.throws(() => decodeWire({ ...good, base64: 'AAAAA' }), /not a multiple of 4/);
});

test('portable base64 of a large buffer equals Node’s', () => {
  const a = Float32Array.from({ length: 300_001 }, (_, i) => Math.sin(i) * 1e3);
  const bytes = bytesOf(a);
  const s = portableBase64.encode(bytes);
  assert.equal(s, NODE.encode(bytes));
  assert.deepEqual(portableBase64.decode(s), bytes);
});
