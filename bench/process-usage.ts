/** What a process (this one or a child: Java, the emulators) has used so far, read from /proc for the benches. */
import { readFileSync } from 'node:fs';

/** Resident memory in kB; 0 when the process is gone. */
export const rssKb = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
};

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
export const cpuSeconds = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};
