/**
 * onnxruntime-node as a dense linear-algebra engine.
 *
 * Each kernel is a tiny ONNX graph (a Gemm, a Gemm + TopK, ...) built here in
 * memory with `onnx-proto` and loaded with `InferenceSession.create(bytes)`.
 * onnxruntime's MLAS GEMM reaches the machine's BLAS speed from JS, where plain
 * JS loops are 25–70× slower (measured on a 2-vCPU Zen 4: MLAS and numpy's
 * OpenBLAS ~100 GFLOP/s per core; JS 4.4 GFLOP/s per thread register-blocked,
 * 1.4 naive). bench/kernels.ts compares the kernels with numpy.
 *
 * Shapes are symbolic, so one session per graph kind serves every call;
 * sessions are rebuilt only when the thread count changes.
 *
 * `session.run` is synchronous under its promise (it runs on the event loop
 * thread), so callers keep every run short (≲ 0.3 s) and yield between runs:
 * that is what keeps the engine responsive and cancellation prompt.
 */
import * as os from 'os';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';

const OPSET = 17;

type ElemType = 'float32' | 'float64' | 'int64';
const ONNX_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
};

interface ValueSpec {
  name: string;
  type: ElemType;
  /** Dimension sizes; strings are symbolic (dynamic) dims. */
  shape: (number | string)[];
}

type AttrValue = number | number[] | string;

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
  /** Float attributes must be told apart from ints, which JS cannot do by value. */
  floatAttrs?: string[];
}

export interface GraphSpec {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
}

function valueInfo(v: ValueSpec): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ONNX_TYPE[v.type],
        shape: { dim: v.shape.map((s) => (typeof s === 'number' ? { dimValue: s } : { dimParam: s })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue, isFloat: boolean): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value))
    return isFloat ? { name, type: T.FLOATS, floats: value } : { name, type: T.INTS, ints: value };
  return isFloat ? { name, type: T.FLOAT, f: value } : { name, type: T.INT, i: value };
}

/** Serialises a graph as an ONNX ModelProto (IR 8, default opset 17). */
export function encodeModel(g: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'embedding-lens',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: g.name,
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
      node: g.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v, n.floatAttrs?.includes(k) ?? false)),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

let threads = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** Sets onnxruntime's intra-op thread count (0 = all cores); drops cached sessions. */
export function setThreads(n: number): void {
  const want = n > 0 ? Math.floor(n) : Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  if (want === threads) return;
  threads = want;
  const old = [...sessions.values()];
  sessions.clear();
  for (const s of old) void s.then((x) => x.release()).catch(() => undefined);
}

export function getThreads(): number {
  return threads;
}

/** The cached session for a graph, built on first use. */
function session(g: GraphSpec): Promise<ort.InferenceSession> {
  let s = sessions.get(g.name);
  if (!s) {
    s = ort.InferenceSession.create(encodeModel(g), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    sessions.set(g.name, s);
    s.catch(() => sessions.delete(g.name));
  }
  return s;
}

export type Feed = Float32Array | Float64Array | BigInt64Array;

export function tensor(data: Feed, dims: number[]): ort.Tensor {
  const type = data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : 'int64';
  return new ort.Tensor(type, data, dims);
}

/**
 * Runs a graph and returns its outputs by name. `into` names outputs to be written into
 * the given tensors (their shapes must match): the result then costs no allocation of
 * fresh, page-faulting memory per run.
 */
export async function run(
  g: GraphSpec,
  feeds: Record<string, ort.Tensor>,
  into?: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const s = await session(g);
  return into ? s.run(feeds, into) : s.run(feeds);
}
