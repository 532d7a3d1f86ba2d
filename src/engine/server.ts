/**
 * The analysis engine: a separate Node process the extension host starts with
 * vscode-languageclient over Node IPC. It owns the opened datasets and runs the
 * numeric kernels, so a heavy computation never blocks VS Code's extension host.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { EngineSettings } from '../shared/protocol/engine';
import { createContext } from './handlers/context';
import { HANDLERS } from './handlers/index';
import { setThreads } from './kernels/ort';

const connection = createConnection(ProposedFeatures.all);
const ctx = createContext(connection);

connection.onInitialize((params) => {
  const opts = params.initializationOptions as EngineSettings | undefined;
  if (opts?.threads !== undefined) setThreads(opts.threads);
  return { capabilities: {}, serverInfo: { name: 'embedding-lens-engine' } };
});

for (const register of HANDLERS) register(ctx);

connection.listen();
