/**
 * Instances of the engine's WebAssembly kernels (assembly/*.ts, compiled into *Binary.ts
 * by scripts/build-wasm.mjs). A kernel works on float64 arrays laid out one after another
 * in its linear memory; `instantiate` compiles the module once per process, makes a fresh
 * instance with memory for the arrays, and hands out their offsets and views.
 *
 * One instance per task (a band, a band reduction), dropped with it: a WebAssembly memory
 * never shrinks, so a shared instance would keep the largest task it ever held.
 */

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
}

export interface KernelInstance<E extends KernelExports> {
  exports: E;
  /** Byte offset of array i. */
  offsets: number[];
  /** A float64 view of array i (its whole length). */
  view(i: number): Float64Array;
}

const modules = new Map<string, WebAssembly.Module>();
const PAGE = 65536;

/** A fresh instance of the kernel with float64 arrays of the given lengths (16-byte aligned). */
export function instantiate<E extends KernelExports>(base64: string, lengths: number[]): KernelInstance<E> {
  let mod = modules.get(base64);
  if (!mod) {
    mod = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    modules.set(base64, mod);
  }
  const exports = new WebAssembly.Instance(mod, {}).exports as unknown as E;
  const offsets: number[] = [];
  let at = exports.heapBase();
  for (const n of lengths) {
    offsets.push(at);
    at += Math.ceil((8 * Math.max(1, n)) / 16) * 16;
  }
  const have = exports.memory.buffer.byteLength;
  if (at > have) exports.memory.grow(Math.ceil((at - have) / PAGE));
  return {
    exports,
    offsets,
    view: (i) => new Float64Array(exports.memory.buffer, offsets[i], lengths[i]),
  };
}
