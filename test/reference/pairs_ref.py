"""Reference values for the pairs analyses (modality gap, neural collapse,
comparing two spaces), computed with numpy / scipy / scikit-learn on the same
arrays the engine sees. Protocol: test/unit/helpers/python.ts.

params.task:
  gap      X (n×d), a, b (row ids of the groups), pa, pb (matched rows), folds (fold id per
           classifier row, rows = a then b): L2M, RMG, retrieval, closed-gap retrieval,
           sklearn cross_val_score(LogisticRegression(C=1)) on exactly those folds
           (PredefinedSplit): the per-fold accuracies and their mean.
  sums     a, lengths: np.sum of each prefix a[:L] (numpy's pairwise summation order).
  logreg   X, y, C, optional folds: LogisticRegression coefficients and intercept; with folds
           the per-fold accuracies of cross_val_score, their mean and the pooled accuracy.
  collapse X, y (int labels), optional W (C×d), bias: NC1 with np.linalg.pinv, tr Sw/tr Sb,
           equinorm, equiangularity, NCM accuracy, k-NN accuracy (sklearn), NC3, NC4.
  compare  X, Y, k, queries, anchors: linear CKA (features), debiased CKA (Gram matrices,
           Kornblith's notebook), mutual k-NN, per-row Jaccard, Procrustes via
           scipy.linalg.orthogonal_procrustes and scipy.spatial.procrustes, retrieval,
           relative representations.
"""
import json
import os
import sys

import numpy as np
import scipy.linalg
import scipy.spatial
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import PredefinedSplit, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.decomposition import PCA

d = sys.argv[1]
P = json.load(open(os.path.join(d, 'params.json')))


def load(name):
    p = os.path.join(d, name + '.npy')
    return np.load(p) if os.path.exists(p) else None


def unit(M):
    return M / np.linalg.norm(M, axis=1, keepdims=True)


def retrieval(Q, C, target=None):
    """Cosine ranks of the matched candidate: 1 + #candidates scoring strictly higher."""
    S = unit(Q) @ unit(C).T
    t = np.arange(len(Q)) if target is None else np.asarray(target)
    ts = S[np.arange(len(Q)), t]
    r = 1 + (S > ts[:, None]).sum(1)
    return {'top1': float((r == 1).mean()), 'meanRank': float(r.mean())}


def gap():
    X = load('X').astype(np.float64)
    a = load('a').astype(int)
    b = load('b').astype(int)
    U = unit(X)
    mA = U[a].mean(0)
    mB = U[b].mean(0)
    g = mA - mB
    out = {'l2m': float(np.linalg.norm(g))}

    def intra(rows):
        S = U[rows] @ U[rows].T
        n = len(rows)
        return float(((1 - S)[~np.eye(n, dtype=bool)] / 2).mean())

    out['intraA'] = intra(a)
    out['intraB'] = intra(b)
    pa = load('pa')
    if pa is not None:
        pa = pa.astype(int)
        pb = load('pb').astype(int)
        M = float(((1 - (U[pa] * U[pb]).sum(1)) / 2).mean())
        out['matchedDistance'] = M
        out['rmg'] = M / (M + (out['intraA'] + out['intraB']) / 2)
        out['aToB'] = retrieval(U[pa], U[pb])
        out['bToA'] = retrieval(U[pb], U[pa])
        QA = U[pa] - g / 2
        QB = U[pb] + g / 2
        out['closedAToB'] = retrieval(QA, QB)
        out['closedBToA'] = retrieval(QB, QA)
    folds = load('folds')
    if folds is not None:
        folds = folds.astype(int)
        rows = np.concatenate([load('sa').astype(int), load('sb').astype(int)])
        y = np.r_[np.zeros(len(load('sa'))), np.ones(len(load('sb')))]
        scores = cross_val_score(
            LogisticRegression(C=1.0, max_iter=10000, tol=1e-10), U[rows], y, cv=PredefinedSplit(folds)
        )
        out['foldAccuracy'] = scores.tolist()
        out['separability'] = float(scores.mean())
    dims = np.argsort(-np.abs(g), kind='stable')[:10]
    out['gapDims'] = [int(j) for j in dims]
    return out


