/** `pet-detector export`'s command line: its defaults, and a named error for each kind of mistake. */
import { parseExportArgs } from '../../../../local/cli/export';
import { FlagError } from '../../../../local/cli/filter-flags';

const codeOf = (args: string[]) => {
  try {
    parseExportArgs(args);
  } catch (error) {
    if (error instanceof FlagError) return error.code;
    throw error;
  }
  return 'accepted';
};

it('defaults to every image, as CSV, on stdout, with the local stack', () => {
  expect(parseExportArgs([])).toEqual({ filter: {}, format: 'csv', parallel: 4, target: expect.any(Object), help: false });
});

it('takes the filter, the format, the file and the target', () => {
  const options = parseExportArgs([
    '--from', '2026-01-01', '--to', '2026-01-31', '--animal', 'cat', '--status', 'COMPLETED', '--uncertain',
    '--min-confidence', '50', '--format', 'JSONL', '--out', 'cats.jsonl', '--parallel', '2', '--username', 'ana@example.com', '--password', 'pw', '--outputs', 'o.json',
  ]);
  expect(options).toEqual({
    filter: {
      createdAfter: '2026-01-01T00:00:00.000Z',
      createdBefore: '2026-01-31T23:59:59.999Z',
      detectedAnimal: 'CAT',
      status: 'COMPLETED',
      uncertain: true,
      minConfidence: 50,
    },
    format: 'jsonl',
    out: 'cats.jsonl',
    parallel: 2,
    target: expect.objectContaining({ username: 'ana@example.com', password: 'pw', outputs: 'o.json' }),
    help: false,
  });
});

it.each([
  [['--format', 'xlsx'], 'UnknownFormat'],
  [['--out', ''], 'InvalidFlag'],
  [['--out'], 'InvalidFlag'],
  [['--limit', '5'], 'InvalidFlag'],
  [['extra'], 'InvalidFlag'],
  [['--from', '2026-01-32'], 'InvalidDate'],
  [['--from', '2026-02-02', '--to', '2026-02-01T23:00:00Z'], 'DateRangeReversed'],
  [['--animal', 'cow'], 'UnknownAnimal'],
  [['--status', 'lost'], 'UnknownStatus'],
  [['--min-confidence', 'ninety'], 'InvalidNumber'],
  [['--parallel', '0'], 'InvalidNumber'],
  [['--parallel', '2.5'], 'InvalidNumber'],
  [['--parallel', '17'], 'InvalidNumber'],
])('%p is refused as %s', (args, code) => {
  expect(codeOf(args)).toBe(code);
});
