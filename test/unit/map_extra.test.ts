/**
 * Extra validation on larger real labelled data (opt-in: EMBEDDING_LENS_EXTRA=1,
 * minutes of work; read from the project's shared data folder ../shared/data, which
 * is not in the repository): on MNIST 10k (784-d pixels, the TensorBoard Embedding
 * Projector demo's) and CIFAR-10 test features (penultimate layer of a trained
 * ResNet-56, 64-d, computed from public weights), UMAP and t-SNE maps are
 * more trustworthy than PCA's and keep same-label neighbours together better
 * (share of each row's 10 map neighbours with its label).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset, metadataColumn } from '../../src/engine/data/dataset';
import { project } from '../../src/engine/analysis/map/project';
import { layoutKnn } from '../../src/engine/analysis/map/lowdim';

const SHARED = path.resolve(__dirname, '../../../shared/data');
const SETS = [
  ['MNIST 10k', path.join(SHARED, 'projector_mnist10k/X.npy'), 'euclidean'],
  ['CIFAR-10 test, ResNet-56 features', path.join(SHARED, 'pair_cifar10test_resnet20_vs_resnet56/Y.npy'), 'cosine'],
] as const;

function skipReason(file: string): string | false {
  if (process.env.EMBEDDING_LENS_EXTRA !== '1')
    return 'extra validation: set EMBEDDING_LENS_EXTRA=1 to run (several minutes)';
  if (!fs.existsSync(file)) return `${file} is absent (no ../shared/data checkout)`;
  return false;
}

function labelAgreement(coords: Float32Array, labels: unknown[], k: number): number {
  const n = labels.length;
  const nn = layoutKnn(coords, n, 2, k);
  let same = 0;
  for (let i = 0; i < n; i++) for (let s = 0; s < k; s++) if (labels[nn[i * k + s]] === labels[i]) same++;
  return same / (n * k);
}

for (const [name, file, metric] of SETS) {
  test(
    `UMAP and t-SNE beat PCA on ${name} (trustworthiness and label agreement of map neighbours)`,
    { skip: skipReason(file), timeout: 1_800_000 },
    async () => {
      const ds = await loadDataset({ path: file, metaPath: path.join(path.dirname(file), 'meta.tsv') });
      const labels = metadataColumn(ds, 'label').values;
      const s = { dims: 2, seed: 0, k: 10, metric } as const;
      const pca = await project(ds, { ...s, method: 'pca' });
      const pcaAgree = labelAgreement(pca.coords, labels, 10);
      for (const method of ['umap', 'tsne'] as const) {
        const r = await project(ds, { ...s, method });
        const agree = labelAgreement(r.coords, labels, 10);
        assert.ok(r.coords.every(Number.isFinite));
        assert.ok(
          r.quality.trustworthiness > pca.quality.trustworthiness,
          `${method} T ${r.quality.trustworthiness} vs PCA ${pca.quality.trustworthiness}`,
        );
        assert.ok(agree > pcaAgree, `${method} label agreement ${agree} vs PCA ${pcaAgree}`);
      }
    },
  );
}
