/**
 * A 180-byte WebAssembly kernel for Hamming distances: one query code against
 * every row, `dist[r] = Σ_w popcnt(q[w] XOR c[r][w])` over 64-bit words, using
 * WASM's native `i64.popcnt` (one POPCNT instruction on x86-64), which V8's JS
 * cannot express; it is what makes binary search faster than float search.
 *
 * Hand-assembled (no toolchain dependency). The function, in text format:
 *   (func $hamming (param $q i32) (param $c i32) (param $n i32) (param $w i32) (param $out i32)
 *     (local $r i32) (local $i i32) (local $s i64)
 *     block  local.get $n  i32.eqz  br_if 0
 *       loop $rows
 *         i64.const 0  local.set $s   i32.const 0  local.set $i
 *         loop $words
 *           local.get $s
 *           (i64.load (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 3))))
 *           (i64.load (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 3))))
 *           i64.xor  i64.popcnt  i64.add  local.set $s
 *           (br_if $words (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $w)))
 *         end
 *         (i64.store16 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 1))) (local.get $s))
 *         (local.set $c (i32.add (local.get $c) (i32.shl (local.get $w) (i32.const 3))))
 *         (br_if $rows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $n)))
 *       end
 *     end)
 * plus an exported, growable memory "mem". Requires w ≥ 1.
 */

const body = [
  0x02,
  0x40,
  0x20,
  0x02,
  0x45,
  0x0d,
  0x00, // block; n == 0 → exit
  0x03,
  0x40, // loop $rows
  0x42,
  0x00,
  0x21,
  0x07,
  0x41,
  0x00,
  0x21,
  0x06, // s = 0; i = 0
  0x03,
  0x40, // loop $words
  0x20,
  0x07,
  0x20,
  0x00,
  0x20,
  0x06,
  0x41,
  0x03,
  0x74,
  0x6a,
  0x29,
  0x03,
  0x00, // i64.load q + i*8
  0x20,
  0x01,
  0x20,
  0x06,
  0x41,
  0x03,
  0x74,
  0x6a,
  0x29,
  0x03,
  0x00, // i64.load c + i*8
  0x85,
  0x7b,
  0x7c,
  0x21,
  0x07, // xor, popcnt, add, s =
  0x20,
  0x06,
  0x41,
  0x01,
  0x6a,
  0x22,
  0x06,
  0x20,
  0x03,
  0x49,
  0x0d,
  0x00, // ++i < w → loop
  0x0b, // end $words
  0x20,
  0x04,
  0x20,
  0x05,
  0x41,
  0x01,
  0x74,
  0x6a,
  0x20,
  0x07,
  0x3d,
  0x01,
  0x00, // store16 out + r*2 = s
  0x20,
  0x01,
  0x20,
  0x03,
  0x41,
  0x03,
  0x74,
  0x6a,
  0x21,
  0x01, // c += w*8
  0x20,
  0x05,
  0x41,
  0x01,
  0x6a,
  0x22,
  0x05,
  0x20,
  0x02,
  0x49,
  0x0d,
  0x00, // ++r < n → loop
  0x0b, // end $rows
  0x0b, // end block
  0x0b, // end func
];
const locals = [0x02, 0x02, 0x7f, 0x01, 0x7e]; // 2 × i32, 1 × i64
const func = [...locals, ...body];

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}
function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const str = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

export const HAMMING_WASM = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]), // type: (i32 ×5) → ()
  ...section(3, [0x01, 0x00]), // one function of type 0
  ...section(5, [0x01, 0x00, 0x01]), // one memory, min 1 page, no max
  ...section(7, [0x02, ...str('mem'), 0x02, 0x00, ...str('hamming'), 0x00, 0x00]),
  ...section(10, [0x01, ...uleb(func.length), ...func]),
]);
