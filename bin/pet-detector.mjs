#!/usr/bin/env node
// `npx pet-detector <command>`: a thin dispatcher; each command lives with the code it drives.
import { register } from 'tsx/esm/api';

register();
const commands = {
  classify: () => import('../classifier/cli.ts'),
  upload: () => import('../local/cli/upload.ts'),
};
const [name, ...args] = process.argv.slice(2);
const load = commands[name];
if (!load) {
  console.error(`usage: pet-detector <${Object.keys(commands).join('|')}> [options] <files or folders...>`);
  process.exit(2);
}
const { main } = await load();
process.exitCode = await main(args);
