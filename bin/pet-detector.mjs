#!/usr/bin/env node
// `npx pet-detector <command>`: a thin dispatcher; each command lives with the code it drives.
import { register } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';

// The package is CommonJS (no "type": "module"), so tsx loads the .ts commands as CommonJS modules:
// without its CommonJS hook Node would try to run them untransformed and fail.
register();
registerCjs();
const commands = {
  classify: () => import('../classifier/cli.ts'),
  upload: () => import('../local/cli/upload.ts'),
  list: () => import('../local/cli/list.ts'),
  export: () => import('../local/cli/export.ts'),
  users: () => import('../local/cli/users.ts'),
};
const [name, ...args] = process.argv.slice(2);
const load = commands[name];
if (!load) {
  console.error(`usage: pet-detector <${Object.keys(commands).join('|')}> [options] [files or folders...]`);
  process.exit(2);
}
const loaded = await load();
// A CommonJS module's exports reach an ESM import as its default export.
const main = loaded.main ?? loaded.default?.main;
process.exitCode = await main(args);
