import * as protocol from '../../shared/protocol';
import { diagnose } from '../analysis/diagnostics';
import { EngineContext } from './context';

export function registerDiagnosticsHandlers(ctx: EngineContext): void {
  ctx.handle(protocol.Diagnose, 'Computing geometry diagnostics', (p, w) => {
    const { datasetId, workDoneToken: _t, ...params } = p;
    return diagnose(ctx.dataset(datasetId), params, { token: w.token, progress: w.progress, perRow: true });
  });
}
