/**
 * Map requests: Project (PCA at once, then UMAP/t-SNE layouts streamed while
 * they improve), the newest layout of a running job (poll or push), selection
 * summaries, metadata search and the coordinates CSV export.
 */
import type { MapMethod, ProjectFrame } from '../../shared/protocol/map';
import { ExportCoords, MapSearch, MapSelection, Project, ProjectLayout, ProjectPoll } from '../../shared/protocol/map';
import { Dataset, datasetInfo, datasetNorms } from '../data/dataset';
import { project, MapResult } from '../analysis/map/project';
import { writeCoords } from '../analysis/map/export';
import { searchRows, selectionSummary } from '../analysis/map/selection';
import { InputError } from '../util/errors';
import { EngineContext } from './context';

interface Job {
  datasetId: string;
  seq: number;
  stage: MapMethod;
  step: number;
  steps: number;
  dims: number;
  coords?: Float32Array;
  fraction: number;
  message?: string;
  result?: MapResult;
}

/** Running and recent jobs; finished ones are kept (a few) for export. */
const jobs = new Map<string, Job>();
const KEEP_FINISHED = 4;

function frame(jobId: string, j: Job): ProjectFrame {
  return { jobId, seq: j.seq, stage: j.stage, step: j.step, steps: j.steps, dims: j.dims, coords: j.coords! };
}

function forgetOld(): void {
  const done = [...jobs.entries()].filter(([, j]) => j.result);
  for (const [id] of done.slice(0, Math.max(0, done.length - KEEP_FINISHED))) jobs.delete(id);
}

export function registerMapHandlers(ctx: EngineContext): void {
  ctx.handle(Project, 'Computing the map', async (p, w) => {
    const ds: Dataset = ctx.dataset(p.datasetId);
    const job: Job = { datasetId: p.datasetId, seq: 0, stage: 'pca', step: 0, steps: 1, dims: p.dims, fraction: 0 };
    jobs.set(p.jobId, job);
    try {
      const r = await project(
        ds,
        {
          method: p.method,
          dims: p.dims,
          seed: p.seed,
          k: p.k,
          metric: p.metric,
          nNeighbors: p.nNeighbors,
          minDist: p.minDist,
          perplexity: p.perplexity,
          iterations: p.iterations,
          knn: p.knn,
        },
        {
          token: w.token,
          progress: (f, message) => {
            Object.assign(job, { fraction: f, message });
            w.progress(f, message);
          },
          onLayout: (coords, stage, step, steps) => {
            Object.assign(job, { coords, stage, step, steps, seq: job.seq + 1 });
            if (p.notify) ctx.notify(ProjectLayout, frame(p.jobId, job));
          },
        },
      );
      job.result = r;
      job.coords = undefined;
      forgetOld();
      return {
        jobId: p.jobId,
        method: p.method,
        rows: r.rows,
        dims: r.dims,
        coords: r.coords,
        preservation: r.preservation,
        kOccurrence: r.kOccurrence,
        top3: r.top3,
        norms: Float32Array.from(datasetNorms(ds)),
        quality: r.quality,
        skippedRows: r.skippedRows,
        knnGraph: r.knnGraph,
        warnings: [...datasetInfo(ds).warnings, ...r.warnings],
        timings: r.timings,
      };
    } catch (e) {
      jobs.delete(p.jobId);
      throw e;
    }
  });

  ctx.handle(ProjectPoll, 'Map layout', (p) => {
    const j = jobs.get(p.jobId);
    if (!j || j.result) return null;
    return {
      fraction: j.fraction,
      message: j.message,
      frame: j.coords && j.seq > p.after ? frame(p.jobId, j) : undefined,
    };
  });

  ctx.handle(MapSelection, 'Summarising the selection', (p, w) =>
    selectionSummary(ctx.dataset(p.datasetId), p.rows, { k: p.k, metric: p.metric, column: p.column, token: w.token }),
  );

  ctx.handle(MapSearch, 'Searching rows', (p) => searchRows(ctx.dataset(p.datasetId), p.text, p.column, p.limit));

  ctx.handle(ExportCoords, 'Exporting map coordinates', async (p) => {
    const ds = ctx.dataset(p.datasetId);
    const j = jobs.get(p.jobId);
    if (!j?.result || j.datasetId !== p.datasetId)
      throw new InputError(p.file, 'there is no finished map to export (compute the map again)');
    const file = await writeCoords(ds, j.result, p.file, p.overwrite === true);
    return { file, rows: j.result.rows };
  });
}
