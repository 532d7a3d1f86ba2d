// What every suite needs about the workspace and the extension: its id, files of the
// sample workspace, and .npy files read and written independently of the engine's reader.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'embedding-lens.embedding-lens';

export function sampleUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with the sample workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Reads a little-endian float32 C-order 2-D .npy directly (independent of the engine's reader). */
export function readNpyF32(file: string): { rows: number; cols: number; data: Float32Array } {
  const buf = fs.readFileSync(file);
  const len = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + len).toString('latin1');
  const [rows, cols] = /\((\d+), (\d+)\)/.exec(header)!.slice(1).map(Number);
  const bytes = buf.subarray(10 + len);
  return {
    rows,
    cols,
    data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + rows * cols * 4)),
  };
}

/** Writes a float32 C-order .npy (header padded to 64 bytes, as numpy writes). */
export function writeNpyF32(file: string, rows: number, cols: number, data: Float32Array): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(
    file,
    Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
  );
}

/**
 * The k rows most cosine-similar to row `q` (self excluded, ties by lower row), by brute force in
 * float64: the suites' independent oracle for the engine's neighbours.
 */
export function bruteCosine(
  m: { rows: number; cols: number; data: Float32Array },
  q: number,
  k: number,
): { row: number; score: number }[] {
  const d = m.cols;
  const norm = (i: number) => Math.sqrt(Array.from(m.data.subarray(i * d, i * d + d)).reduce((s, v) => s + v * v, 0));
  const nq = norm(q);
  const out: { row: number; score: number }[] = [];
  for (let i = 0; i < m.rows; i++) {
    if (i === q) continue;
    let s = 0;
    for (let j = 0; j < d; j++) s += m.data[q * d + j] * m.data[i * d + j];
    out.push({ row: i, score: s / (nq * norm(i)) });
  }
  out.sort((a, b) => b.score - a.score || a.row - b.row);
  return out.slice(0, k);
}
