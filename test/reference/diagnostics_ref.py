"""Reference values for the geometry diagnostics, computed independently with
numpy / scipy / scikit-learn (Debian's /usr/bin/python3).

Two ways to run it:
  diagnostics_ref.py WORKDIR          test protocol (test/unit/helpers/python.ts): WORKDIR holds X.npy
                                      and params.json; prints one JSON object.
  diagnostics_ref.py --npy FILE [--k 10] [--metric cosine|euclidean] [--float32]
                                      the same quantities on a file, with per-part timings (bench/).

Definitions follow docs/definitions.md. Everything here is written
from the definitions, not from the TypeScript code: SVD instead of Gram
eigenvalues, explicit all-but-the-top / whitening of the data instead of
coordinates, sklearn/scipy where they implement the quantity.
"""
import json
import os
import sys
import time

import numpy as np
import scipy.special
import scipy.stats
from sklearn.decomposition import PCA

T = {}


def timed(name):
    class _T:
        def __enter__(self):
            self.t = time.perf_counter()

        def __exit__(self, *a):
            T[name] = T.get(name, 0) + time.perf_counter() - self.t

    return _T()


# ---------------------------------------------------------------- rank

def entropy_rank(s, eps=0.0):
    p = np.abs(s) / np.abs(s).sum() + eps
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def rank_section(X):
    n, d = X.shape
    s_raw = np.linalg.svd(X, compute_uv=False)
    s_c = np.linalg.svd(X - X.mean(0), compute_uv=False)
    lam = np.zeros(d)
    lam[: len(s_c)] = s_c ** 2 / max(1, n - 1)
    cum = np.cumsum(lam) / lam.sum()
    return {
        "singularValues": s_raw.tolist(),
        "rankMe": entropy_rank(s_raw, 1e-7),
        "effectiveRank": entropy_rank(s_c),
        "dims90": int(np.searchsorted(cum, 0.9) + 1),
        "dims95": int(np.searchsorted(cum, 0.95) + 1),
        "participationRatio": float(lam.sum() ** 2 / (lam ** 2).sum()),
    }, lam


# ---------------------------------------------------------------- neighbours

def knn(Q, C, k, kind, exclude_self=True, block=2048, dtype=np.float64, exclude_zero=False):
    """k best rows of C for each row of Q; ties by lower index (stable sort). kind: dot|cosine|euclidean.
    Zero rows of C are never neighbours under cosine, nor under the others with exclude_zero."""
    Q = Q.astype(dtype)
    C = C.astype(dtype)
    if kind == "cosine":
        cn = np.linalg.norm(C, axis=1)
        qn = np.linalg.norm(Q, axis=1)
        C = C / np.where(cn > 0, cn, 1)[:, None]
        Q = Q / np.where(qn > 0, qn, 1)[:, None]
        bad = cn == 0
    else:
        bad = (np.linalg.norm(C, axis=1) == 0) if exclude_zero else np.zeros(len(C), bool)
    c2 = (C * C).sum(1)
    idx = np.empty((len(Q), k), np.int64)
    val = np.empty((len(Q), k))
    for b0 in range(0, len(Q), block):
        S = Q[b0:b0 + block] @ C.T
        if kind == "euclidean":
            S = -(c2[None, :] - 2 * S + (Q[b0:b0 + block] ** 2).sum(1)[:, None])
        S[:, bad] = -np.inf
        if exclude_self:
            S[np.arange(S.shape[0]), np.arange(b0, b0 + S.shape[0])] = -np.inf
        if S.shape[1] > 4 * k + 8:
            part = np.argpartition(-S, k + 4, axis=1)[:, : k + 5]
            sv = np.take_along_axis(S, part, 1)
            o = np.lexsort((part, -sv), axis=1)[:, :k]
            I = np.take_along_axis(part, o, 1)
        else:
            I = np.argsort(-S, axis=1, kind="stable")[:, :k]
        idx[b0:b0 + block] = I
        V = np.take_along_axis(S, I, 1)
        val[b0:b0 + block] = np.sqrt(np.maximum(-V, 0)) if kind == "euclidean" else V
    return idx, val


# ---------------------------------------------------------------- intrinsic dimension

def twonn_2024(r1, r2, discard=0.1):
    N = len(r1)
    mu = np.sort(r2 / r1)[: int(N * (1 - discard))]
    F = np.arange(1, len(mu) + 1) / N
    x, y = np.log(mu), -np.log(1 - F)
    from sklearn.linear_model import LinearRegression

    return float(LinearRegression(fit_intercept=False).fit(x[:, None], y).coef_[0])


