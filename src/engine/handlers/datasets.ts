/** Opening and closing files, and reading their metadata table. */
import { Close, ColumnValues, MetadataRows, Open } from '../../shared/protocol/datasets';
import { datasetInfo, loadDataset, metadataColumn } from '../data/dataset';
import { EngineContext } from './context';

export function registerDatasetsHandlers(ctx: EngineContext): void {
  ctx.handle(Open, 'Opening embedding file', async (params) => {
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
  ctx.handle(Close, 'Closing', (p) => {
    ctx.datasets.delete(p.datasetId);
  });
  ctx.handle(MetadataRows, 'Reading metadata', (p) => {
    const ds = ctx.dataset(p.datasetId);
    const cols = ds.metadata?.columns ?? [];
    return { columns: cols.map((c) => c.name), values: p.rows.map((r) => cols.map((c) => c.values[r] ?? null)) };
  });
  ctx.handle(ColumnValues, 'Reading metadata', (p) => {
    const c = metadataColumn(ctx.dataset(p.datasetId), p.column);
    return { column: c.name, kind: c.kind, values: c.values };
  });
}
