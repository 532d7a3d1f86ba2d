"""Reference for the worker eigen-decomposition (src/engine/kernels/eighWorker.ts):
numpy.linalg.eigh of the symmetric input A.npy, values descending, eigenvectors as rows.
Outputs values.npy (d,) and vectors.npy (d x d)."""
import json
import os
import sys

import numpy as np

work = sys.argv[1]
A = np.load(os.path.join(work, "A.npy"))
w, V = np.linalg.eigh(A)
order = np.argsort(-w, kind="stable")
np.save(os.path.join(work, "values.npy"), w[order])
np.save(os.path.join(work, "vectors.npy"), np.ascontiguousarray(V[:, order].T))
print(json.dumps({"npy_outputs": ["values", "vectors"]}))
