/**
 * A text-embedding model loaded from a folder: tokenizer + onnxruntime session
 * + pooling/normalisation as the folder declares (see folder.ts).
 *
 * Batching sorts texts by token count so a batch pads little, and sizes batches
 * by tokens so one onnxruntime run stays ≲ 0.25 s (the run blocks the event loop;
 * between runs we yield for cancellation and other requests).
 */
import * as ort from 'onnxruntime-node';
import { Matrix } from '../core/matrix';
import { getThreads } from '../kernels/ort';
import { Cancellation, InputError, Progress, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { ModelSpec, readModelFolder } from './folder';
import { l2NormalizeRows, poolTokens } from './pooling';
import { EncodedBatch, padBatch, TextTokenizer } from './tokenize';

/** Output names tried in order: pooled first (rank 2), then token vectors (rank 3). */
const OUTPUT_PREFERENCE = ['sentence_embedding', 'last_hidden_state', 'token_embeddings'];
const TARGET_RUN_SECONDS = 0.25;
export const MAX_BATCH = 256;

export interface EmbedOptions {
  token?: Cancellation;
  progress?: Progress;
  /** Fixed tokens per run (tests, benchmarks); default adapts to the model's speed. */
  batchTokens?: number;
}

export interface EmbedResult {
  matrix: Matrix;
  /** Texts cut to the model's token limit. */
  truncated: number;
  /** Seconds spent inside onnxruntime's run (for the overhead benchmark). */
  sessionSeconds: number;
}

export class TextModel {
  private tokensPerRun = 512;

  private constructor(
    readonly spec: ModelSpec,
    readonly tokenizer: TextTokenizer,
    readonly session: ort.InferenceSession,
    private readonly outputName: string,
    /** Output dimension, found by embedding a probe text at load time. */
    public dims: number,
  ) {}

  static async load(dir: string): Promise<TextModel> {
    const spec = readModelFolder(dir);
    const tokenizer = new TextTokenizer(`${spec.dir}/tokenizer.json`, spec.tokenizerJson, spec.tokenizerConfig, spec.maxLength);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(spec.onnxPath, { intraOpNumThreads: getThreads(), interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    } catch (e) {
      throw new InputError(spec.onnxPath, `is not a model onnxruntime can load (${firstLine(e)})`);
    }
    if (!session.inputNames.includes('input_ids')) throw new InputError(spec.onnxPath, `has no 'input_ids' input (inputs: ${session.inputNames.join(', ')}); is it a text model?`);
    const unknown = session.inputNames.filter((n) => !['input_ids', 'attention_mask', 'token_type_ids'].includes(n));
    if (unknown.length) throw new InputError(spec.onnxPath, `needs inputs this loader cannot fill: ${unknown.join(', ')}`);
    const outputName = OUTPUT_PREFERENCE.find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
    const model = new TextModel(spec, tokenizer, session, outputName, 0);
    const probe = await model.runBatch(padBatch([tokenizer.encode('hello').ids], tokenizer.padId));
    model.dims = probe.dims;
    return model;
  }

  /** One onnxruntime run on a padded batch: pooled, normalised rows (batch × dims). */
  private async runBatch(enc: EncodedBatch): Promise<{ data: Float32Array; dims: number; seconds: number }> {
    const shape = [enc.batch, enc.length];
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', enc.ids, shape) };
    if (this.session.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', enc.mask, shape);
    if (this.session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(enc.ids.length), shape);
    const t0 = performance.now();
    let out: ort.Tensor;
    try {
      out = (await this.session.run(feeds, [this.outputName]))[this.outputName];
    } catch (e) {
      throw new InputError(this.spec.onnxPath, `failed to run on a batch of ${enc.batch}×${enc.length} tokens (${firstLine(e)})`);
    }
    const seconds = (performance.now() - t0) / 1000;
    if (out.type !== 'float32') throw new InputError(this.spec.onnxPath, `output '${this.outputName}' is ${out.type}; expected float32`);
    const values = out.data as Float32Array;
    const d = out.dims;
    let data: Float32Array;
    let dims: number;
    if (d.length === 2 && d[0] === enc.batch) {
      // Already pooled inside the graph (sentence_embedding).
      dims = d[1];
      data = Float32Array.from(values);
    } else if (d.length === 3 && d[0] === enc.batch && d[1] === enc.length) {
      dims = d[2];
      data = new Float32Array(enc.batch * dims);
      poolTokens(values, enc.mask, enc.batch, enc.length, dims, this.spec.pooling, data);
    } else {
      throw new InputError(this.spec.onnxPath, `output '${this.outputName}' has shape [${d.join(', ')}] for a ${enc.batch}×${enc.length} batch; expected [batch, dims] or [batch, tokens, dims]`);
    }
    if (this.spec.normalize) l2NormalizeRows(data, enc.batch, dims);
    return { data, dims, seconds };
  }

  /** Embeds texts in order; one row per text. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<EmbedResult> {
    const n = texts.length;
    const encoded: number[][] = new Array(n);
    let truncated = 0;
    for (let i = 0; i < n; i++) {
      const e = this.tokenizer.encode(texts[i]);
      encoded[i] = e.ids;
      if (e.truncated) truncated++;
      if (i % 2000 === 1999) {
        throwIfCancelled(opts.token);
        await yieldToEventLoop();
      }
    }
    // Longest first: the first (largest) batch tells us the speed before memory grows.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => encoded[b].length - encoded[a].length || a - b);
    const out = new Float32Array(n * this.dims);
    let sessionSeconds = 0;
    let done = 0;
    while (done < n) {
      throwIfCancelled(opts.token);
      const budget = opts.batchTokens ?? this.tokensPerRun;
      const len = encoded[order[done]].length;
      const b = Math.max(1, Math.min(MAX_BATCH, n - done, Math.floor(budget / Math.max(1, len))));
      const idx = order.slice(done, done + b);
      const enc = padBatch(
        idx.map((i) => encoded[i]),
        this.tokenizer.padId,
      );
      const r = await this.runBatch(enc);
      if (r.dims !== this.dims) throw new InputError(this.spec.onnxPath, `gave ${r.dims}-dim vectors after ${this.dims}-dim ones`);
      for (let t = 0; t < b; t++) out.set(r.data.subarray(t * this.dims, (t + 1) * this.dims), idx[t] * this.dims);
      sessionSeconds += r.seconds;
      if (!opts.batchTokens) this.adapt(enc.batch * enc.length, r.seconds);
      done += b;
      opts.progress?.(done / n, `embedded ${done} of ${n}`);
      await yieldToEventLoop();
    }
    return { matrix: { rows: n, cols: this.dims, data: out }, truncated, sessionSeconds };
  }

  /** Tokens per run so a run takes about TARGET_RUN_SECONDS; moves at most ×2 per step. */
  private adapt(tokens: number, seconds: number): void {
    if (seconds <= 0) return;
    const ideal = (tokens / seconds) * TARGET_RUN_SECONDS;
    const stepped = Math.min(this.tokensPerRun * 2, Math.max(this.tokensPerRun / 2, ideal));
    this.tokensPerRun = Math.round(Math.max(64, Math.min(1 << 16, stepped)));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);
}
