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
const heapBases = new Map<WebAssembly.Module, number>();

/** The compiled module (once per process). */
export function kernelModule(base64: string): WebAssembly.Module {
  let mod = modules.get(base64);
  if (!mod) {
    mod = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    modules.set(base64, mod);
  }
  return mod;
}

export interface KernelLayout {
  module: WebAssembly.Module;
  /** Byte offset of array i. */
  offsets: number[];
  /** Bytes of linear memory the arrays need. */
  bytes: number;
}

/** Where float64 arrays of the given lengths go (16-byte aligned, after the module's static data). */
export function kernelLayout(base64: string, lengths: number[]): KernelLayout {
  const module = kernelModule(base64);
  let base = heapBases.get(module);
  if (base === undefined) {
    base = (new WebAssembly.Instance(module, {}).exports as unknown as KernelExports).heapBase();
    heapBases.set(module, base);
  }
  const offsets: number[] = [];
  let at = base;
  for (const n of lengths) {
    offsets.push(at);
    at += Math.ceil((8 * Math.max(1, n)) / 16) * 16;
  }
  return { module, offsets, bytes: at };
}

/** Grows a kernel's memory to at least `bytes`. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

/** A fresh instance of the kernel with float64 arrays of the given lengths. */
export function instantiate<E extends KernelExports>(base64: string, lengths: number[]): KernelInstance<E> {
  const { module, offsets, bytes } = kernelLayout(base64, lengths);
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as E;
  ensureMemory(exports.memory, bytes);
  return {
    exports,
    offsets,
    view: (i) => new Float64Array(exports.memory.buffer, offsets[i], lengths[i]),
  };
}
