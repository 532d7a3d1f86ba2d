/**
 * What every request handler gets: the open datasets, a `handle` helper that
 * turns a typed request constant into an LSP handler with work-done progress,
 * cancellation and clear errors, and `notify`. Both apply the channel's array
 * format (src/shared/wire.ts): handlers take and return typed arrays as they are.
 */
import {
  CancellationToken,
  Connection,
  LSPErrorCodes,
  ResponseError,
  WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import type { NotificationDef, RequestDef } from '../../shared/protocol/request';
import { Base64Codec, decodeWire, encodeWire } from '../../shared/wire';
import { ENGINE_ERROR_INPUT } from '../../shared/errors';
import { Dataset } from '../data/dataset';
import { CancelledError, InputError, Progress } from '../util/errors';

interface Work {
  token: CancellationToken;
  /** Reports work-done progress to the client when the request carried a token. */
  progress: Progress;
}

export interface EngineContext {
  connection: Connection;
  datasets: Map<string, Dataset>;
  dataset(id: string): Dataset;
  handle<P, R>(def: RequestDef<P, R>, title: string, fn: (params: P, work: Work) => Promise<R> | R): void;
  notify<P>(def: NotificationDef<P>, params: P): void;
}

/** Node's native base64 for the wire's typed arrays. */
const NODE_BASE64: Base64Codec = {
  encode: (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'),
  decode: (s) => Buffer.from(s, 'base64'),
};

export function createContext(connection: Connection): EngineContext {
  const datasets = new Map<string, Dataset>();
  const ctx: EngineContext = {
    connection,
    datasets,
    dataset(id) {
      const ds = datasets.get(id);
      if (!ds)
        throw new ResponseError(
          ENGINE_ERROR_INPUT,
          `unknown dataset ${id} (the engine may have restarted; reopen the file)`,
          { unknownDataset: id },
        );
      return ds;
    },
    handle(def, title, fn) {
      connection.onRequest(def.method, async (raw: unknown, token: CancellationToken) => {
        const params = decodeWire(raw, NODE_BASE64);
        const p = params as { workDoneToken?: string | number } | undefined;
        let reporter: WorkDoneProgressReporter | undefined;
        if (p && p.workDoneToken !== undefined) {
          reporter = connection.window.attachWorkDoneProgress(p.workDoneToken);
          reporter.begin(title, 0, undefined, true);
        }
        let lastPct = -1;
        const progress: Progress = (f, message) => {
          const pct = Math.max(0, Math.min(100, Math.round(f * 100)));
          if (!reporter || pct === lastPct) return;
          lastPct = pct;
          if (message !== undefined) reporter.report(pct, message);
          else reporter.report(pct);
        };
        try {
          return encodeWire(await fn(params as never, { token, progress }), NODE_BASE64);
        } catch (e) {
          throw toResponseError(e);
        } finally {
          reporter?.done();
        }
      });
    },
    notify(def, params) {
      void connection.sendNotification(def.method, encodeWire(params, NODE_BASE64));
    },
  };
  return ctx;
}

function toResponseError(e: unknown): ResponseError<unknown> {
  if (e instanceof ResponseError) return e;
  if (e instanceof CancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  if (e instanceof InputError)
    return new ResponseError(ENGINE_ERROR_INPUT, e.message, { file: e.file, problem: e.problem, ...(extra(e) ?? {}) });
  const err = e as Error;
  return new ResponseError(-32603, `internal error: ${err?.message ?? String(e)}`, { stack: err?.stack });
}

/** Choice errors (which column? flatten?) carry their options to the host. */
function extra(e: InputError): Record<string, unknown> | undefined {
  const anyE = e as unknown as { candidates?: string[]; shape?: number[] };
  if (anyE.candidates) return { needsChoice: 'column', options: anyE.candidates };
  if (anyE.shape) return { needsChoice: 'flatten', shape: anyE.shape };
  return undefined;
}
