/** Assertions shared by the reader and CLI tests. */
import assert from 'node:assert/strict';
import { InputError } from '../../../src/engine/util/errors';

/**
 * `got` (float32) equals `expected` (float32 values held as float64) value for value:
 * same bits up to NaN payload, so -0 vs 0 and every rounding difference fail.
 */
export function assertSameFloat32(got: Float32Array, expected: ArrayLike<number>, what: string): void {
  assert.equal(got.length, expected.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const e = Math.fround(expected[i]);
    if (Number.isNaN(e) && Number.isNaN(got[i])) continue;
    if (!Object.is(got[i], e)) assert.fail(`${what}: value ${i} is ${got[i]}, numpy says ${e}`);
  }
}

/** `fn` throws an InputError whose one-line message starts with the file's name and matches `problem`. */
export function assertInputError(fn: () => unknown, fileName: string, problem: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${(e as Error)?.stack ?? String(e)}`);
    assert.ok(e.message.startsWith(`${fileName}: `), `message should name ${fileName}: ${e.message}`);
    assert.match(e.problem, problem);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return true;
  });
}

/** Async version of assertInputError. */
export async function assertRejectsInput(
  fn: () => Promise<unknown>,
  fileName: string,
  problem: RegExp,
): Promise<InputError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InputError, `expected an InputError, got ${(caught as Error)?.stack ?? String(caught)}`);
  assert.ok(caught.message.startsWith(`${fileName}: `), `message should name ${fileName}: ${caught.message}`);
  assert.match(caught.problem, problem);
  assert.ok(!caught.message.includes('\n'), `one line: ${caught.message}`);
  return caught;
}