def mle_harmonic(dist, k):
    T = dist[:, :k]
    local = (k - 1) / np.log(T[:, k - 1:k] / T[:, : k - 1]).sum(1)
    return float(1 / np.mean(1 / local)), local


def id_section(X, metric, k=20, discard=0.1, dtype=np.float64):
    Y = X
    if metric == "cosine":
        nr = np.linalg.norm(X, axis=1)
        Y = (X[nr > 0] / nr[nr > 0][:, None]).astype(np.float32)
    _, first = np.unique(Y, axis=0, return_index=True)
    U = Y[np.sort(first)]
    kk = min(k, len(U) - 1)
    idx, val = knn(U, U, max(kk, 2), "cosine" if metric == "cosine" else "euclidean", dtype=dtype)
    dist = np.sqrt(np.maximum(2 - 2 * val, 0)) if metric == "cosine" else val
    g, _ = mle_harmonic(dist, kk)
    return {"twoNN": twonn_2024(dist[:, 0], dist[:, 1], discard), "mle": g, "duplicatesRemoved": int(len(Y) - len(U)), "mleK": kk}


# ---------------------------------------------------------------- isotropy

def isoscore_official(X):
    """Port of the IsoScore reference code (Rudman et al. 2022), zero-padded when n < d."""
    n, d = X.shape
    if n > d:
        P = PCA(n_components=d).fit_transform(X)
        diag = np.cov(P.T)[np.diag_indices(d)]
    else:
        diag = np.zeros(d)
        s = np.linalg.svd(X - X.mean(0), compute_uv=False)
        diag[: len(s)] = s ** 2 / (n - 1)
    diag = np.sqrt(d) / np.linalg.norm(diag) * diag
    defect = np.linalg.norm(diag - np.ones(d)) / np.sqrt(2 * (d - np.sqrt(d)))
    return float(((d - defect ** 2 * (d - np.sqrt(d))) ** 2 - d) / (d * (d - 1)))


def mean_cos_explicit(X):
    nr = np.linalg.norm(X, axis=1)
    Xn = X[nr > 0] / nr[nr > 0][:, None]
    n = len(Xn)
    if n <= 6000:
        S = Xn @ Xn.T
        return float((S.sum() - np.trace(S)) / (n * (n - 1)))
    s = Xn.sum(0)
    return float((s @ s - (Xn * Xn).sum()) / (n * (n - 1)))


def partition_isotropy(X, basis=None):
    """I(W) = min Z(c) / max Z(c) (Mu & Viswanath 2018) over c = ± the eigenvectors of the covariance with
    non-zero variance (README convention), applied to the rows as given. Both signs: an eigenvector's sign is
    arbitrary (LAPACK picks one) while the paper's min/max run over all unit c."""
    if basis is None:
        lam, U = np.linalg.eigh(np.cov(X.T))
        U = U[:, lam > max(lam.max() * 1e-10, 1e-300)]
    else:
        U = basis
    P = X @ U
    logZ = scipy.special.logsumexp(np.hstack([P, -P]), axis=0)
    return float(np.exp(logZ.min() - logZ.max()))


def isotropy_section(X, D=None):
    n, d = X.shape
    nr = np.linalg.norm(X, axis=1)
    Xn = X[nr > 0] / nr[nr > 0][:, None]
    m = len(Xn)
    cc = (Xn.sum(0) ** 2 - (Xn ** 2).sum(0)) / (m * (m - 1))
    var = X.var(0, ddof=1)
    # Mu & Viswanath's d/100, with d the directions the rows can vary in: min(d, n − 1).
    D = D if D is not None else max(1, int(np.floor(min(d, n - 1) / 100 + 0.5)))  # half up, as JS Math.round
    mu = X.mean(0)
    Xc = X - mu
    lam, U = np.linalg.eigh(np.cov(X.T))
    lam, U = lam[::-1], U[:, ::-1]
    Xa = Xc - (Xc @ U[:, :D]) @ U[:, :D].T
    keep = lam > max(lam[0] * 1e-10, 1e-300)
    Xw = (Xc @ U[:, keep]) / np.sqrt(lam[keep])
    wpad = np.zeros((n, d))
    wpad[:, : Xw.shape[1]] = Xw
    # After all-but-the-top the data is centred: the eigenvectors of its XᵀX are the covariance's.
    return {
        "meanCosine": mean_cos_explicit(X),
        "cosineContributions": cc.tolist(),
        "topDim": int(np.argmax(cc)),
        "topShare": float(cc.max() / cc.sum()),
        "isoScore": isoscore_official(X),
        "partitionIsotropy": partition_isotropy(X),
        "outlierDimensions": np.nonzero(var >= 5 * var.mean())[0].tolist(),
        "abtt": {"D": D, "meanCosine": mean_cos_explicit(Xa), "isoScore": isoscore_official(Xa), "partitionIsotropy": partition_isotropy(Xa, U)},
        "whitening": {"meanCosine": mean_cos_explicit(Xw), "isoScore": isoscore_official(wpad),
                      "partitionIsotropy": partition_isotropy(Xw, np.eye(Xw.shape[1]))},
    }


