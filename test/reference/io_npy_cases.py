"""Writes .npy files with numpy itself, one per layout the reader must handle,
and beside each the float32 C-order array numpy says it holds.

usage: /usr/bin/python3 io_npy_cases.py OUT_DIR
prints {"cases": [{"name", "file", "expected", "shape", "flatten"}...]} as JSON.

`expected` is `arr.reshape(rows, cols).astype(np.float32)` (C order, '<f4'):
numpy's own cast, so the reader's conversion of every dtype is checked against
an independent implementation (rounding of f8 and of int64 above 2**53, f16
subnormals/inf/nan, byte order, Fortran order).
"""
import json
import os
import sys

import warnings

import numpy as np

warnings.simplefilter("ignore")  # float16 overflow to inf is wanted here

out = sys.argv[1]
rng = np.random.default_rng(1234)
cases = []


def save(name, arr, version=None, flatten=False, bad=False):
    path = os.path.join(out, name + ".npy")
    with open(path, "wb") as f:
        if version is None:
            np.save(f, arr)
        else:
            np.lib.format.write_array(f, arr, version=version)
    entry = {"name": name, "file": path, "shape": list(arr.shape), "flatten": flatten}
    if not bad:
        rows = int(np.prod(arr.shape[:-1]))
        exp = np.ascontiguousarray(arr.reshape(rows, arr.shape[-1]).astype(np.float32))
        epath = os.path.join(out, name + ".expected.npy")
        np.save(epath, exp.astype("<f4"))
        entry["expected"] = epath
    cases.append(entry)


def float_values(shape):
    x = rng.standard_normal(shape) * 3.0
    x.flat[0] = 0.0
    x.flat[1] = -0.0
    x.flat[2] = 1e-8  # subnormal in float16
    x.flat[3] = 70000.0  # overflows float16 to inf
    return x


def int_values(dtype, shape):
    info = np.iinfo(dtype)
    x = rng.integers(info.min, info.max, size=shape, dtype=dtype.newbyteorder("="), endpoint=True).astype(dtype)
    x.flat[0] = info.min
    x.flat[1] = info.max
    return x


shape = (7, 5)
for kind in ["f2", "f4", "f8"]:
    for order in ["<", ">"]:
        save(f"float_{order == '<' and 'le' or 'be'}_{kind}", float_values(shape).astype(order + kind))
for kind in ["i1", "u1"]:
    save(f"int_{kind}", int_values(np.dtype(kind), shape))
for kind in ["i2", "i4", "i8", "u2", "u4", "u8"]:
    for order in ["<", ">"]:
        save(f"int_{order == '<' and 'le' or 'be'}_{kind}", int_values(np.dtype(order + kind), shape))
save("bool", rng.integers(0, 2, size=shape).astype(bool))

# 64-bit integers whose float32 rounding differs from rounding via float64 first.
big = np.array([[2**53 + 1, 2**60 + 2**36 + 1, -(2**62) - 2**38 - 3, 2**63 - 1, 2**24 + 1]], dtype="<i8")
save("int_i8_beyond_2_53", np.repeat(big, 3, axis=0))
save("int_u8_beyond_2_53", np.array([[2**64 - 1, 2**53 + 3, 2**63 + 2**39 + 1]] * 2, dtype="<u8"))

for kind in ["<f4", ">f8", "<i2"]:
    a = np.asfortranarray(float_values((6, 4)).astype(kind) if kind[1] == "f" else int_values(np.dtype(kind), (6, 4)))
    save(f"fortran_{kind[1:]}_{kind[0] == '<' and 'le' or 'be'}", a)

for v in [(1, 0), (2, 0), (3, 0)]:
    save(f"version_{v[0]}_0", float_values((4, 3)).astype("<f4"), version=v)

nan = float_values((6, 4)).astype("<f4")
nan[1, 2] = np.nan
nan[3, :] = np.nan
nan[4, 0] = np.inf
save("nan_rows", nan)

save("three_d", float_values((2, 3, 4)).astype("<f4"), flatten=True)
save("three_d_f8_be", float_values((3, 2, 5)).astype(">f8"), flatten=True)
save("one_d", float_values((5,)).astype("<f4"), bad=True)
save("zero_rows", np.zeros((0, 5), dtype="<f4"), bad=True)
save("zero_d", np.array(3.0, dtype="<f4"), bad=True)
save("fortran_three_d", np.asfortranarray(float_values((2, 3, 4)).astype("<f4")), bad=True)
save("complex", (float_values((3, 2)) + 1j).astype("<c8"), bad=True)
save("strings", np.array([["a", "b"], ["c", "d"]]), bad=True)
save("structured", np.zeros((3, 2), dtype=[("a", "<f4"), ("b", "<i4")]), bad=True)

print(json.dumps({"cases": cases, "numpy": np.__version__}))
