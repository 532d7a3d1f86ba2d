/**
 * A text-embedding model folder in the common export layout:
 *
 *   model.onnx (or onnx/model.onnx)      the network
 *   tokenizer.json [+ tokenizer_config.json]
 *   config.json                          transformer config (max_position_embeddings, hidden_size)
 *   modules.json + 1_Pooling/config.json sentence-transformers pipeline: pooling, Normalize
 *   sentence_bert_config.json            max_seq_length, do_lower_case
 *
 * Only tokenizer.json and the ONNX file are required; everything else has a
 * documented default (mean pooling, no normalisation, 512 tokens), and what was
 * chosen is reported in `ModelSpec` so the user can see it.
 *
 * A model whose single input is a string tensor tokenises inside its graph (an
 * "end-to-end" model, like the built-in one): it gets the raw texts, must output
 * pooled [batch, dims] vectors, and needs no tokenizer.json (model.ts checks
 * that, as only the loaded session tells which kind a model is).
 *
 * The files are read through io/modelFolder.ts; this module decides what they mean.
 */
import * as path from 'path';
import { fileExists } from '../io/files';
import { findModelOnnx, readModelJson, readModulesList, requireModelFolder } from '../io/modelFolder';
import { InputError } from '../util/errors';

export type Pooling = 'mean' | 'cls' | 'max';

export interface ModelSpec {
  dir: string;
  onnxPath: string;
  /** tokenizer.json when the folder has one (models that take text need none); read by `readTokenizerJson`. */
  tokenizerPath?: string;
  tokenizerConfig: Record<string, unknown>;
  pooling: Pooling;
  /** L2-normalise the pooled vector (sentence-transformers Normalize module). */
  normalize: boolean;
  /** Token limit, special tokens included. */
  maxLength: number;
  /**
   * Lowercase every text before the model sees it (sentence_bert_config.json do_lower_case,
   * as sentence-transformers' Transformer module does with str.lower()).
   */
  lowercase: boolean;
  /** Where each choice came from, for `embed` output and the hover. */
  notes: string[];
}

const DEFAULT_MAX_LENGTH = 512;

/** Pooling and normalisation as the sentence-transformers pipeline declares them. */
function readPipeline(dir: string, notes: string[]): { pooling: Pooling; normalize: boolean } {
  const modules = readModulesList(path.join(dir, 'modules.json'));
  if (!modules) {
    notes.push('no modules.json: mean pooling, no normalisation');
    return { pooling: 'mean', normalize: false };
  }
  let pooling: Pooling = 'mean';
  const poolMod = modules.find((m) => typeof m.type === 'string' && m.type.endsWith('.Pooling'));
  if (poolMod) {
    const cfgFile = path.join(dir, poolMod.path ?? '1_Pooling', 'config.json');
    const declared = readModelJson(cfgFile, false);
    const cfg = declared ?? {};
    if (cfg.pooling_mode_cls_token) pooling = 'cls';
    else if (cfg.pooling_mode_max_tokens) pooling = 'max';
    else if (cfg.pooling_mode_mean_tokens || !declared) pooling = 'mean';
    else {
      const asked = Object.keys(cfg).filter((k) => k.startsWith('pooling_mode_') && cfg[k]);
      throw new InputError(cfgFile, `asks for pooling ${asked.join(', ') || '(none)'}; supported: mean, cls, max`);
    }
    notes.push(`${pooling} pooling (${path.relative(dir, cfgFile)})`);
  } else {
    notes.push('modules.json has no Pooling module: mean pooling');
  }
  const normalize = modules.some((m) => typeof m.type === 'string' && m.type.endsWith('.Normalize'));
  notes.push(normalize ? 'L2-normalised (Normalize module)' : 'not normalised');
  return { pooling, normalize };
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1e6 ? v : undefined;
}

/** Reads and checks a model folder; throws InputError naming the missing or broken file. */
export function readModelFolder(dir: string): ModelSpec {
  const abs = path.resolve(dir);
  requireModelFolder(abs);
  // Parsed only for models that take token ids: a text model's tokenizer.json is documentation (MBs of vocabulary).
  const tokenizerPath = fileExists(path.join(abs, 'tokenizer.json')) ? path.join(abs, 'tokenizer.json') : undefined;
  const onnxPath = findModelOnnx(abs);
  const tokenizerConfig = readModelJson(path.join(abs, 'tokenizer_config.json'), false) ?? {};
  const config = readModelJson(path.join(abs, 'config.json'), false) ?? {};
  const stConfig = readModelJson(path.join(abs, 'sentence_bert_config.json'), false) ?? {};
  const notes: string[] = [];
  const { pooling, normalize } = readPipeline(abs, notes);
  // First declared wins, in this order: sentence-transformers truncates to max_seq_length even when
  // the transformer could take more positions, and model_max_length is what HF tokenizers enforce.
  const limits: [string, number | undefined][] = [
    ['sentence_bert_config.json max_seq_length', positiveInt(stConfig.max_seq_length)],
    ['tokenizer_config.json model_max_length', positiveInt(tokenizerConfig.model_max_length)],
    ['config.json max_position_embeddings', positiveInt(config.max_position_embeddings)],
  ];
  const declared = limits.filter((l): l is [string, number] => l[1] !== undefined);
  const first = declared[0];
  const maxLength = first ? first[1] : DEFAULT_MAX_LENGTH;
  notes.push(first ? `max ${maxLength} tokens (${first[0]})` : `max ${maxLength} tokens (default; no limit declared)`);
  const lowercase = stConfig.do_lower_case === true;
  if (lowercase) notes.push('lowercases texts (sentence_bert_config.json do_lower_case)');
  return { dir: abs, onnxPath, tokenizerPath, tokenizerConfig, pooling, normalize, maxLength, lowercase, notes };
}

/** A folder's tokenizer.json, checked to be a Hugging Face tokenizer; throws InputError naming the file. */
export function readTokenizerJson(spec: ModelSpec): Record<string, unknown> {
  const file = spec.tokenizerPath ?? path.join(spec.dir, 'tokenizer.json');
  const tj = readModelJson(file, true)!;
  if (!tj.model || typeof tj.model !== 'object')
    throw new InputError(file, 'has no "model" section; is it a Hugging Face tokenizer.json?');
  return tj;
}
