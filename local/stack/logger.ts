/** What the stack tells its operator. start.ts prints it; tests keep it quiet unless something breaks. */
export interface StackLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger = (prefix = ''): StackLogger => ({
  info: (message) => console.log(`${prefix}${message}`),
  warn: (message) => console.warn(`${prefix}${message}`),
  error: (message) => console.error(`${prefix}${message}`),
});

export const silentLogger: StackLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Keeps warnings and errors (a failing test prints them), drops chatter. */
export const bufferedLogger = (): StackLogger & { lines: string[] } => {
  const lines: string[] = [];
  return {
    lines,
    info: () => undefined,
    warn: (message) => lines.push(`WARN ${message}`),
    error: (message) => lines.push(`ERROR ${message}`),
  };
};
