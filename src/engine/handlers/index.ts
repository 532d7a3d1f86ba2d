/** Every group of engine request handlers. A feature adds its register function here, one line. */
import { EngineContext } from './context';
import { registerTextHandlers } from './text';
import { registerDatasetHandlers } from './datasets';
import { registerDiagnosticsHandlers } from './diagnostics';
import { registerCompressionHandlers } from './compression';
import { registerPairsHandlers } from './pairs';
import { registerMapHandlers } from './map';

export const HANDLERS: ((ctx: EngineContext) => void)[] = [
  registerDatasetHandlers,
  registerDiagnosticsHandlers,
  registerCompressionHandlers,
  registerTextHandlers,
  registerPairsHandlers,
  registerMapHandlers,
];
