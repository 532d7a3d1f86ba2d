/** In-memory datasets for engine tests: a matrix and optional metadata columns; nothing is read or written. */
import type { Matrix } from '../../../src/engine/core/matrix';
import type { Dataset } from '../../../src/engine/data/dataset';

export function memoryDataset(
  m: Matrix,
  file = '/tmp/in-memory.npy',
  columns: Record<string, (string | number | null)[]> = {},
  kind: 'category' | 'text' = 'category',
): Dataset {
  const names = Object.keys(columns);
  return {
    id: file,
    path: file,
    format: 'npy',
    matrix: m,
    dtype: '<f4',
    fileBytes: m.data.byteLength,
    warnings: [],
    cache: new Map(),
    metadata: names.length
      ? {
          source: file.replace(/\.npy$/, '.tsv'),
          rows: m.rows,
          columns: names.map((name) => ({ name, kind, values: columns[name] })),
        }
      : undefined,
  };
}
