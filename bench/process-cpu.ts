/**
 * CPU time of the benches' processes, from Linux's /proc: a process's in all (every thread, user + system), and how
 * its main thread (the node's event loop) spent a stretch of time: running, waiting for a core while runnable, or
 * neither (waiting for work). Each answers undefined where /proc cannot tell (another system, a process gone).
 */
import { readFileSync } from "node:fs";

/** USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) process `pid` has used so far, in seconds. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The fields after the command (which may hold spaces, hence the last ")"): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(")").at(-1)!.trim().split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** How long process `pid`'s main thread has run and waited, runnable, for a core so far, in seconds (nanosecond clock). */
export function mainThreadScheduleOf(pid: number | undefined): { ran: number; waited: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    // The main thread is the task whose id is the process's; schedstat: time on a core, time runnable on a run queue.
    const [ran, waited] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").trim().split(" ").map(Number);
    return Number.isFinite(ran) && Number.isFinite(waited) ? { ran: ran / 1e9, waited: waited / 1e9 } : undefined;
  } catch {
    return undefined;
  }
}
