/**
 * An ONNX model loaded from a file (a text-embedding model), as the rest of the engine
 * sees it: its inputs and outputs by name, and runs on typed arrays or strings. This is
 * where such sessions get the configured thread count (ort.ts), so no module outside
 * kernels/ touches onnxruntime.
 */
import * as ort from 'onnxruntime-node';
import { getThreads, tensor } from './ort';

/** An input: int64 token ids or float values, or strings for a model that takes text. */
export interface ModelFeed {
  data: BigInt64Array | Float32Array | Float64Array | string[];
  dims: readonly number[];
}

/** An output tensor: its element type ('float32', 'int64', ...), shape and values. */
export interface ModelOutput {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number | bigint | string | boolean>;
}

export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Each input's element type ('string' for text; undefined for a non-tensor input). */
  readonly inputs: readonly { name: string; type?: string }[];
  /** One run; returns the named outputs. */
  run(feeds: Record<string, ModelFeed>, outputs: readonly string[]): Promise<Record<string, ModelOutput>>;
  release(): Promise<void>;
}

/** Loads a model file with the engine's thread settings; onnxruntime's error is passed on as thrown. */
export async function loadModelSession(file: string): Promise<ModelSession> {
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: getThreads(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const inputs = session.inputMetadata.map((m) => ({ name: m.name, type: m.isTensor ? m.type : undefined }));
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputs,
    async run(feeds, outputs) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, f] of Object.entries(feeds)) tensors[name] = toTensor(f);
      const out = await session.run(tensors, [...outputs]);
      const result: Record<string, ModelOutput> = {};
      for (const name of Object.keys(out)) {
        const t = out[name];
        result[name] = { type: t.type, dims: t.dims, data: t.data };
      }
      return result;
    },
    release: () => session.release(),
  };
}

function toTensor(f: ModelFeed): ort.Tensor {
  return Array.isArray(f.data) ? new ort.Tensor('string', f.data, [...f.dims]) : tensor(f.data, [...f.dims]);
}
