// Timing helpers for `npm run bench`: best-of-N wall time, and the machine the figures come from.
import { cpus, totalmem } from "node:os";

/** Runs `fn` `runs` times after one warm-up and returns the fastest run in milliseconds. */
export async function bestMs(runs: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
