import pino from "pino";
import { describe, expect, it } from "vitest";
import type { App } from "../../src/server/context.ts";
import { startJobs } from "../../src/server/jobs.ts";

const app = { ca: {} } as unknown as App;

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe("scheduled jobs", () => {
  it("run at start and again, survive a failure, and never overlap", async () => {
    const logged: string[] = [];
    const log = pino({}, { write: (line: string) => logged.push(line) });
    let runs = 0;
    let active = 0;
    let overlapped = false;
    const jobs = startJobs(app, log, {
      intervalMs: 1,
      job: async () => {
        runs++;
        active++;
        if (active > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 3));
        active--;
        if (runs === 2) throw new Error("CRL signing failed");
      },
    });
    await until(() => runs >= 5);
    await jobs.stop();
    const after = runs;
    expect(active).toBe(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).toBe(after);
    expect(overlapped).toBe(false);
    expect(logged.join("")).toContain("CRL signing failed");
  });

  it("stop() waits for the run in progress", async () => {
    let finished = false;
    const jobs = startJobs(app, pino({ level: "silent" }), {
      job: async () => {
        await new Promise((r) => setTimeout(r, 50));
        finished = true;
      },
    });
    await jobs.stop();
    expect(finished).toBe(true);
  });
});
