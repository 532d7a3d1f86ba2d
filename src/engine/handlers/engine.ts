/** The engine's own health and settings. */
import { Configure, Ping } from '../../shared/protocol/engine';
import { getThreads, setThreads } from '../kernels/ort';
import { EngineContext } from './context';

export function registerEngineHandlers(ctx: EngineContext): void {
  const started = Date.now();
  ctx.handle(Ping, 'Ping', () => ({
    pid: process.pid,
    threads: getThreads(),
    uptimeMs: Date.now() - started,
    datasets: ctx.datasets.size,
  }));
  ctx.handle(Configure, 'Configure', (s) => {
    setThreads(s.threads);
  });
}
