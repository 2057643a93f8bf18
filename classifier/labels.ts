/**
 * Class evidence -> Rekognition DetectLabels' response shape.
 */
import type { LabelDetection } from '../functions/core/ports';
import { toConfidence } from './calibration';
import type { ClassEvidence } from './evidence';
import { parentEntry, TAXONOMY_BY_COLUMN, type TaxonomyEntry } from './taxonomy';

type Label = NonNullable<LabelDetection['Labels']>[number];

export interface LabelOptions {
  /** Labels (and instances) below this confidence are left out, like Rekognition's MinConfidence. */
  minConfidence: number;
  /** At most this many labels, highest confidence first, like Rekognition's MaxLabels. */
  maxLabels: number;
  modelVersion: string;
}

const names = (list: readonly string[]): Array<{ Name: string }> => list.map((Name) => ({ Name }));

const describe = (entry: TaxonomyEntry, confidence: number): Label => {
  const label: Label = {
    Name: entry.name,
    Confidence: confidence,
    Instances: [],
    Parents: names(entry.parents),
    Categories: names(entry.categories),
  };
  if (entry.aliases) label.Aliases = names(entry.aliases);
  return label;
};

export const toLabelDetection = (evidence: readonly ClassEvidence[], options: LabelOptions): LabelDetection => {
  const leaves: Label[] = [];
  const parentConfidence = new Map<string, number>();
  for (const e of evidence) {
    const entry = TAXONOMY_BY_COLUMN.get(e.column);
    const confidence = toConfidence(e.score);
    if (!entry || confidence < options.minConfidence) continue;
    const label = describe(entry, confidence);
    label.Instances = e.instances
      .map((d) => ({ d, confidence: toConfidence(d.score) }))
      .filter((i) => i.confidence >= options.minConfidence)
      .map(({ d, confidence: c }) => ({
        BoundingBox: {
          Left: d.box.left,
          Top: d.box.top,
          Width: d.box.right - d.box.left,
          Height: d.box.bottom - d.box.top,
        },
        Confidence: c,
      }));
    leaves.push(label);
    // Rekognition also lists each ancestor as a label, as sure as its surest descendant.
    for (const parent of entry.parents) parentConfidence.set(parent, Math.max(parentConfidence.get(parent) ?? 0, confidence));
  }
  const leafNames = new Set(leaves.map((l) => l.Name));
  const parents = [...parentConfidence]
    .filter(([name]) => !leafNames.has(name))
    .map(([name, confidence]) => describe(parentEntry(name), confidence));
  // Stable sort keeps a leaf ahead of its equally confident parents.
  const Labels = [...leaves, ...parents]
    .sort((a, b) => (b.Confidence ?? 0) - (a.Confidence ?? 0))
    .slice(0, options.maxLabels);
  return { Labels, LabelModelVersion: options.modelVersion };
};
