/** Every host feature. A feature adds its activate function here, one line. */
import type { HostContext } from '../context';
import { activateOverview } from './overview';
import { activateEngine } from './engine';
import { activateText } from './text';
import { activateCompression } from './compression';
import { activateMap } from './map';
import { activatePairs } from './pairs';
import { activateDiagnostics } from './diagnostics';

export const FEATURES: ((ctx: HostContext) => vscode_Disposable[] | void)[] = [
  activateOverview,
  activateEngine,
  activateText,
  activateCompression,
  activateMap,
  activatePairs,
  activateDiagnostics,
];

type vscode_Disposable = { dispose(): unknown };
