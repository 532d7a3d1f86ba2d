/**
 * The band reduction's panel QR (assembly/panelQr.ts: LAPACK dgeqr2 + dlarft with
 * 128-bit SIMD on a column-major panel) behind a typed handle. One handle serves every
 * panel of a reduction: its memory is sized for the tallest.
 */
import { instantiate, KernelExports } from './instance';
import { PANELQR_WASM } from './panelQrBinary';

interface PanelQrExports extends KernelExports {
  panelQr(src: number, r: number, b: number, P: number, tau: number, R: number, T: number, z: number): void;
}

export interface PanelQrResult {
  /** V column by column (column j at j·r, unit lower trapezoidal): Vᵀ row-major, b×r. */
  VT: Float64Array;
  /** b×b upper triangle with H₀H₁…H_{b−1} = I − V·T·Vᵀ. */
  T: Float64Array;
  /** b×b upper factor. */
  R: Float64Array;
}

/**
 * A panel QR for panels of at most `rMax` rows and `b` columns. The views it returns
 * are into the kernel's memory and valid until the next call.
 */
export function panelQrKernel(rMax: number, b: number): (src: Float64Array, row0: number, r: number) => PanelQrResult {
  const k = instantiate<PanelQrExports>(PANELQR_WASM, [rMax * b, rMax * b, b, b * b, b * b, b]);
  const [src, P, tau, R, T, z] = k.offsets;
  return (data, row0, r) => {
    if (r > rMax) throw new RangeError(`panel of ${r} rows, kernel sized for ${rMax}`);
    k.view(0).set(data.subarray(row0 * b, (row0 + r) * b));
    k.exports.panelQr(src, r, b, P, tau, R, T, z);
    return {
      VT: new Float64Array(k.exports.memory.buffer, P, r * b),
      T: k.view(4),
      R: k.view(3),
    };
  };
}
