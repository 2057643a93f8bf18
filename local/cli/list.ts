/**
 * `npx pet-detector list [filters]`: the newest images matching a filter, as a table or JSON. Pages on past
 * short and empty pages (the server's read budget) until it has --limit images or there are no more, and
 * prints the token to continue from. Targets the local stack by default, like `upload`.
 */
import { parseArgs } from 'node:util';
import { listImages, type Image } from '../client/graphql';
import { FILTER_OPTIONS, FILTER_USAGE, FlagError, filterFromFlags } from './filter-flags';
import { EXIT, resolveTarget, SignInRequiredError, TARGET_OPTIONS, TARGET_USAGE } from './target';

const USAGE = `usage: pet-detector list ${FILTER_USAGE.replace('\n', '\n                         ')}
                         [--limit N] [--next-token TOKEN] [--json]
${TARGET_USAGE.replace(/^/gm, '                         ')}
Signed in (--username/--password), it lists your own images (an analyst: everyone's); without, the API key's.`;

/** Most images one listing prints; ten requests of the largest page. */
const MAX_LIMIT = 1000;

const formatTable = (images: Image[]): string => {
  const rows = images.map((i) => [
    i.id,
    i.status,
    i.detectedAnimal ?? '-',
    i.confidence != null ? i.confidence.toFixed(1) : '-',
    i.uncertain == null ? '-' : i.uncertain ? 'yes' : 'no',
    i.createdAt,
    i.fileName ?? '',
  ]);
  const header = ['id', 'status', 'animal', 'confidence', 'uncertain', 'created', 'file'];
  const widths = header.map((h, n) => Math.max(h.length, ...rows.map((r) => (r[n] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, n) => c.padEnd(widths[n] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

export const main = async (args: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        ...FILTER_OPTIONS,
        limit: { type: 'string', default: '20' },
        'next-token': { type: 'string' },
        json: { type: 'boolean', default: false },
        ...TARGET_OPTIONS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    console.error(`--limit must be a whole number from 1 to ${MAX_LIMIT}\n${USAGE}`);
    return 2;
  }
  let filter;
  try {
    filter = filterFromFlags(values);
  } catch (error) {
    console.error(`${(error as FlagError).code}: ${(error as FlagError).message}\n${USAGE}`);
    return 2;
  }
  try {
    const target = await resolveTarget(values);
    const read = await listImages(target, filter, limit, values['next-token'] ?? null);
    if (values.json) {
      console.log(JSON.stringify({ items: read.items, nextToken: read.nextToken }, null, 2));
    } else {
      console.log(formatTable(read.items));
      if (read.nextToken) console.log(`\nmore: pet-detector list ... --next-token ${read.nextToken}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof SignInRequiredError) {
      console.error(`${error.name}: ${error.message}`);
      return EXIT.signInRequired;
    }
    console.error((error as Error).message);
    return EXIT.failed;
  }
};
