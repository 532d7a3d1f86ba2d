/**
 * recall@k of a compressed search against the exact one (the convention pinned
 * in ../shared/reference/README.md, as in Jégou, Douze & Schmid 2011, "Product
 * quantization for nearest neighbor search", IEEE TPAMI 33(1), where recall@k
 * is measured against exact neighbours): for every query,
 * |N_k(exact) ∩ N_k(compressed)| / k, averaged over queries.
 */
import type { KnnResult } from '../../kernels/knn';

/**
 * Queries whose exact list is padded (fewer than k possible neighbours) are
 * scored over the neighbours they have, so small corpora are not penalised.
 */
export function recallAtK(exact: KnnResult, approx: KnnResult): number {
  const k = exact.k;
  if (approx.k !== k) throw new RangeError(`recall needs equal k (${exact.k} vs ${approx.k})`);
  const q = exact.indices.length / Math.max(1, k);
  let sum = 0;
  let counted = 0;
  const seen = new Set<number>();
  for (let i = 0; i < q; i++) {
    seen.clear();
    let have = 0;
    for (let t = 0; t < k; t++) {
      const r = exact.indices[i * k + t];
      if (r >= 0) {
        seen.add(r);
        have++;
      }
    }
    if (have === 0) continue;
    let hit = 0;
    for (let t = 0; t < k; t++) if (seen.has(approx.indices[i * k + t])) hit++;
    sum += hit / have;
    counted++;
  }
  return counted ? sum / counted : NaN;
}
