import { Neighbors } from '../../shared/protocol/neighbors';
import { rowNeighbors } from '../analysis/neighbors';
import { EngineContext } from './context';

export function registerNeighborsHandlers(ctx: EngineContext): void {
  ctx.handle(Neighbors, 'Finding neighbours', async (p, w) => ({
    neighbors: await rowNeighbors(ctx.dataset(p.datasetId), p.row, p.k, p.metric, w),
  }));
}