def collapse():
    X = load('X').astype(np.float64)
    y = load('y').astype(int)
    k = int(P.get('k', 10))
    classes = np.unique(y)
    C = len(classes)
    N, dd = X.shape
    mu_G = X.mean(0)
    means = np.stack([X[y == c].mean(0) for c in classes])
    Sw = np.zeros((dd, dd))
    for i, c in enumerate(classes):
        R = X[y == c] - means[i]
        Sw += R.T @ R
    Sw /= N
    M = means - mu_G
    Sb = M.T @ M / C
    # Papyan et al.'s reference code: scipy pinv of Sb with rank C-1 (relative cutoff).
    eig = np.linalg.eigvalsh(Sb)
    rcond = 1e-10
    nc1 = float(np.trace(Sw @ np.linalg.pinv(Sb, rcond=rcond, hermitian=True)) / C)
    norms = np.linalg.norm(M, axis=1)
    cos = (M @ M.T) / np.outer(norms, norms)
    off = ~np.eye(C, dtype=bool)
    out = {
        'nc1': nc1,
        'withinBetweenRatio': float(np.trace(Sw) / np.trace(Sb)),
        'equinorm': float(norms.std() / norms.mean()),
        'equiangularity': float(np.abs(cos[off] + 1 / (C - 1)).mean()),
        'meanCosine': float(cos[off].mean()),
        'cos': cos.ravel().tolist(),
        'sbRank': int((eig > eig.max() * 1e-10).sum()),
    }
    D = ((X[:, None, :] - means[None, :, :]) ** 2).sum(-1) if N * C * dd < 5e7 else None
    if D is None:
        D = (X ** 2).sum(1)[:, None] - 2 * X @ means.T + (means ** 2).sum(1)[None, :]
    ncm = classes[np.argmin(D, axis=1)]
    out['ncmAccuracy'] = float((ncm == y).mean())
    # Leave-one-out k-NN: k+1 neighbours of each training row, self dropped.
    knn = KNeighborsClassifier(n_neighbors=k + 1, algorithm='brute').fit(X, y)
    dist, idx = knn.kneighbors(X)
    correct = 0
    for i in range(N):
        nb = [j for j in idx[i] if j != i][:k]
        votes = np.bincount(y[nb], minlength=classes.max() + 1)
        correct += int(np.argmax(votes) == y[i])
    out['knnAccuracy'] = correct / N
    W = load('W')
    if W is not None:
        W = W.astype(np.float64)
        bias = load('bias')
        logits = X @ W.T + (bias.astype(np.float64) if bias is not None else 0)
        pred = np.argmax(logits, axis=1)
        Wc = W[classes]
        out['nc3'] = float(np.linalg.norm(Wc / np.linalg.norm(Wc) - M / np.linalg.norm(M)) ** 2)
        out['nc4'] = float((pred != ncm).mean())
        out['classifierAccuracy'] = float((pred == y).mean())
    return out


def linear_cka(X, Y):
    X = X - X.mean(0)
    Y = Y - Y.mean(0)
    return float(np.linalg.norm(Y.T @ X) ** 2 / (np.linalg.norm(X.T @ X) * np.linalg.norm(Y.T @ Y)))


def center_gram(G, unbiased):
    # Kornblith et al.'s notebook (google-research/representation_similarity).
    G = G.copy()
    if unbiased:
        n = G.shape[0]
        np.fill_diagonal(G, 0)
        means = np.sum(G, 0) / (n - 2)
        means -= np.sum(means) / (2 * (n - 1))
        G -= means[:, None]
        G -= means[None, :]
        np.fill_diagonal(G, 0)
    else:
        means = np.mean(G, 0)
        means -= np.mean(means) / 2
        G -= means[:, None]
        G -= means[None, :]
    return G


def cka_gram(gx, gy, debiased):
    gx = center_gram(gx, debiased)
    gy = center_gram(gy, debiased)
    s = gx.ravel().dot(gy.ravel())
    return float(s / (np.linalg.norm(gx) * np.linalg.norm(gy)))


def knn_sets(M, k):
    U = unit(M)
    S = U @ U.T
    np.fill_diagonal(S, -np.inf)
    # stable: ties by lower index
    return np.argsort(-S, axis=1, kind='stable')[:, :k]


