"""Reference for the compression explorer (src/engine/analysis/compression).

Computes, with numpy/scikit-learn on the same data and the same query sample,
recall@k of each compressed search against exact full-precision search (self
excluded, ties by the lower row index via a stable sort):
  pca        sklearn PCA(m, svd_solver='full').fit_transform(X), searched with the metric
  truncate   X[:, :m]
  int8       per-dimension min/max, u = round((x - lo) / ((hi - lo) / 255)), dequantised lo + scale*u
  int8-raw   the known bug: dot product of the signed codes u - 128
  pca+int8   int8 of the PCA coordinates
  binary     np.packbits(x > 0) and popcount of the XOR (Hamming), stable order
  binary+rescore  the top r*k Hamming candidates re-scored exactly in float64

Protocol: see test/unit/helpers/python.ts. Inputs X.npy (n x d float32), sample.npy
(int32 query rows); params {k, metric, configs: [{method, dims, rescore}]}.
Outputs JSON {results: [{method, dims, rescore, recall}], int8_codes_head, ...}.
"""
import json
import os
import sys

import numpy as np
from sklearn.decomposition import PCA

POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def scores(Q, C, metric):
    """Score matrix (higher is better) of query rows Q against corpus C, float64."""
    Q = Q.astype(np.float64)
    C = C.astype(np.float64)
    if metric == "cosine":
        Q = Q / np.linalg.norm(Q, axis=1, keepdims=True)
        C = C / np.linalg.norm(C, axis=1, keepdims=True)
        return Q @ C.T
    if metric == "dot":
        return Q @ C.T
    d2 = (Q * Q).sum(1)[:, None] + (C * C).sum(1)[None, :] - 2 * Q @ C.T
    return -d2


def topk(S, sample, k):
    S = S.copy()
    S[np.arange(len(sample)), sample] = -np.inf
    return np.argsort(-S, axis=1, kind="stable")[:, :k]


def recall(A, B, k):
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(A, B)]))


def int8_codes(Z):
    Z = Z.astype(np.float64)
    lo = Z.min(0)
    scale = (Z.max(0) - lo) / 255
    safe = np.where(scale > 0, scale, 1)
    u = np.where(scale > 0, np.clip(np.round((Z - lo) / safe), 0, 255), 0)
    return u, lo, scale


def hamming(bits, sample):
    packed = np.packbits(bits, axis=1)
    return np.stack([POP8[np.bitwise_xor(packed[i], packed)].sum(1) for i in sample]), packed


def main():
    work = sys.argv[1]
    p = json.load(open(os.path.join(work, "params.json")))
    X = np.load(os.path.join(work, "X.npy"))
    sample = np.load(os.path.join(work, "sample.npy")).astype(np.int64)
    k, metric = p["k"], p["metric"]
    exact = topk(scores(X[sample], X, metric), sample, k)
    out = {"results": []}
    pcas = {}
    for c in p["configs"]:
        m, method = c["dims"], c["method"]
        if method in ("pca", "pca+int8"):
            if m not in pcas:
                pcas[m] = PCA(n_components=m, svd_solver="full").fit_transform(X.astype(np.float64))
            Z = pcas[m]
        if method == "float32":
            got = exact
        elif method == "pca":
            got = topk(scores(Z[sample], Z, metric), sample, k)
        elif method == "truncate":
            Z = X[:, :m]
            got = topk(scores(Z[sample], Z, metric), sample, k)
        elif method in ("int8", "pca+int8"):
            u, lo, scale = int8_codes(X if method == "int8" else Z)
            D = lo + scale * u
            got = topk(scores(D[sample], D, metric), sample, k)
            if method == "int8":
                out["int8_codes_sum"] = float(u.sum())
                out["int8_codes_head"] = u[:4].ravel().tolist()
        elif method == "int8-raw":
            u, _, _ = int8_codes(X)
            R = u - 128
            got = topk(scores(R[sample], R, "dot"), sample, k)
        elif method in ("binary", "binary+rescore"):
            H, packed = hamming(X > 0, sample)
            out["packbits_head"] = packed[:4].ravel().tolist()
            out["hamming_head"] = H[:3].ravel().tolist()
            H = H.astype(np.float64)
            H[np.arange(len(sample)), sample] = np.inf
            order = np.argsort(H, axis=1, kind="stable")
            if method == "binary":
                got = order[:, :k]
            else:
                cand = order[:, : c["rescore"] * k]
                got = []
                for qi, q in enumerate(sample):
                    s = scores(X[q : q + 1], X[cand[qi]], metric)[0]
                    o = np.lexsort((cand[qi], -s))
                    got.append(cand[qi][o[:k]])
                got = np.array(got)
        else:
            raise ValueError(method)
        out["results"].append({"method": method, "dims": m, "rescore": c.get("rescore"), "recall": recall(exact, got, k)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
