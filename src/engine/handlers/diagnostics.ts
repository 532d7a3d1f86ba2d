import { Diagnose } from '../../shared/protocol/diagnostics';
import { diagnose } from '../analysis/diagnostics';
import { EngineContext } from './context';

export function registerDiagnosticsHandlers(ctx: EngineContext): void {
  ctx.handle(Diagnose, 'Computing geometry diagnostics', (p, w) => {
    const { datasetId, workDoneToken: _t, ...params } = p;
    return diagnose(ctx.dataset(datasetId), params, { token: w.token, progress: w.progress, perRow: true });
  });
}
