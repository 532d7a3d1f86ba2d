/**
 * The CLI's JSON (src/engine/util/json.ts): typed arrays print as plain arrays with
 * NaN/±Infinity as null, at any depth; everything else prints exactly as
 * JSON.stringify with the CLI's former non-finite → null replacer did.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJson } from '../../src/engine/util/json';

/** What the CLI printed before results held typed arrays. */
const before = (v: unknown, indent?: number) =>
  JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), indent);

test('typed arrays become plain arrays, non-finite values null', () => {
  const value = {
    coords: Float32Array.of(1.5, NaN, -Infinity),
    nested: [{ ranks: Int32Array.of(-1, 2) }, Float64Array.of(Infinity, 0.1, -0)],
    bytes: Uint8Array.of(0, 255),
    empty: new Float32Array(0),
    mean: NaN,
  };
  assert.deepEqual(JSON.parse(toJson(value)), {
    coords: [1.5, null, null],
    nested: [{ ranks: [-1, 2] }, [null, 0.1, 0]],
    bytes: [0, 255],
    empty: [],
    mean: null,
  });
  // float64 values print with all their digits, float32 ones as the doubles they are.
  assert.equal(toJson(Float64Array.of(0.1)), '[0.1]');
  assert.equal(toJson(Float32Array.of(0.1)), '[0.10000000149011612]');
  // The same text as the plain arrays would give, indented or not.
  const plain = { coords: [1.5, null, null], list: [[1, 2]] };
  const typed = { coords: Float32Array.of(1.5, NaN, Infinity), list: [Int32Array.of(1, 2)] };
  assert.equal(toJson(typed, 2), JSON.stringify(plain, null, 2));
  assert.equal(toJson(typed), JSON.stringify(plain));
});

test('values without typed arrays print as before', () => {
  const value = { a: 1, b: [NaN, 'x', null, { c: -Infinity }], d: undefined, e: true, f: 'NaN' };
  assert.equal(toJson(value, 2), before(value, 2));
  assert.equal(toJson(value), before(value));
  assert.equal(toJson([]), '[]');
});