def compare():
    X = load('X').astype(np.float64)
    Y = load('Y').astype(np.float64)
    k = int(P['k'])
    out = {'linearCka': linear_cka(X, Y)}
    if len(X) <= 5000:
        out['debiasedCka'] = cka_gram(X @ X.T, Y @ Y.T, True)
        out['linearCkaGram'] = cka_gram(X @ X.T, Y @ Y.T, False)
    nA = knn_sets(X, k)
    nB = knn_sets(Y, k)
    inter = np.array([len(set(nA[i]) & set(nB[i])) for i in range(len(X))])
    out['mutualKnn'] = float((inter / k).mean())
    out['jaccard'] = (inter / (2 * k - inter)).tolist()
    queries = load('queries')
    q = np.arange(len(X)) if queries is None else queries.astype(int)
    Xc = X - X.mean(0)
    Yc = Y - Y.mean(0)
    if X.shape[1] == Y.shape[1]:
        out['before'] = retrieval(X[q], Y, q)
        R, _ = scipy.linalg.orthogonal_procrustes(Xc, Yc)
        out['after'] = retrieval(Xc[q] @ R, Yc, q)
        _, _, disparity = scipy.spatial.procrustes(X, Y)
        out['residual'] = float(disparity)
    else:
        m = min(X.shape[1], Y.shape[1])
        P_ = PCA(n_components=m, svd_solver='full').fit_transform(X)
        Q_ = PCA(n_components=m, svd_solver='full').fit_transform(Y)
        R, _ = scipy.linalg.orthogonal_procrustes(P_, Q_)
        out['after'] = retrieval(P_[q] @ R, Q_, q)
        _, _, disparity = scipy.spatial.procrustes(P_, Q_)
        out['residual'] = float(disparity)
    anchors = load('anchors')
    if anchors is not None:
        anchors = anchors.astype(int)
        RA = unit(X) @ unit(X[anchors]).T
        RB = unit(Y) @ unit(Y[anchors]).T
        out['relMeanCosine'] = float((unit(RA) * unit(RB)).sum(1).mean())
        out['relTop1'] = retrieval(RA[q], RB, q)['top1']
    return out


def procrustes_rotation():
    X = load('X').astype(np.float64)
    Y = load('Y').astype(np.float64)
    R, _ = scipy.linalg.orthogonal_procrustes(X - X.mean(0), Y - Y.mean(0))
    _, _, disparity = scipy.spatial.procrustes(X, Y)
    np.save(os.path.join(d, 'R.npy'), R)
    return {'residual': float(disparity), 'npy_outputs': ['R']}


def logreg():
    X = load('X').astype(np.float64)
    y = load('y').astype(int)
    C = float(P.get('C', 1.0))
    clf = LogisticRegression(C=C, max_iter=100000, tol=1e-12).fit(X, y)
    out = {'coef': clf.coef_[0].tolist(), 'intercept': float(clf.intercept_[0])}
    folds = load('folds')
    if folds is not None:
        folds = folds.astype(int)
        scores = cross_val_score(
            LogisticRegression(C=C, max_iter=100000, tol=1e-12), X, y, cv=PredefinedSplit(folds)
        )
        out['foldAccuracy'] = scores.tolist()
        out['cvAccuracy'] = float(scores.mean())
        # The pooled accuracy (correct / N), which equals the mean only when the folds are the same size.
        correct = sum(round(s * (folds == f).sum()) for f, s in zip(np.unique(folds), scores))
        out['pooledAccuracy'] = correct / len(y)
    return out


def cka_demo():
    # The demo data of Kornblith et al.'s CKA notebook (google-research/google-research, representation_similarity).
    np.random.seed(1337)
    X = np.random.randn(100, 10)
    Y = np.random.randn(100, 10) + X
    np.save(os.path.join(d, 'X.npy'), X)
    np.save(os.path.join(d, 'Y.npy'), Y)
    return {'linear': linear_cka(X, Y), 'debiased': cka_gram(X @ X.T, Y @ Y.T, True), 'npy_outputs': ['X', 'Y']}


def sums():
    # np.sum of every prefix: numpy adds pairwise, not left to right.
    a = load('a').astype(np.float64)
    return [float(np.sum(a[:L])) for L in P['lengths']]


print(json.dumps({'sums': sums, 'logreg': logreg, 'cka_demo': cka_demo, 'gap': gap, 'collapse': collapse, 'compare': compare, 'procrustes': procrustes_rotation}[P['task']]()))
