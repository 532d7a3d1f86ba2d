"""Embeddings for the Parquet reader tests, generated and saved by numpy.

usage: /usr/bin/python3 io_parquet_data.py OUT_DIR
writes X32.npy (float32, with a NaN row and a zero row), X64.npy (float64) and
X64_as_f32.npy (numpy's float64 -> float32 cast of X64: what the reader must return
for a list<double> column); prints {"rows", "dims"} as JSON.
"""
import json
import os
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
n, d = 3000, 12  # more rows than one DuckDB chunk (2048)
x64 = rng.standard_normal((n, d)) * np.exp(rng.standard_normal((n, 1)))
x32 = x64.astype(np.float32)
x32[5] = np.nan
x32[6] = 0.0
np.save(os.path.join(out, "X32.npy"), x32)
np.save(os.path.join(out, "X64.npy"), x64)
np.save(os.path.join(out, "X64_as_f32.npy"), x64.astype(np.float32))
print(json.dumps({"rows": n, "dims": d}))
