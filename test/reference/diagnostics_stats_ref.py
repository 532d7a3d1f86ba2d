"""scipy/numpy reference for the small statistics helpers of the diagnostics
(src/engine/analysis/diagnostics/stats.ts): skewness, Spearman, rankdata,
quantiles, logsumexp. Test protocol of test/unit/helpers/python.ts."""
import json
import os
import sys

import numpy as np
import scipy.special
import scipy.stats

wd = sys.argv[1]
v = np.load(os.path.join(wd, "v.npy"))
w = np.load(os.path.join(wd, "w.npy"))
print(json.dumps({
    "skew": float(scipy.stats.skew(v)),
    "spearman": float(scipy.stats.spearmanr(v, w).correlation),
    "rankdata": scipy.stats.rankdata(v).tolist(),
    "quantiles": {str(q): float(np.quantile(v, q)) for q in (0, 0.05, 0.25, 0.5, 0.75, 0.95, 1)},
    "logsumexp": float(scipy.special.logsumexp([1000, 1000.5, 999])),
}))
