"""Reference for text queries (src/engine/text/query.ts): exact cosine k-NN of query vectors
against a matrix with numpy in float64, ties by lower row index (stable sort).

inputs: X.npy (n x d), Q.npy (q x d)
params: {"k": int, "exclude_self": bool (query i is row rows[i], left out), "rows": [int]}
output: {"indices": [[...]], "scores": [[...]]}
"""
import json, os, sys
import numpy as np

d = sys.argv[1]
p = json.load(open(os.path.join(d, "params.json")))
X = np.load(os.path.join(d, "X.npy")).astype(np.float64)
Q = np.load(os.path.join(d, "Q.npy")).astype(np.float64)
Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
Qn = Q / np.linalg.norm(Q, axis=1, keepdims=True)
S = Qn @ Xn.T
if p.get("exclude_self"):
    for i, r in enumerate(p["rows"]):
        S[i, r] = -np.inf
k = p["k"]
idx = np.argsort(-S, axis=1, kind="stable")[:, :k]
print(json.dumps({"indices": idx.tolist(), "scores": np.take_along_axis(S, idx, axis=1).tolist()}))
