import * as protocol from '../../shared/protocol';
import { datasetInfo, loadDataset, metadataColumn } from '../data/dataset';
import { overview, rowNeighbors } from '../analysis/overview';
import { EngineContext } from './context';

export function registerDatasetHandlers(ctx: EngineContext): void {
  ctx.handle(protocol.Open, 'Opening embedding file', async (params) => {
    try {
      const ds = await loadDataset(params);
      ctx.datasets.set(ds.id, ds);
      return { dataset: datasetInfo(ds) };
    } catch (e) {
      const c = e as { candidates?: string[]; shape?: number[]; message: string };
      if (c.candidates)
        return { needsChoice: 'column' as const, path: params.path, message: c.message, options: c.candidates };
      if (c.shape)
        return { needsChoice: 'flatten' as const, path: params.path, message: c.message, options: ['flatten'] };
      throw e;
    }
  });
  ctx.handle(protocol.Close, 'Closing', (p) => {
    ctx.datasets.delete(p.datasetId);
  });
  ctx.handle(protocol.Overview, 'Computing overview', (p, w) => overview(ctx.dataset(p.datasetId), w));
  ctx.handle(protocol.Neighbors, 'Finding neighbours', async (p, w) => ({
    neighbors: await rowNeighbors(ctx.dataset(p.datasetId), p.row, p.k, p.metric, w),
  }));
  ctx.handle(protocol.MetadataRows, 'Reading metadata', (p) => {
    const ds = ctx.dataset(p.datasetId);
    const cols = ds.metadata?.columns ?? [];
    return { columns: cols.map((c) => c.name), values: p.rows.map((r) => cols.map((c) => c.values[r] ?? null)) };
  });
  ctx.handle(protocol.ColumnValues, 'Reading metadata', (p) => {
    const c = metadataColumn(ctx.dataset(p.datasetId), p.column);
    return { column: c.name, kind: c.kind, values: c.values };
  });
}
