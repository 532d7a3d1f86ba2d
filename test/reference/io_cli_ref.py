"""numpy reference for `embedding-lens inspect` and `neighbors` on one .npy file.

usage: /usr/bin/python3 io_cli_ref.py WORK_DIR   (WORK_DIR/params.json: {"file", "rows", "k"})
prints {"inspect": {...}, "neighbors": {"<metric>:<row>": [[row, score], ...]}}.

Definitions (docs/definitions.md, "Overview" and "Neighbours"):
- nanRows: rows with any NaN/Inf; zeroRows: finite rows whose L2 norm is 0;
- duplicateRows: n_finite - len(np.unique(X_finite, axis=0));
- norm: min/max/mean/std (population, ddof=0) of float64 L2 norms over finite rows;
- neighbours: self excluded, best first, ties by lower row index; score = cosine
  similarity (rows with zero norm excluded), dot product, or euclidean distance.
Returns k + 5 neighbours so the test can recognise near-ties at the k-th place.
"""
import json
import os
import sys

import numpy as np

work = sys.argv[1]
params = json.load(open(os.path.join(work, "params.json")))
X32 = np.load(params["file"])
X = X32.astype(np.float64)
n, d = X.shape
finite = np.isfinite(X).all(axis=1)
norms = np.sqrt((np.where(finite[:, None], X, 0.0) ** 2).sum(axis=1))
fn = norms[finite]
inspect = {
    "rows": n,
    "dims": d,
    "nanRows": int(n - finite.sum()),
    "zeroRows": int((fn == 0).sum()),
    "duplicateRows": int(finite.sum() - len(np.unique(X32[finite], axis=0))),
    "norm": {"min": float(fn.min()), "max": float(fn.max()), "mean": float(fn.mean()), "std": float(fn.std(ddof=0))},
}

k = int(params["k"]) + 5
idx = np.arange(n)
out = {}
for metric in ["cosine", "dot", "euclidean"]:
    for q in params["rows"]:
        valid = finite.copy()
        valid[q] = False
        if metric == "cosine":
            valid &= norms > 0
            with np.errstate(invalid="ignore", divide="ignore"):
                s = (X @ X[q]) / (norms * norms[q])
            key = -s
        elif metric == "dot":
            s = X @ X[q]
            key = -s
        else:
            s = np.sqrt(((X - X[q]) ** 2).sum(axis=1))
            key = s
        cand = idx[valid]
        order = cand[np.lexsort((cand, key[cand]))][:k]
        out[f"{metric}:{q}"] = [[int(j), float(s[j])] for j in order]

print(json.dumps({"inspect": inspect, "neighbors": out}))
