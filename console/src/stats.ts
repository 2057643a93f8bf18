/**
 * The header's figures. The API has no aggregate query, so the console makes a bounded read: the newest
 * STATS_READ_LIMIT images through images() in pages of 100, kept as id -> summary. Live results then
 * update the same map, so the figures stay exact without re-reading. Beyond the bound the header says
 * the figures cover "the latest N" rather than pretending to be totals.
 */
import type { Animal, Api, Image } from './api';

export const STATS_READ_LIMIT = 1000;
const PAGE = 100;

export type ImageSummary = Pick<Image, 'status' | 'detectedAnimal' | 'uncertain'>;

export interface Stats {
  byAnimal: Record<Animal, number>;
  classified: number;
  uncertain: number;
  /** uncertain / classified, or undefined when nothing is classified yet. */
  uncertainRate?: number;
  pending: number;
  failed: number;
  /** True when more images exist than the bounded read covered. */
  truncated: boolean;
}

export const readSummaries = async (api: Api): Promise<{ summaries: Map<string, ImageSummary>; truncated: boolean }> => {
  const summaries = new Map<string, ImageSummary>();
  let nextToken: string | null | undefined;
  do {
    const page = await api.images({}, PAGE, nextToken);
    for (const image of page.items) summaries.set(image.id, image);
    nextToken = page.nextToken;
  } while (nextToken && summaries.size < STATS_READ_LIMIT);
  return { summaries, truncated: Boolean(nextToken) };
};

export const computeStats = (summaries: Iterable<ImageSummary>, truncated: boolean): Stats => {
  const byAnimal: Record<Animal, number> = { CAT: 0, DOG: 0, OTHER: 0 };
  let classified = 0;
  let uncertain = 0;
  let pending = 0;
  let failed = 0;
  for (const summary of summaries) {
    if (summary.status === 'COMPLETED') {
      classified += 1;
      if (summary.detectedAnimal) byAnimal[summary.detectedAnimal] += 1;
      if (summary.uncertain) uncertain += 1;
    } else if (summary.status === 'FAILED') failed += 1;
    else pending += 1;
  }
  return { byAnimal, classified, uncertain, uncertainRate: classified ? uncertain / classified : undefined, pending, failed, truncated };
};
