import { confusionMatrix, expectedAnimal, formatMatrix, score } from '../../../classifier/evaluation';

describe('evaluation', () => {
  it('reads the expected animal from the folder name', () => {
    expect(expectedAnimal('test/fixtures/photos/cat/a.jpg')).toBe('CAT');
    expect(expectedAnimal('/x/Dogs/b.png')).toBe('DOG');
    expect(expectedAnimal('other/c.jpg')).toBe('OTHER');
    expect(expectedAnimal('/photos/holiday/d.jpg')).toBeUndefined();
  });

  it('counts a confusion matrix, accuracy and cat<->dog swaps', () => {
    const matrix = confusionMatrix([
      { expected: 'CAT', actual: 'CAT' },
      { expected: 'CAT', actual: 'DOG' },
      { expected: 'DOG', actual: 'OTHER' },
      { expected: 'OTHER', actual: 'OTHER' },
    ]);
    expect(matrix.CAT).toEqual({ CAT: 1, DOG: 1, OTHER: 0 });
    expect(score(matrix)).toEqual({ total: 4, correct: 2, accuracy: 0.5, catDogSwaps: 1 });
    expect(formatMatrix(matrix).split('\n')).toEqual([
      'truth \\ said       CAT     DOG   OTHER',
      'CAT                  1       1       0',
      'DOG                  0       0       1',
      'OTHER                0       0       1',
    ]);
  });

  it('scores an empty run as 0 of 0', () => {
    expect(score(confusionMatrix([]))).toEqual({ total: 0, correct: 0, accuracy: 0, catDogSwaps: 0 });
  });
});
