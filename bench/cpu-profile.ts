/**
 * A V8 CPU profile (node:inspector's Profiler, the .cpuprofile format) reduced to where the time went: self time
 * by area of the code (a package, a folder of this repository, a Node module, the garbage collector), in
 * milliseconds per call, so that a bench can say what a request costs and where without opening a profiler.
 */
import type { Profiler, Runtime } from 'node:inspector';

/** The area a frame's time counts for: `graphql`, `@smithy/core`, `local/appsync-server`, `node:http`, `(garbage collector)`. */
const areaOf = (frame: Runtime.CallFrame): string => {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `native code (${functionName || 'anonymous'})`;
  const packages = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  if (packages.length > 0) return packages[packages.length - 1]![1]!;
  if (url.startsWith('node:')) return url;
  if (url.startsWith('evalmachine') || url.includes('/resolvers/')) return 'resolver bundles (in node:vm)';
  const inRepo = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
  return inRepo.split('/').slice(0, 2).join('/');
};

/** Self time per area, in ms per call, busiest first; idle time left out. */
export const selfTimeByArea = (profile: Profiler.Profile, calls: number): Array<{ area: string; msPerCall: number }> => {
  const areaOfNode = new Map(profile.nodes.map((node) => [node.id, areaOf(node.callFrame)]));
  const totals = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    // A sample's time is the gap to the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const area = areaOfNode.get(id) ?? '(unknown)';
    totals.set(area, (totals.get(area) ?? 0) + ms);
  });
  totals.delete('(idle)');
  return [...totals.entries()].map(([area, ms]) => ({ area, msPerCall: ms / calls })).sort((a, b) => b.msPerCall - a.msPerCall);
};
