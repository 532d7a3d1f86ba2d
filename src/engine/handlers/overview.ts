import { Overview } from '../../shared/protocol/overview';
import { overview } from '../analysis/overview';
import { EngineContext } from './context';

export function registerOverviewHandlers(ctx: EngineContext): void {
  ctx.handle(Overview, 'Computing overview', (p, w) => overview(ctx.dataset(p.datasetId), w));
}
