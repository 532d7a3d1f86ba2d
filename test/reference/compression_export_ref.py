"""Reference for the compression export (src/engine/analysis/compression/export.ts).

Loads the .npy files the engine wrote with np.load (so numpy must be able to
read them) and compares each with numpy/scikit-learn computing the same array
on the same data:
  pcaMean        sklearn PCA(m, svd_solver='full').fit(X).mean_
  pcaComponents  PCA.components_, each row's sign flipped so its largest |loading|
                 is positive (the engine's documented convention; svd_flip in
                 scikit-learn 1.2 decides signs on U instead, so it is fixed here)
  matrix         pca: (X - mean_) @ components_.T; truncate: X[:, :m];
                 int8 / pca+int8: round((z - min) / ((max - min) / 255)) as uint8;
                 binary: np.packbits(X > 0, axis=1)
  int8Offset / int8Scale   per-dimension min and (max - min) / 255 of what was quantised

Inputs X.npy; params {method, dims, files: {role: path}}.
Output {arrays: {role: {dtype, shape, max_abs_diff, max_abs_ref, mismatches}}}.
"""
import json
import os
import sys

import numpy as np
from sklearn.decomposition import PCA


def int8(Z):
    lo = Z.min(0)
    scale = (Z.max(0) - lo) / 255
    safe = np.where(scale > 0, scale, 1)
    u = np.where(scale > 0, np.clip(np.round((Z - lo) / safe), 0, 255), 0).astype(np.uint8)
    return u, lo, scale


def main():
    work = sys.argv[1]
    p = json.load(open(os.path.join(work, "params.json")))
    X = np.load(os.path.join(work, "X.npy"))
    X64 = X.astype(np.float64)
    method, m = p["method"], p["dims"]
    ref = {}
    Z = X64
    if method in ("pca", "pca+int8"):
        pca = PCA(n_components=m, svd_solver="full").fit(X64)
        comps = pca.components_.copy()
        for r in range(m):
            if comps[r, np.argmax(np.abs(comps[r]))] < 0:
                comps[r] = -comps[r]
        ref["pcaMean"] = pca.mean_
        ref["pcaComponents"] = comps
        Z = (X64 - pca.mean_) @ comps.T
        ref["matrix"] = Z.astype(np.float32)
    elif method == "truncate":
        ref["matrix"] = X[:, :m]
    if method in ("int8", "pca+int8"):
        u, lo, scale = int8(Z)
        ref["matrix"], ref["int8Offset"], ref["int8Scale"] = u, lo, scale
    elif method in ("binary", "binary+rescore"):
        ref["matrix"] = np.packbits(X > 0, axis=1)

    out = {}
    for role, path in p["files"].items():
        got = np.load(path, allow_pickle=False)
        want = ref[role]
        entry = {"dtype": got.dtype.str, "shape": list(got.shape), "ref_dtype": want.dtype.str, "ref_shape": list(want.shape)}
        if got.shape == want.shape:
            diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
            entry["max_abs_diff"] = float(diff.max()) if diff.size else 0.0
            entry["max_abs_ref"] = float(np.abs(want.astype(np.float64)).max()) if want.size else 0.0
            entry["mismatches"] = int((diff > 0).sum())
            entry["size"] = int(diff.size)
        out[role] = entry
    print(json.dumps({"arrays": out}))


if __name__ == "__main__":
    main()
