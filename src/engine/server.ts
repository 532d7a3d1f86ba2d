/**
 * The analysis engine: a separate Node process the extension host starts with
 * vscode-languageclient over Node IPC. It owns the opened datasets and runs the
 * numeric kernels, so a heavy computation never blocks VS Code's extension host.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import * as protocol from '../shared/protocol';
import { createContext } from './handlers/context';
import { HANDLERS } from './handlers/index';
import { getThreads, setThreads } from './kernels/ort';

const connection = createConnection(ProposedFeatures.all);
const ctx = createContext(connection);
const started = Date.now();

connection.onInitialize((params) => {
  const opts = params.initializationOptions as protocol.EngineSettings | undefined;
  if (opts?.threads !== undefined) setThreads(opts.threads);
  return { capabilities: {}, serverInfo: { name: 'embedding-lens-engine' } };
});

ctx.handle(protocol.Ping, 'Ping', () => ({
  pid: process.pid,
  threads: getThreads(),
  uptimeMs: Date.now() - started,
  datasets: ctx.datasets.size,
}));
ctx.handle(protocol.Configure, 'Configure', (s) => {
  setThreads(s.threads);
});
for (const register of HANDLERS) register(ctx);

connection.listen();
