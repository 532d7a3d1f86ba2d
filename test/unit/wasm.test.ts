/**
 * The WebAssembly kernels: each committed *Binary.ts module is what its AssemblyScript
 * source compiles to (so a kernel cannot be edited without regenerating it), and the
 * kernels agree with straightforward float64 references on shapes that exercise their
 * edge cases. Their numerical results in context (eigenvalues against numpy) are
 * tested in kernels.test.ts.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
// @ts-expect-error: an ES module script without type declarations
import { kernels, compile, moduleText, modulePath } from '../../scripts/build-wasm.mjs';
import { panelQrKernel } from '../../src/engine/wasm/panelQr';
import { packLowerBand, bandToTridiagonal } from '../../src/engine/kernels/band';
import { tridiagonalEigenvalues } from '../../src/engine/kernels/eigen';
import { Rng } from '../../src/engine/util/random';
import { slow } from './helpers/tier';

describe('WebAssembly kernels', { skip: slow() }, () => {
  test('every committed binary is its AssemblyScript source compiled (node scripts/build-wasm.mjs)', async () => {
    const names: string[] = kernels();
    assert.ok(names.length >= 2, `kernels found: ${names.join(', ')}`);
    for (const name of names) {
      const want: string = moduleText(name, await compile(name));
      const have = fs.readFileSync(modulePath(name), 'utf8');
      assert.equal(have, want, `${modulePath(name)} is stale: run node scripts/build-wasm.mjs`);
    }
  });

  test('panel QR: Q·R reproduces the panel and Q is orthogonal (tall, square-ish and short panels)', () => {
    const rng = new Rng(11);
    for (const [r, b] of [
      [40, 8],
      [9, 8],
      [5, 8],
      [1, 4],
    ]) {
      const src = Float64Array.from({ length: (r + 2) * b }, () => rng.next() - 0.5);
      const { VT, T, R } = panelQrKernel(r + 2, b)(src, 2, r);
      // Q = I − V·T·Vᵀ (r×r), V column j = VT[j·r ..].
      const V = (i: number, j: number) => VT[j * r + i];
      const VTt = new Float64Array(r * b); // V·T
      for (let i = 0; i < r; i++)
        for (let j = 0; j < b; j++) for (let k = 0; k <= j; k++) VTt[i * b + j] += V(i, k) * T[k * b + j];
      const Q = (i: number, k: number) => {
        let s = i === k ? 1 : 0;
        for (let j = 0; j < b; j++) s -= VTt[i * b + j] * V(k, j);
        return s;
      };
      const kmax = Math.min(r, b);
      for (let i = 0; i < r; i++) {
        for (let c = 0; c < b; c++) {
          let qr = 0;
          for (let k = 0; k < kmax; k++) if (k <= c) qr += Q(i, k) * R[k * b + c];
          assert.ok(
            Math.abs(qr - src[(2 + i) * b + c]) < 1e-13,
            `r=${r} b=${b}: (QR)[${i},${c}] = ${qr}, panel ${src[(2 + i) * b + c]}`,
          );
        }
        for (let k = 0; k < r; k++) {
          let qq = 0;
          for (let m = 0; m < r; m++) qq += Q(m, i) * Q(m, k);
          assert.ok(Math.abs(qq - (i === k ? 1 : 0)) < 1e-13, `r=${r} b=${b}: (QᵀQ)[${i},${k}] = ${qq}`);
        }
      }
    }
  });

  test('bulge chasing keeps the eigenvalues and leaves the band untouched (b = 2, 5 and d − 1)', () => {
    const rng = new Rng(5);
    const d = 37;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) a[i * d + j] = a[j * d + i] = rng.next() - 0.5;
    const want = tridiagonalEigenvalues(
      ...(Object.values(bandToTridiagonal(packLowerBand(a, d, d - 1))) as [Float64Array, Float64Array]),
    );
    // Trace and Frobenius norm are invariants of the full matrix: check the reference first.
    let tr = 0;
    let fro = 0;
    for (let i = 0; i < d; i++) tr += a[i * d + i];
    for (let i = 0; i < d * d; i++) fro += a[i] * a[i];
    assert.ok(Math.abs(want.reduce((s, x) => s + x, 0) - tr) < 1e-12);
    assert.ok(Math.abs(want.reduce((s, x) => s + x * x, 0) - fro) < 1e-12);
    for (const b of [2, 5]) {
      // A banded matrix: zero a's entries beyond the band, then compare with its dense one-stage result.
      const banded = Float64Array.from(a, (x, t) => (Math.abs(Math.floor(t / d) - (t % d)) > b ? 0 : x));
      const ref = tridiagonalEigenvalues(
        ...(Object.values(bandToTridiagonal(packLowerBand(banded, d, d - 1))) as [Float64Array, Float64Array]),
      );
      const band = packLowerBand(banded, d, b);
      const before = Float64Array.from(band.ab);
      const got = tridiagonalEigenvalues(...(Object.values(bandToTridiagonal(band)) as [Float64Array, Float64Array]));
      assert.deepEqual(band.ab, before, 'the input band is not modified');
      for (let i = 0; i < d; i++) assert.ok(Math.abs(got[i] - ref[i]) < 1e-12, `b=${b} λ${i}: ${got[i]} vs ${ref[i]}`);
    }
  });
});
