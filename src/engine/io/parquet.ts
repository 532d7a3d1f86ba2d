/** Parquet reader: being written (see the readers work item). */
import { Matrix } from '../core/matrix';
import { InputError } from '../util/errors';
import { MetadataTable } from './metadata';

export interface ParquetData {
  matrix: Matrix;
  /** 'float' | 'double' | 'list<float>' ... as found in the file. */
  dtype: string;
  /** The embedding column, or the numeric columns joined by ','. */
  column: string;
  /** Every other column. */
  metadata?: MetadataTable;
  warnings: string[];
}

/** Thrown when several columns could hold the embeddings; the caller asks the user. */
export class ParquetNeedsColumn extends InputError {
  constructor(file: string, readonly candidates: string[]) {
    super(file, `has several columns that could hold the embeddings (${candidates.join(', ')}); choose one with --column`);
  }
}

export async function readParquet(file: string, _opts: { column?: string }): Promise<ParquetData> {
  throw new InputError(file, 'parquet reading is not available in this build');
}
