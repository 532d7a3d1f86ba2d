/**
 * A text-embedding model loaded from a folder: tokenizer + onnxruntime session
 * + pooling/normalisation as the folder declares (see folder.ts).
 *
 * Two kinds of model:
 *  - token ids in (input_ids [+ attention_mask, token_type_ids]): tokenizer.json runs in JS
 *    (tokenize.ts), we pad, and pool token vectors as the folder declares;
 *  - text in: the single input is a string tensor, the graph tokenises and pools itself (an
 *    end-to-end model such as the built-in one); it gets the raw texts, one string per row, and
 *    must output [batch, dims]. Normalisation still follows the folder.
 *
 * Batching sorts texts by token count (text models: by length in characters) so a batch
 * pads little, and sizes batches so one onnxruntime run stays ≲ 0.25 s (the run blocks the
 * event loop; between runs we yield for cancellation and other requests).
 */
import * as path from 'path';
import { Matrix } from '../core/matrix';
import { loadModelSession, ModelFeed, ModelOutput, ModelSession } from '../kernels/modelSession';
import { Cancellation, InputError, Progress, throwIfCancelled, yieldToEventLoop } from '../util/errors';
import { ModelSpec, readModelFolder, readTokenizerJson } from './folder';
import { l2NormalizeRows, poolTokens } from './pooling';
import { EncodedBatch, padBatch, TextTokenizer } from './tokenize';

