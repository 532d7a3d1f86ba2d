/**
 * Loading a linear classifier for the NC3/NC4 terms; its files (weights C×d, optional
 * bias of C values) are read and checked by io/classifierFile.ts.
 */
import { readClassifierFiles } from '../../io/classifierFile';
import { Classifier } from './collapse';

export function loadClassifier(weightsPath: string, biasPath?: string): Classifier {
  return readClassifierFiles(weightsPath, biasPath);
}
