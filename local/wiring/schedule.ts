/**
 * EventBridge Scheduler's stand-in for the local stack: invokes a function every intervalMs, bounded by its
 * timeout as Lambda bounds it. Runs never overlap (the next is timed from the end of the last, so a slow run
 * delays it instead of piling up), the first comes one interval after start (as a new schedule's does: a
 * restart re-announces waiting uploads first, and they are claimed long before a sweep could take them for
 * stuck), and the timer never keeps the process alive. A failed run is the function's failure, not the
 * schedule's: it is reported, and the next run simply happens.
 */
import type { Context } from 'aws-lambda';
import { invokeWithTimeout } from '../runtime/lambda-context';
import type { EventSource, EventSourceHealth } from './sqs-event-source';

export interface ScheduleOptions<R> {
  functionName: string;
  handler: (event: Record<string, never>, context: Context) => Promise<R>;
  intervalMs: number;
  timeoutMs: number;
  onInvocation?: (outcome: { result?: R; error?: unknown; durationMs: number }) => void;
}

export const startSchedule = <R>(options: ScheduleOptions<R>): EventSource => {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let last = 'no run yet';

  const invoke = async (): Promise<void> => {
    const started = Date.now();
    const at = new Date(started).toISOString();
    try {
      const result = await invokeWithTimeout(options.functionName, options.handler, {}, options.timeoutMs);
      last = `last run ${at}: ${JSON.stringify(result)}`;
      options.onInvocation?.({ result, durationMs: Date.now() - started });
    } catch (error) {
      last = `last run ${at} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      options.onInvocation?.({ error, durationMs: Date.now() - started });
    }
  };
  const scheduleNext = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = invoke().finally(() => {
        running = undefined;
        scheduleNext();
      });
    }, options.intervalMs);
    timer.unref();
  };
  scheduleNext();

  return {
    health: (): EventSourceHealth => (stopped ? { up: false, detail: 'stopped' } : { up: true, detail: `every ${options.intervalMs / 1000} s; ${last}` }),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      // A run in flight finishes before the emulators it talks to go away.
      await running;
    },
  };
};
