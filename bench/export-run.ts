/**
 * The export command run alone in its own process for bench:export, so that its peak RSS is the export's and
 * not the stack's: runs `pet-detector export <args>` and prints one JSON line with its exit code and peak RSS.
 */
import { main } from '../local/cli/export';

void main(process.argv.slice(2)).then((code) => {
  process.stdout.write(`${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS })}\n`);
  process.exitCode = code;
});
