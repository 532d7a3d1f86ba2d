"""Reference for the compression explorer (src/engine/analysis/compression).

Computes, with numpy/scikit-learn on the same data and the same query sample,
recall@k = mean over queries of |E ∩ A| / |E| of each compressed search A against
exact full-precision search E (self excluded, ties by the lower row index via a
stable sort; |E| = k unless the file has fewer other rows):
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
    """Score matrix (higher is better) of query rows Q against corpus C, float64; -inf where
    cosine is undefined (a zero query or corpus row)."""
    Q = Q.astype(np.float64)
    C = C.astype(np.float64)
    if metric == "cosine":
        qn = np.linalg.norm(Q, axis=1, keepdims=True)
        cn = np.linalg.norm(C, axis=1, keepdims=True)
        S = (Q / np.where(qn > 0, qn, 1)) @ (C / np.where(cn > 0, cn, 1)).T
        S[qn[:, 0] == 0, :] = -np.inf
        S[:, cn[:, 0] == 0] = -np.inf
        return S
    if metric == "dot":
        return Q @ C.T
    d2 = (Q * Q).sum(1)[:, None] + (C * C).sum(1)[None, :] - 2 * Q @ C.T
    return -d2


def topk(S, sample, k):
    """Each query's best k rows, self and undefined scores left out: shorter lists when fewer exist."""
    S = S.copy()
    S[np.arange(len(sample)), sample] = -np.inf
    order = np.argsort(-S, axis=1, kind="stable")
    return [o[np.isfinite(S[i, o])][:k] for i, o in enumerate(order)]


def recall(A, B, k):
    """Mean over queries with an exact neighbour of |E ∩ A| / |E| (|E| = k unless fewer rows exist)."""
    return float(np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(A, B) if len(a)]))


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
            order = [o[o != q] for o, q in zip(order, sample)]
            if method == "binary":
                got = [o[:k] for o in order]
            else:
                cand = [o[: c["rescore"] * k] for o in order]
                got = []
                for qi, q in enumerate(sample):
                    s = scores(X[q : q + 1], X[cand[qi]], metric)[0]
                    o = np.lexsort((cand[qi], -s))
                    got.append(cand[qi][o[:k]])
        else:
            raise ValueError(method)
        out["results"].append({"method": method, "dims": m, "rescore": c.get("rescore"), "recall": recall(exact, got, k)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
