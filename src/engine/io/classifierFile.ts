/**
 * The files of a linear classifier for the NC3/NC4 terms: weights .npy (C×d, row c
 * scores class c) and an optional bias .npy (C values, 1-D or C×1 / 1×C).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Matrix } from '../core/matrix';
import { InputError } from '../util/errors';
import { readNpy, readNpyHeader } from './npy';
import { openReadOnly } from './openFile';

export interface ClassifierFiles {
  weights: Matrix;
  bias?: Float32Array;
  /** The weights file, resolved. */
  weightsPath: string;
}

export function readClassifierFiles(weightsPath: string, biasPath?: string): ClassifierFiles {
  const wFile = path.resolve(weightsPath);
  const weights = readNpy(wFile).matrix;
  return { weights, bias: biasPath ? readBiasVector(path.resolve(biasPath)) : undefined, weightsPath: wFile };
}

/** A float .npy holding one vector (shape (C,), (C, 1) or (1, C)), as float32. */
function readBiasVector(file: string): Float32Array {
  const fd = openReadOnly(file);
  try {
    const size = fs.fstatSync(fd).size;
    const h = readNpyHeader(file, fd, size);
    const count = h.shape.reduce((a, b) => a * b, 1);
    if (!(h.shape.length === 1 || (h.shape.length === 2 && Math.min(...h.shape) === 1))) {
      throw new InputError(file, `has shape (${h.shape.join(', ')}); a bias must be a vector of C values`);
    }
    if (h.kind !== 'f' || (h.itemSize !== 4 && h.itemSize !== 8))
      throw new InputError(file, `has dtype ${h.descr}; a bias must be float32 or float64`);
    const bytes = Buffer.alloc(count * h.itemSize);
    if (fs.readSync(fd, bytes, 0, bytes.length, h.dataOffset) < bytes.length)
      throw new InputError(file, `truncated: expected ${count} values`);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const o = i * h.itemSize;
      out[i] =
        h.itemSize === 4
          ? h.littleEndian
            ? bytes.readFloatLE(o)
            : bytes.readFloatBE(o)
          : h.littleEndian
            ? bytes.readDoubleLE(o)
            : bytes.readDoubleBE(o);
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}
