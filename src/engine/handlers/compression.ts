import { Compress, ExportCompression } from '../../shared/protocol/compression';
import { exportCompression } from '../analysis/compression/export';
import { compressionSweep } from '../analysis/compression/sweep';
import { EngineContext } from './context';

export function registerCompressionHandlers(ctx: EngineContext): void {
  ctx.handle(Compress, 'Measuring compression', (p, w) => {
    const { datasetId, workDoneToken, ...opts } = p;
    void workDoneToken;
    return compressionSweep(ctx.dataset(datasetId), { ...opts, token: w.token, progress: w.progress });
  });
  ctx.handle(ExportCompression, 'Exporting compressed embeddings', (p, w) =>
    exportCompression(
      ctx.dataset(p.datasetId),
      { config: p.config, files: p.files, overwrite: p.overwrite },
      { token: w.token },
    ),
  );
}
