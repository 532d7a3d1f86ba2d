import { Compare, ModalityGap, NeuralCollapse } from '../../shared/protocol/pairs';
import { loadClassifier } from '../analysis/pairs/classifier';
import { neuralCollapse } from '../analysis/pairs/collapse';
import { compareSpaces } from '../analysis/pairs/compare';
import { modalityGap } from '../analysis/pairs/gap';
import { EngineContext } from './context';

/** Labels and pairs: modality gap, neural collapse and two-file comparison. */
export function registerPairsHandlers(ctx: EngineContext): void {
  ctx.handle(ModalityGap, 'Measuring the modality gap', (p, w) =>
    modalityGap(ctx.dataset(p.datasetId), {
      group: p.group,
      pair: p.pair,
      values: p.values,
      token: w.token,
      progress: w.progress,
    }),
  );
  ctx.handle(NeuralCollapse, 'Measuring neural collapse', (p, w) =>
    neuralCollapse(ctx.dataset(p.datasetId), {
      labels: p.labels,
      k: p.k,
      classifier: p.weightsPath ? loadClassifier(p.weightsPath, p.biasPath) : undefined,
      token: w.token,
      progress: w.progress,
    }),
  );
  ctx.handle(Compare, 'Comparing two embedding files', (p, w) =>
    compareSpaces(ctx.dataset(p.datasetId), ctx.dataset(p.otherId), {
      k: p.k,
      idColumn: p.idColumn,
      anchors: p.anchors,
      token: w.token,
      progress: w.progress,
    }),
  );
}
