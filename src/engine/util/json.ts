/**
 * JSON for scripts (the CLI's stdout): typed arrays as plain arrays, and NaN and
 * ±Infinity as null, the documented CLI contract (JSON has no non-finite numbers).
 * The engine ↔ host channel keeps typed arrays and NaN instead (src/shared/wire.ts).
 */

/** `value` as JSON text; `indent` as JSON.stringify's (undefined: one line). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'number') return Number.isFinite(v) ? v : null;
      // The elements come back through this replacer, so their NaN becomes null too.
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    indent,
  );
}
