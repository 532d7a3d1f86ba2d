"""Reference values for test/unit/kernels*.test.ts, computed with numpy/scipy/scikit-learn.

Usage (via test/unit/helpers/python.ts): kernels_ref.py <workdir>; params.json says which op.
Inputs are <name>.npy in workdir; outputs are .npy files listed in the printed JSON.
All reference arithmetic is float64 on the float32 inputs, so it is independent of our
float32 GEMM blocking and exact up to float64 rounding.
"""
import json
import os
import sys

import numpy as np


def save(d, out, name, arr):
    np.save(os.path.join(d, name + ".npy"), np.ascontiguousarray(arr))
    out.setdefault("npy_outputs", []).append(name)


def knn(X, Q, metric, k, exclude_self):
    """Exact k-NN in float64: scores, ties by lower index (stable lexsort)."""
    X = X.astype(np.float64)
    Q = X if Q is None else Q.astype(np.float64)
    xn = np.sqrt((X * X).sum(1))
    qn = np.sqrt((Q * Q).sum(1))
    idx = np.full((len(Q), k), -1, np.int64)
    sc = np.full((len(Q), k), np.nan)
    for s in range(0, len(Q), 1024):
        q = Q[s:s + 1024]
        if metric == "euclidean":
            S = np.sqrt(np.maximum(((q[:, None, :] - X[None, :, :]) ** 2).sum(2), 0)) if X.shape[1] <= 8 else None
            if S is None:
                S = np.sqrt(np.maximum(qn[s:s + 1024, None] ** 2 + xn[None, :] ** 2 - 2 * q @ X.T, 0))
            key = S
        else:
            S = q @ X.T
            if metric == "cosine":
                with np.errstate(divide="ignore", invalid="ignore"):
                    S = S / (qn[s:s + 1024, None] * xn[None, :])
            key = -S
        key = np.where(np.isfinite(key), key, np.inf)
        if metric == "cosine":
            key[:, xn == 0] = np.inf
        if exclude_self:
            key[np.arange(len(q)), np.arange(s, s + len(q))] = np.inf
        for i in range(len(q)):
            cand = np.argpartition(key[i], min(k + 20, len(X) - 1))[: k + 21] if len(X) > k + 21 else np.arange(len(X))
            order = cand[np.lexsort((cand, key[i, cand]))]
            order = order[np.isfinite(key[i, order])][:k]
            idx[s + i, : len(order)] = order
            sc[s + i, : len(order)] = S[i, order]
    return idx, sc


def exact_euclid_rescore(X, Q, idx):
    """Euclidean distances recomputed as ||q - x|| (no cancellation) for the chosen pairs."""
    X = X.astype(np.float64)
    Q = X if Q is None else Q.astype(np.float64)
    out = np.full(idx.shape, np.nan)
    ok = idx >= 0
    rows, cols = np.nonzero(ok)
    out[rows, cols] = np.sqrt(((Q[rows] - X[idx[rows, cols]]) ** 2).sum(1))
    return out


def main():
    d = sys.argv[1]
    p = json.load(open(os.path.join(d, "params.json")))
    load = lambda n: np.load(os.path.join(d, n + ".npy"))
    op = p["op"]
    out = {}
    if op == "knn":
        X = load("X")
        Q = load("Q") if p.get("queries") else None
        idx, sc = knn(X, Q, p["metric"], p["k"], p.get("exclude_self", True))
        if p["metric"] == "euclidean":
            sc = exact_euclid_rescore(X, Q, idx)
        save(d, out, "indices", idx)
        save(d, out, "scores", sc)
    elif op == "eigvalsh":
        A = load("A").astype(np.float64)
        save(d, out, "values", np.linalg.eigvalsh(A)[::-1])
    elif op == "eigh":
        A = load("A").astype(np.float64)
        w, V = np.linalg.eigh(A)
        save(d, out, "values", w[::-1])
        save(d, out, "vectors", V[:, ::-1].T[: p["m"]])
    elif op == "subspace":
        # Our top-m eigenvectors (rows of V) against numpy's eigh: largest principal angle
        # (scipy.linalg.subspace_angles) and per-vector |cos| (meaningful where the gap is clear).
        import scipy.linalg
        A = load("A").astype(np.float64)
        V = load("V").astype(np.float64)
        m = V.shape[0]
        w, E = np.linalg.eigh(A)
        E = E[:, ::-1][:, :m]
        out["max_angle"] = float(scipy.linalg.subspace_angles(V.T, E).max())
        save(d, out, "cos", np.abs((V * E.T).sum(1)) / np.linalg.norm(V, axis=1))
        save(d, out, "values", w[::-1])
    elif op == "moments":
        X = load("X").astype(np.float64)
        X = X[np.isfinite(X).all(1)]
        save(d, out, "mean", X.mean(0))
        save(d, out, "cov", np.cov(X, rowvar=False, ddof=1))
        save(d, out, "gram", X.T @ X)
    elif op == "pca_angles":
        # Our components (m×d) against scikit-learn's exact PCA, by principal angles.
        import scipy.linalg
        from sklearn.decomposition import PCA
        X = load("X").astype(np.float64)
        ours = load("components").astype(np.float64)
        m = ours.shape[0]
        pca = PCA(n_components=m, svd_solver="full").fit(X)
        ang = scipy.linalg.subspace_angles(ours.T, pca.components_.T)
        out["max_angle"] = float(ang.max())
        # per-component angle (sign-free), for well-separated eigenvalues
        cos = np.abs((ours * pca.components_).sum(1)) / np.linalg.norm(ours, axis=1)
        save(d, out, "component_cos", cos)
        save(d, out, "explained_variance", pca.explained_variance_)
        lam = np.linalg.eigvalsh(np.cov(X, rowvar=False))[::-1] if X.shape[1] <= 4096 else None
        if lam is not None:
            save(d, out, "eigenvalues", lam)
        out["mean_max_abs"] = float(np.abs(pca.mean_).max())
        save(d, out, "mean", pca.mean_)
    elif op == "svals":
        X = load("X").astype(np.float64)
        if p.get("center"):
            X = X - X.mean(0)
        s = np.linalg.svd(X, compute_uv=False)
        lam = np.zeros(X.shape[1])
        lam[: len(s)] = s ** 2
        save(d, out, "values", lam)
    else:
        raise SystemExit("unknown op " + op)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
