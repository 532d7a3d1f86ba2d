/**
 * Every group of engine request handlers: `<name>.ts` answers the requests of
 * src/shared/protocol/<name>.ts. A feature adds its register function here, one line.
 */
import { EngineContext } from './context';
import { registerEngineHandlers } from './engine';
import { registerDatasetsHandlers } from './datasets';
import { registerOverviewHandlers } from './overview';
import { registerNeighborsHandlers } from './neighbors';
import { registerDiagnosticsHandlers } from './diagnostics';
import { registerCompressionHandlers } from './compression';
import { registerTextHandlers } from './text';
import { registerPairsHandlers } from './pairs';
import { registerMapHandlers } from './map';

export const HANDLERS: ((ctx: EngineContext) => void)[] = [
  registerEngineHandlers,
  registerDatasetsHandlers,
  registerOverviewHandlers,
  registerNeighborsHandlers,
  registerDiagnosticsHandlers,
  registerCompressionHandlers,
  registerTextHandlers,
  registerPairsHandlers,
  registerMapHandlers,
];
