/**
 * recall@k of a compressed search against the exact one, as in Jégou, Douze &
 * Schmid 2011 ("Product quantization for nearest neighbor search", IEEE TPAMI
 * 33(1)), where recall@k is measured against exact neighbours: for every query,
 * |E ∩ A| / |E| with E its exact top-k and A the compressed search's top-k,
 * averaged over queries. |E| = k whenever the corpus has k other rows (the sweep
 * lowers k to n − 1, so it always does); dividing by the true neighbours that
 * exist keeps a query with fewer than k of them at 1 when it finds them all.
 */
import type { KnnResult } from '../../kernels/knn';

/**
 * Mean over queries of |E ∩ A| / |E|: padded entries (−1) of the exact list are
 * not neighbours, and queries with no exact neighbour at all are left out.
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
