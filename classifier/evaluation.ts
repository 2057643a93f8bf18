/**
 * Scoring classifications against folder-named truth (cat/, dog/, other/): the CLI's confusion
 * matrix and the accuracy test use the same code.
 */
import { basename, dirname } from 'node:path';
import type { Animal } from '../functions/core/domain';

export const ANIMALS: readonly Animal[] = ['CAT', 'DOG', 'OTHER'];

const BY_FOLDER: Record<string, Animal> = { cat: 'CAT', cats: 'CAT', dog: 'DOG', dogs: 'DOG', other: 'OTHER', others: 'OTHER' };

/** The animal a file's folder names, if its folder is cat(s), dog(s) or other(s). */
export const expectedAnimal = (file: string): Animal | undefined => BY_FOLDER[basename(dirname(file)).toLowerCase()];

export interface Verdict {
  expected: Animal;
  actual: Animal;
}

/** matrix[expected][actual] = count */
export type ConfusionMatrix = Record<Animal, Record<Animal, number>>;

export const confusionMatrix = (verdicts: readonly Verdict[]): ConfusionMatrix => {
  const row = (): Record<Animal, number> => ({ CAT: 0, DOG: 0, OTHER: 0 });
  const matrix: ConfusionMatrix = { CAT: row(), DOG: row(), OTHER: row() };
  for (const v of verdicts) matrix[v.expected][v.actual] += 1;
  return matrix;
};

export interface Score {
  total: number;
  correct: number;
  accuracy: number;
  /** Cats called dogs plus dogs called cats: the one mistake the product must not make. */
  catDogSwaps: number;
}

export const score = (matrix: ConfusionMatrix): Score => {
  const total = ANIMALS.reduce((sum, e) => sum + ANIMALS.reduce((s, a) => s + matrix[e][a], 0), 0);
  const correct = ANIMALS.reduce((sum, a) => sum + matrix[a][a], 0);
  return { total, correct, accuracy: total === 0 ? 0 : correct / total, catDogSwaps: matrix.CAT.DOG + matrix.DOG.CAT };
};

export const formatMatrix = (matrix: ConfusionMatrix): string => {
  const width = 8;
  const header = ['truth \\ said'.padEnd(14), ...ANIMALS.map((a) => a.padStart(width))].join('');
  const rows = ANIMALS.map((e) => [e.padEnd(14), ...ANIMALS.map((a) => String(matrix[e][a]).padStart(width))].join(''));
  return [header, ...rows].join('\n');
};