# ---------------------------------------------------------------- hubness

def hub_stats(idx, n, k, valid):
    occ = np.bincount(idx[valid][:, :k].ravel(), minlength=n)[valid]
    return {
        "skewness": float(scipy.stats.skew(occ)),
        "robinHood": float(np.abs(occ - k).sum() / (2 * occ.sum())),
        "antihubShare": float((occ == 0).mean()),
        "hubOccurrence": float(occ[occ >= 2 * k].sum() / (k * len(occ))),
        "maxOccurrence": int(occ.max()),
    }, occ


def rerank(idx, score, k):
    """Keep the k candidates with the smallest score, ties by lower index."""
    o = np.lexsort((idx, score), axis=1)[:, :k]
    return np.take_along_axis(idx, o, 1)


def hubness_section(X, metric, k=10, factor=3, dtype=np.float64, mp_sample=2000):
    n = len(X)
    nr = np.linalg.norm(X, axis=1)
    valid = nr > 0 if metric == "cosine" else np.ones(n, bool)
    Kc = min(k * factor, int(valid.sum()) - 1)
    idx, val = knn(X, X, Kc, metric, dtype=dtype)
    out, _ = hub_stats(idx, n, k, valid)
    dist = 1 - val if metric == "cosine" else val
    # Mutual proximity's Gaussians: each row's distances to all other usable rows (Schnitzer et al.
    # 2012), or to a random sample of mp_sample of them on large data (bench).
    vi = np.nonzero(valid)[0]
    S = vi if len(vi) <= mp_sample + 1 else np.sort(np.random.default_rng(0).choice(vi, mp_sample, replace=False))
    Xd = X.astype(np.float64)
    if metric == "cosine":
        Xd = Xd / np.where(nr > 0, nr, 1)[:, None]
    sq = (Xd * Xd).sum(1)
    mu = np.zeros(n); sd = np.zeros(n)
    for b0 in range(0, len(vi), 2048):
        rows = vi[b0:b0 + 2048]
        G = Xd[rows] @ Xd[S].T
        D = 1 - G if metric == "cosine" else np.sqrt(np.maximum(sq[rows][:, None] + sq[S][None, :] - 2 * G, 0))
        self_ = rows[:, None] == S[None, :]
        D = np.ma.masked_array(D, self_)
        mu[rows] = D.mean(1).filled(0); sd[rows] = D.std(1).filled(0)
    sf_i = scipy.stats.norm.sf(dist, mu[:, None], sd[:, None])
    sf_j = scipy.stats.norm.sf(dist, mu[idx], sd[idx])
    out["mutualProximity"], _ = hub_stats(rerank(idx, 1 - sf_i * sf_j, k), n, k, valid)
    sim = -dist
    r = sim[:, :10].mean(1)
    out["csls"], _ = hub_stats(rerank(idx, -(2 * sim - r[idx]), k), n, k, valid)
    return out


# ---------------------------------------------------------------- cosine versus dot

def cos_dot_section(X, k=10, dtype=np.float64):
    """Zero rows are in neither ranking and no query; k lowered to the usable rows - 1 when fewer."""
    nr = np.linalg.norm(X.astype(np.float64), axis=1)
    valid = nr > 0
    k = max(1, min(k, int(valid.sum()) - 1))
    ic, _ = knn(X, X, k, "cosine", dtype=dtype)
    idt, _ = knn(X, X, k, "dot", dtype=dtype, exclude_zero=True)
    # The dot ranking with zero rows left in: how many queries would have had one in their top k.
    iz, _ = knn(X, X, k, "dot", dtype=dtype)
    j = []
    ov = []
    for i in np.nonzero(valid)[0]:
        a, b = set(ic[i]), set(idt[i])
        j.append(len(a & b) / len(a | b))
        ov.append(len(a & b) / k)
    return {"normCv": float(nr.std() / nr.mean()), "topkJaccard": float(np.mean(j)), "topkOverlap": float(np.mean(ov)),
            "k": k, "zeroInDotTopk": int(sum((~valid[iz[i]]).any() for i in np.nonzero(valid)[0]))}