/** Output names tried in order: pooled first (rank 2), then token vectors (rank 3). */
const OUTPUT_PREFERENCE = ['sentence_embedding', 'last_hidden_state', 'token_embeddings'];
const TARGET_RUN_SECONDS = 0.25;
export const MAX_BATCH = 256;
/** Text models: texts per run at most (their runs are cheap, so fewer, larger runs). */
export const MAX_TEXT_BATCH = 2048;

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
  private charsPerRun = 1 << 16;

  private constructor(
    readonly spec: ModelSpec,
    /** Absent for a model that takes text (it tokenises inside its graph). */
    readonly tokenizer: TextTokenizer | undefined,
    readonly session: ModelSession,
    private readonly outputName: string,
    /** Output dimension, found by embedding a probe text at load time. */
    public dims: number,
  ) {}

  /** True when the model's single input is a string tensor: it gets raw text. */
  get takesText(): boolean {
    return this.tokenizer === undefined;
  }

  static async load(dir: string): Promise<TextModel> {
    const spec = readModelFolder(dir);
    let session: ModelSession;
    try {
      session = await loadModelSession(spec.onnxPath);
    } catch (e) {
      throw new InputError(spec.onnxPath, `is not a model onnxruntime can load (${firstLine(e)})`);
    }
    const outputName = OUTPUT_PREFERENCE.find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
    const inputs = session.inputs;
    if (inputs.length === 1 && inputs[0].type === 'string') {
      spec.notes.push(`takes text: tokenises inside the model (input '${inputs[0].name}')`);
      const model = new TextModel(spec, undefined, session, outputName, 0);
      model.dims = (await model.runTexts(['hello'])).dims;
      return model;
    }
    if (!spec.tokenizerPath) {
      await session.release();
      throw new InputError(
        path.join(spec.dir, 'tokenizer.json'),
        'is missing (a model folder needs model.onnx and tokenizer.json, unless the model takes text: a single string-tensor input)',
      );
    }
    let tokenizer: TextTokenizer;
    try {
      tokenizer = new TextTokenizer(spec.tokenizerPath, readTokenizerJson(spec), spec.tokenizerConfig, spec.maxLength);
    } catch (e) {
      await session.release();
      throw e;
    }
    const unknown = session.inputNames.filter((n) => !['input_ids', 'attention_mask', 'token_type_ids'].includes(n));
    const problem = !session.inputNames.includes('input_ids')
      ? `has no 'input_ids' input (inputs: ${session.inputNames.join(', ')}); is it a text model?`
      : unknown.length
        ? `needs inputs this loader cannot fill: ${unknown.join(', ')}`
        : undefined;
    if (problem) {
      await session.release();
      throw new InputError(spec.onnxPath, problem);
    }
    const model = new TextModel(spec, tokenizer, session, outputName, 0);
    const probe = await model.runBatch(padBatch([tokenizer.encode('hello').ids], tokenizer.padId));
    model.dims = probe.dims;
    return model;
  }

  /** One onnxruntime run of a text model on raw texts: normalised rows (texts × dims). */
  private async runTexts(texts: string[]): Promise<{ data: Float32Array; dims: number; seconds: number }> {
    const input = this.session.inputNames[0];
    const t0 = performance.now();
    let out: ModelOutput;
    try {
      out = (await this.session.run({ [input]: { data: texts, dims: [texts.length] } }, [this.outputName]))[
        this.outputName
      ];
    } catch (e) {
      throw new InputError(this.spec.onnxPath, `failed to run on a batch of ${texts.length} texts (${firstLine(e)})`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const d = out.dims;
    if (out.type !== 'float32' || d.length !== 2 || d[0] !== texts.length) {
      throw new InputError(
        this.spec.onnxPath,
        `takes text, so its output '${this.outputName}' must be float32 [batch, dims]; got ${out.type} [${d.join(', ')}] for ${texts.length} texts`,
      );
    }
    const data = out.data as Float32Array;
    if (this.spec.normalize) l2NormalizeRows(data, texts.length, d[1]);
    return { data, dims: d[1], seconds };
  }

  /** One onnxruntime run on a padded batch: pooled, normalised rows (batch × dims). */
  private async runBatch(enc: EncodedBatch): Promise<{ data: Float32Array; dims: number; seconds: number }> {
    const shape = [enc.batch, enc.length];
    const feeds: Record<string, ModelFeed> = { input_ids: { data: enc.ids, dims: shape } };
    if (this.session.inputNames.includes('attention_mask')) feeds.attention_mask = { data: enc.mask, dims: shape };
    if (this.session.inputNames.includes('token_type_ids'))
      feeds.token_type_ids = { data: new BigInt64Array(enc.ids.length), dims: shape };
    const t0 = performance.now();
    let out: ModelOutput;
    try {
      out = (await this.session.run(feeds, [this.outputName]))[this.outputName];
    } catch (e) {
      throw new InputError(
        this.spec.onnxPath,
        `failed to run on a batch of ${enc.batch}×${enc.length} tokens (${firstLine(e)})`,
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    if (out.type !== 'float32')
      throw new InputError(this.spec.onnxPath, `output '${this.outputName}' is ${out.type}; expected float32`);
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
      throw new InputError(
        this.spec.onnxPath,
        `output '${this.outputName}' has shape [${d.join(', ')}] for a ${enc.batch}×${enc.length} batch; expected [batch, dims] or [batch, tokens, dims]`,
      );
    }
    if (this.spec.normalize) l2NormalizeRows(data, enc.batch, dims);
    return { data, dims, seconds };
  }

  /** Embeds texts in order; one row per text. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<EmbedResult> {
    if (!this.tokenizer) return this.embedTexts(texts, opts);
    const tokenizer = this.tokenizer;
    const n = texts.length;
    const encoded = new Array<number[]>(n);
    let truncated = 0;
    const lower = this.spec.lowercase;
    for (let i = 0; i < n; i++) {
      const e = tokenizer.encode(lower ? lowercase(texts[i]) : texts[i]);
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
        tokenizer.padId,
      );
      const r = await this.runBatch(enc);
      if (r.dims !== this.dims)
        throw new InputError(this.spec.onnxPath, `gave ${r.dims}-dim vectors after ${this.dims}-dim ones`);
      for (let t = 0; t < b; t++) out.set(r.data.subarray(t * this.dims, (t + 1) * this.dims), idx[t] * this.dims);
      sessionSeconds += r.seconds;
      if (!opts.batchTokens)
        this.tokensPerRun = nextBudget(this.tokensPerRun, enc.batch * enc.length, r.seconds, 64, 1 << 16);
      done += b;
      opts.progress?.(done / n, `embedded ${done} of ${n}`);
      // No extra yield: onnxruntime-node's session.run starts each run from setImmediate, so
      // the event loop (progress, cancellation) already turns once per batch.
    }
    return { matrix: { rows: n, cols: this.dims, data: out }, truncated, sessionSeconds };
  }

  /** `embed` for a model that takes text: longest texts first, batches sized in characters. */
  private async embedTexts(texts: string[], opts: EmbedOptions): Promise<EmbedResult> {
    const n = texts.length;
    for (let i = 0; i < n; i++) {
      if (typeof texts[i] !== 'string') throw new InputError(undefined, `text ${i} is not a string`);
    }
    const order = longestFirst(texts);
    const out = new Float32Array(n * this.dims);
    const dims = this.dims;
    let sessionSeconds = 0;
    let done = 0;
    while (done < n) {
      throwIfCancelled(opts.token);
      const budget = opts.batchTokens ?? this.charsPerRun;
      const b = Math.max(
        1,
        Math.min(MAX_TEXT_BATCH, n - done, Math.floor(budget / Math.max(1, texts[order[done]].length))),
      );
      const idx = order.subarray(done, done + b);
      const batch = new Array<string>(b);
      // Lowercased here, batch by batch, not as a copy of all texts up front (that copy alone
      // was 4% of the built-in model's time on 10k lines).
      if (this.spec.lowercase) for (let t = 0; t < b; t++) batch[t] = lowercase(texts[idx[t]]);
      else for (let t = 0; t < b; t++) batch[t] = texts[idx[t]];
      const r = await this.runTexts(batch);
      if (r.dims !== dims)
        throw new InputError(this.spec.onnxPath, `gave ${r.dims}-dim vectors after ${dims}-dim ones`);
      scatterRows(r.data, idx, dims, out);
      sessionSeconds += r.seconds;
      if (!opts.batchTokens) this.charsPerRun = nextBudget(budget, budget, r.seconds, 1024, 1 << 22);
      done += b;
      opts.progress?.(done / n, `embedded ${done} of ${n}`);
      // The event loop turns inside session.run (see embed).
    }
    return { matrix: { rows: n, cols: this.dims, data: out }, truncated: 0, sessionSeconds };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The next per-run budget (tokens, or characters for text models) so that a run takes about
 * TARGET_RUN_SECONDS, given that the last run did `done` units in `seconds`: it moves at most
 * ×2 per step (one slow run must not collapse it) and stays within [min, max].
 */
function nextBudget(current: number, done: number, seconds: number, min: number, max: number): number {
  if (seconds <= 0) return current;
  const ideal = (done / seconds) * TARGET_RUN_SECONDS;
  return Math.round(Math.max(min, Math.min(max, Math.min(current * 2, Math.max(current / 2, ideal)))));
}

/** Row t of `src` (batch order) to row idx[t] of `out`; a leaf function, so the JIT optimises it on its own. */
function scatterRows(src: Float32Array, idx: ArrayLike<number>, dims: number, out: Float32Array): void {
  for (let t = 0; t < idx.length; t++) out.set(src.subarray(t * dims, (t + 1) * dims), idx[t] * dims);
}

/** Indices by decreasing length, ties by index: a counting sort (lengths are small integers). */
function longestFirst(texts: string[]): Int32Array {
  const n = texts.length;
  const len = new Int32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    len[i] = texts[i].length;
    if (len[i] > max) max = len[i];
  }
  if (max > 1 << 20) return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => len[b] - len[a] || a - b);
  const start = new Int32Array(max + 2);
  for (let i = 0; i < n; i++) start[max - len[i] + 1]++;
  for (let k = 1; k <= max + 1; k++) start[k] += start[k - 1];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[start[max - len[i]]++] = i;
  return order;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .split('\n')[0]
    .slice(0, 300);
}

/**
 * sentence_bert_config.json do_lower_case: JavaScript's toLowerCase is the Unicode default
 * case mapping, as Python's str.lower() that sentence-transformers applies.
 */
function lowercase(text: string): string {
  return text.toLowerCase();
}
