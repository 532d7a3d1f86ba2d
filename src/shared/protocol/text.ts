/**
 * Text in, neighbours out: local ONNX text models, embedding texts and text
 * files, the neighbours of a text, and the hover's row neighbours with texts.
 */
import type { DatasetRef, Metric, Neighbor } from './common';
import { request } from './request';

export interface TextModelRef {
  /** A model folder (model.onnx + tokenizer.json …), or 'builtin'/absent for the built-in GloVe model. */
  model?: string;
}

export interface TextModelInfo {
  dir: string;
  builtin: boolean;
  dims: number;
  maxLength: number;
  pooling: 'mean' | 'cls' | 'max';
  normalize: boolean;
  /**
   * The model's single input is a string tensor: it tokenises (and pools) inside its graph; maxLength does not apply.
   */
  takesText?: boolean;
  /** Where each choice came from (pooling config, token limit …). */
  notes: string[];
}

export const TextModelDescribe = request<TextModelRef, TextModelInfo>('embeddingLens/text/describeModel');

export interface EmbedTextParams extends TextModelRef {
  texts: string[];
  workDoneToken?: string | number;
}

export interface EmbedTextResult {
  dims: number;
  /** One vector per text, in order. */
  vectors: Float32Array[];
  truncated: number;
}

export const EmbedText = request<EmbedTextParams, EmbedTextResult>('embeddingLens/text/embed');

export interface TextNeighbor extends Neighbor {
  /** The row's text/label from the dataset's metadata, when it has one. */
  text?: string;
}

export interface NeighborsOfTextParams extends DatasetRef, TextModelRef {
  text: string;
  k: number;
  metric: Metric;
}

export interface NeighborsOfTextResult {
  model: string;
  dims: number;
  neighbors: TextNeighbor[];
}

/** Embeds the text and returns the dataset's k nearest rows; a dimension mismatch is an input error naming both. */
export const NeighborsOfText = request<NeighborsOfTextParams, NeighborsOfTextResult>('embeddingLens/text/neighbors');

export interface TextColumnsParams {
  input: string;
}

export interface TextColumnsResult {
  /** .txt files have none (one item per line). */
  columns: string[];
  /** The column used when none is chosen, if the file makes it unambiguous. */
  suggested?: string;
}

export const TextColumns = request<TextColumnsParams, TextColumnsResult>('embeddingLens/text/columns');

export interface EmbedFileParams extends TextModelRef {
  input: string;
  out: string;
  textColumn?: string;
  /** Replace existing output files (the host asks the user first). */
  force?: boolean;
  workDoneToken?: string | number;
}

export interface EmbedFileResult {
  out: string;
  /** The sidecar written beside `out`: one {"text", "source_row"} JSON object per vector. */
  metadata: string;
  rows: number;
  dims: number;
  model: string;
  modelNotes: string[];
  skippedBlank: number;
  truncated: number;
  seconds: number;
  warnings: string[];
}

export const EmbedFile = request<EmbedFileParams, EmbedFileResult>('embeddingLens/text/embedFile');

export interface RowNeighborsParams extends DatasetRef {
  row: number;
  k: number;
  metric: Metric;
}

export interface RowNeighborsResult {
  row: number;
  text?: string;
  neighbors: TextNeighbor[];
  /** Engine time for the answer (the hover's budget is 150 ms). */
  ms: number;
}

/** A row's neighbours with their texts: what the metadata-file hover shows. */
export const RowNeighborsWithText = request<RowNeighborsParams, RowNeighborsResult>('embeddingLens/text/rowNeighbors');
