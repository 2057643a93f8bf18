import { CLASSES } from '@tensorflow-models/coco-ssd/dist/classes';
import { CAT_COLUMN, cocoIdOfColumn, columnOf, DOG_COLUMN, parentEntry, TAXONOMY_BY_COLUMN, unmappedCocoClasses } from '../../../classifier/taxonomy';

describe('taxonomy', () => {
  it('names every one of the 80 COCO classes', () => {
    expect(unmappedCocoClasses()).toEqual([]);
    expect(TAXONOMY_BY_COLUMN.size).toBe(80);
  });

  it('finds cat and dog at the columns COCO gives them (ids 17 and 18)', () => {
    expect(CLASSES[String(cocoIdOfColumn(CAT_COLUMN))]?.displayName).toBe('cat');
    expect(CLASSES[String(cocoIdOfColumn(DOG_COLUMN))]?.displayName).toBe('dog');
  });

  it('uses Rekognition-style title-case names, each once', () => {
    const names = [...TAXONOMY_BY_COLUMN.values()].map((e) => e.name);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]*( [A-Z][A-Za-z]*)*$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it('never makes Cat or Dog a parent, so the policy cannot count a non-pet label as a pet', () => {
    for (const entry of TAXONOMY_BY_COLUMN.values()) {
      expect(entry.parents).not.toContain('Cat');
      expect(entry.parents).not.toContain('Dog');
    }
  });

  it('gives parent labels their ancestors', () => {
    expect(parentEntry('Canine').parents).toEqual(['Animal', 'Mammal']);
    expect(parentEntry('Animal')).toEqual({ name: 'Animal', parents: [], categories: ['Animals and Pets'] });
    expect(() => columnOf('Unicorn')).toThrow(RangeError);
  });
});
