/**
 * Tokenisation with Hugging Face's tokenizers.js (`@huggingface/tokenizers`), which
 * runs a tokenizer.json exactly as the Rust `tokenizers` crate defines it
 * (normaliser → pre-tokeniser → model → post-processor). We add what sentence
 * embedding needs on top: truncation to the model's limit that keeps the special
 * tokens ([CLS] … [SEP]), and padding of a batch into dense id/mask tensors.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../util/errors';

export interface EncodedBatch {
  /** Row-major batch × length token ids, padded with `padId`. */
  ids: BigInt64Array;
  /** 1 for real tokens, 0 for padding. */
  mask: BigInt64Array;
  batch: number;
  length: number;
  /** Tokens per text before padding (after truncation). */
  lengths: number[];
  /** How many texts were cut to the limit. */
  truncated: number;
}

export class TextTokenizer {
  private readonly tok: Tokenizer;
  private readonly prefix: number[];
  private readonly suffix: number[];
  readonly padId: number;

  constructor(
    private readonly file: string,
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
    readonly maxLength: number,
  ) {
    const model = tokenizerJson.model as { unk_token?: string };
    // tokenizers.js reads unk/pad from tokenizer_config.json; a bare tokenizer.json (WordLevel) keeps it in the model.
    const config = { ...tokenizerConfig, unk_token: tokenizerConfig.unk_token ?? model.unk_token };
    try {
      this.tok = new Tokenizer(tokenizerJson, config);
    } catch (e) {
      throw new InputError(file, `cannot be used as a tokenizer (${(e as Error).message})`);
    }
    [this.prefix, this.suffix] = this.specialTemplate();
    this.padId = this.findPadId(tokenizerJson, tokenizerConfig);
    if (this.prefix.length + this.suffix.length >= maxLength)
      throw new InputError(
        file,
        `adds ${this.prefix.length + this.suffix.length} special tokens, which leaves no room under the model's limit of ${maxLength}`,
      );
  }

  /**
   * The special tokens the post-processor puts before and after a single text
   * (e.g. [CLS] and [SEP] for BERT), found by encoding a probe with and without them.
   */
  private specialTemplate(): [number[], number[]] {
    const probe = 'hello world';
    const plain = this.tok.encode(probe, { add_special_tokens: false }).ids;
    const full = this.tok.encode(probe).ids;
    for (let i = 0; i + plain.length <= full.length; i++) {
      if (plain.every((v, j) => full[i + j] === v)) return [full.slice(0, i), full.slice(i + plain.length)];
    }
    throw new InputError(
      this.file,
      'has a post-processor that rewrites the text tokens; only templates that add tokens around the text are supported',
    );
  }

  private findPadId(tj: Record<string, unknown>, tc: Record<string, unknown>): number {
    const padding = tj.padding as { pad_id?: number } | null | undefined;
    if (padding && typeof padding.pad_id === 'number') return padding.pad_id;
    const padToken = typeof tc.pad_token === 'string' ? tc.pad_token : '[PAD]';
    return this.tok.token_to_id(padToken) ?? 0;
  }

  /** Token ids of one text, special tokens included, cut to `maxLength` (the text's tail is dropped). */
  encode(text: string): { ids: number[]; truncated: boolean } {
    const body = this.tok.encode(text, { add_special_tokens: false }).ids;
    const room = this.maxLength - this.prefix.length - this.suffix.length;
    const kept = body.length > room ? body.slice(0, room) : body;
    for (let i = 0; i < kept.length; i++) {
      // tokenizers.js leaves ids undefined when a vocabulary has no unknown token.
      if (kept[i] === undefined)
        throw new InputError(this.file, `has no id for a token of the text and no unknown token to fall back on`);
    }
    return { ids: [...this.prefix, ...kept, ...this.suffix], truncated: kept.length < body.length };
  }

  /** The tokens as strings (for tests and the CLI's --explain). */
  tokens(text: string): string[] {
    return this.tok.encode(text).tokens;
  }

  /** Encodes texts and pads them into one batch. */
  encodeBatch(texts: string[]): EncodedBatch {
    const enc = texts.map((t) => this.encode(t));
    return padBatch(
      enc.map((e) => e.ids),
      this.padId,
      enc.filter((e) => e.truncated).length,
    );
  }
}

/** Dense batch × maxlen tensors from ragged id lists. */
export function padBatch(seqs: number[][], padId: number, truncated = 0): EncodedBatch {
  const batch = seqs.length;
  const length = Math.max(1, ...seqs.map((s) => s.length));
  const ids = new BigInt64Array(batch * length).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * length);
  for (let b = 0; b < batch; b++) {
    const s = seqs[b];
    for (let t = 0; t < s.length; t++) {
      ids[b * length + t] = BigInt(s[t]);
      mask[b * length + t] = 1n;
    }
  }
  return { ids, mask, batch, length, lengths: seqs.map((s) => s.length), truncated };
}