def spearman_queries(X, queries):
    nr = np.linalg.norm(X.astype(np.float64), axis=1)
    out = []
    for q in queries:
        m = (np.arange(len(X)) != q) & (nr > 0)
        dot = X[m].astype(np.float64) @ X[q].astype(np.float64)
        out.append(scipy.stats.spearmanr(dot, dot / (nr[q] * nr[m])).correlation)
    return float(np.mean(out))


def rescale_jaccard(X, queries, scale, k):
    Xs = X.astype(np.float64) * scale
    # exclude the query itself: ask for k+1 and drop it
    ia, _ = knn(Xs[queries], Xs, k + 1, "cosine", exclude_self=False)
    ib, _ = knn(X[queries], X, k + 1, "cosine", exclude_self=False)
    js = []
    for t, q in enumerate(queries):
        a = [x for x in ib[t] if x != q][:k]
        b = [x for x in ia[t] if x != q][:k]
        js.append(len(set(a) & set(b)) / len(set(a) | set(b)))
    return float(np.mean(js))


# ---------------------------------------------------------------- main

def run_all(X, p, dtype):
    X = X[np.isfinite(X).all(1)]
    X64 = X.astype(np.float64)
    k = p.get("k", 10)
    metric = p.get("metric")
    out = {}
    with timed("rank"):
        out["rank"], _ = rank_section(X64)
    with timed("isotropy"):
        out["isotropy"] = isotropy_section(X64, p.get("D"))
    with timed("intrinsicDimension"):
        out["intrinsicDimension"] = id_section(X, metric or "euclidean", p.get("mleK", 20), p.get("discard", 0.1), dtype)
    with timed("hubness"):
        out["hubness"] = hubness_section(X, metric or "cosine", k, dtype=dtype)
    with timed("cosineVsDot"):
        out["cosineVsDot"] = cos_dot_section(X, k, dtype)
    with timed("cosineVsDot"):
        if "queries" in p:
            out["spearman"] = spearman_queries(X, np.array(p["queries"]))
        if "scale" in p:
            out["rescaleJaccard"] = rescale_jaccard(X, np.array(p["rescaleQueries"]), np.array(p["scale"]), k)
    return out


def main():
    if sys.argv[1] == "--npy":
        import argparse

        ap = argparse.ArgumentParser()
        ap.add_argument("--npy")
        ap.add_argument("--k", type=int, default=10)
        ap.add_argument("--metric", default=None)
        ap.add_argument("--float32", action="store_true")
        a = ap.parse_args()
        t0 = time.perf_counter()
        X = np.load(a.npy)
        T["load"] = time.perf_counter() - t0
        # The engine's sampled parts: Spearman over 50 query rows, rescaling over 500 (seeded here with numpy).
        rng = np.random.default_rng(0)
        fin = np.isfinite(X).all(1)
        valid = np.nonzero(np.linalg.norm(X[fin].astype(np.float64), axis=1) > 0)[0]
        p = {"k": a.k, "metric": a.metric,
             "queries": rng.choice(valid, min(50, len(valid)), replace=False).tolist(),
             "rescaleQueries": rng.choice(valid, min(500, len(valid)), replace=False).tolist(),
             "scale": np.exp(0.5 * rng.standard_normal(X.shape[1])).tolist()}
        out = run_all(X, p, np.float32 if a.float32 else np.float64)
        out["rank"].pop("singularValues")
        out["isotropy"].pop("cosineContributions")
        out["seconds"] = time.perf_counter() - t0
        out["timings"] = T
        import resource
        out["maxRssMB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return
    wd = sys.argv[1]
    p = json.load(open(os.path.join(wd, "params.json")))
    X = np.load(os.path.join(wd, "X.npy"))
    if p.get("only") == "cosdot":
        print(json.dumps(cos_dot_section(X, p.get("k", 10))))
        return
    if p.get("only") == "twonn":
        print(json.dumps({"twoNN": twonn_2024(X[:, 0], X[:, 1], p.get("discard", 0.1))}))
        return
    print(json.dumps(run_all(X, p, np.float64), default=float).replace("NaN", "null"))


if __name__ == "__main__":
    main()
