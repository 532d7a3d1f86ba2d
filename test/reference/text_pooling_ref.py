"""Reference for src/engine/text pooling: Sentence-BERT pooling (Reimers & Gurevych, EMNLP 2019)
of token vectors looked up in an embedding table, computed with numpy in float64.

inputs: table.npy (V x d), ids.npy (b x L int32), mask.npy (b x L int32)
params: {"pooling": "mean"|"cls"|"max", "normalize": bool,
         optional "sif_a", "zipf_h": SIF-weighted mean (Arora, Liang & Ma, ICLR 2017) where row i of the
         table is the word of frequency rank i: weight a / (a + p), p = 1 / ((i + 1) * zipf_h)}
output: pooled.npy (b x d float64)
"""
import json, os, sys
import numpy as np

d = sys.argv[1]
p = json.load(open(os.path.join(d, "params.json")))
table = np.load(os.path.join(d, "table.npy")).astype(np.float64)
ids = np.load(os.path.join(d, "ids.npy"))
mask = np.load(os.path.join(d, "mask.npy")).astype(np.float64)
h = table[ids]  # b x L x d
if "sif_a" in p:
    a = p["sif_a"]
    w = a / (a + 1.0 / ((ids.astype(np.float64) + 1) * p["zipf_h"])) * mask
    out = (h * w[:, :, None]).sum(axis=1) / w.sum(axis=1, keepdims=True)
elif p["pooling"] == "mean":
    out = (h * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
elif p["pooling"] == "cls":
    out = h[:, 0, :]
else:
    out = np.where(mask[:, :, None] > 0, h, -np.inf).max(axis=1)
if p.get("normalize"):
    out = out / np.linalg.norm(out, axis=1, keepdims=True)
np.save(os.path.join(d, "pooled.npy"), out)
print(json.dumps({"npy_outputs": ["pooled"]}))
