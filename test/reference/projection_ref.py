"""Reference values for test/unit/projection*.test.ts (numpy / scikit-learn / umap-learn).

Usage (via test/unit/helpers/python.ts): projection_ref.py <workdir>; params.json has "op".
  quality: X (n×d), Y (n×m) -> trustworthiness (sklearn.manifold.trustworthiness), continuity
           (the same with the spaces swapped), knnRecall (NearestNeighbors in both spaces).
           For metric "cosine" the rows of X are L2-normalised and euclidean used throughout:
           the neighbour order is the same, and sklearn's continuity swap only does euclidean.
  fuzzy:   knn_indices/knn_dists (self excluded) -> umap-learn's fuzzy_simplicial_set weights
           as a dense n×n matrix (self prepended with distance 0, as umap-learn expects).
  tsne_p:  knn_indices/knn_dists -> scikit-learn's _joint_probabilities_nn P, dense n×n.
           With "ab": [[spread, min_dist], ...] also umap-learn's find_ab_params for each.
  knn:     X -> the k nearest rows of every row by cosine (self excluded, stable order), int32 n×k.
  hist2d:  Y (n×2), bins, range -> numpy.histogram2d counts (ny×nx, row = y bin) over that range.
  centroid_nn: X, rows (selected) -> the k rows nearest the mean of the selected unit rows by
           cosine, outside the selection, with their cosines.
"""
import json
import os
import sys

import numpy as np


def save(d, out, name, arr):
    np.save(os.path.join(d, name + ".npy"), np.ascontiguousarray(arr))
    out.setdefault("npy_outputs", []).append(name)


def quality(X, Y, k, metric):
    from sklearn.manifold import trustworthiness
    from sklearn.neighbors import NearestNeighbors

    X = X.astype(np.float64)
    Y = Y.astype(np.float64)
    if metric == "cosine":
        X = X / np.linalg.norm(X, axis=1, keepdims=True)
    t = trustworthiness(X, Y, n_neighbors=k)
    c = trustworthiness(Y, X, n_neighbors=k)
    nx = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(return_distance=False)
    ny = NearestNeighbors(n_neighbors=k).fit(Y).kneighbors(return_distance=False)
    recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(nx, ny)])
    return {"trustworthiness": float(t), "continuity": float(c), "knnRecall": float(recall)}


def main():
    d = sys.argv[1]
    p = json.load(open(os.path.join(d, "params.json")))
    load = lambda name: np.load(os.path.join(d, name + ".npy"))
    out = {}
    op = p["op"]
    if op == "quality":
        out = quality(load("X"), load("Y"), p["k"], p["metric"])
    elif op == "fuzzy":
        from umap.umap_ import fuzzy_simplicial_set

        idx = load("indices").astype(np.int64)
        dist = load("dists").astype(np.float32)
        n = idx.shape[0]
        idx = np.hstack([np.arange(n)[:, None], idx])
        dist = np.hstack([np.zeros((n, 1), np.float32), dist])
        G, _, _ = fuzzy_simplicial_set(np.zeros((n, 1)), idx.shape[1], 0, "euclidean", knn_indices=idx, knn_dists=dist)
        save(d, out, "W", G.toarray().astype(np.float64))
        from umap.umap_ import find_ab_params

        out["ab"] = [[float(v) for v in find_ab_params(s, m)] for s, m in p.get("ab", [])]
    elif op == "tsne_p":
        from scipy.sparse import csr_matrix
        from sklearn.manifold._t_sne import _joint_probabilities_nn

        idx = load("indices").astype(np.int64)
        dist = load("dists").astype(np.float64)
        n, k = idx.shape
        D = csr_matrix((dist.ravel(), idx.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))
        P = _joint_probabilities_nn(D, p["perplexity"], 0)
        save(d, out, "P", P.toarray().astype(np.float64))
    elif op == "knn":
        X = load("X").astype(np.float64)
        U = X / np.linalg.norm(X, axis=1, keepdims=True)
        S = U @ U.T
        np.fill_diagonal(S, -np.inf)
        idx = np.argsort(-S, axis=1, kind="stable")[:, : p["k"]]
        save(d, out, "I", idx.astype(np.int32))
    elif op == "hist2d":
        Y = load("Y").astype(np.float64)
        (x0, x1), (y0, y1) = p["range"]
        H, _, _ = np.histogram2d(Y[:, 1], Y[:, 0], bins=[p["ny"], p["nx"]], range=[[y0, y1], [x0, x1]])
        save(d, out, "H", H.astype(np.float64))
    elif op == "centroid_nn":
        X = load("X").astype(np.float64)
        sel = load("rows").astype(np.int64)
        U = X / np.linalg.norm(X, axis=1, keepdims=True)
        c = U[sel].mean(axis=0)
        cos = U @ c / np.linalg.norm(c)
        cos[sel] = -np.inf
        order = np.argsort(-cos, kind="stable")[: p["k"]]
        out = {"rows": [int(i) for i in order], "scores": [float(cos[i]) for i in order]}
    else:
        raise SystemExit(f"unknown op {op}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
