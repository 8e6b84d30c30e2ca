// The embedded database and the event loop: a long chain of queries (as a busy server's
// transactions back to back) must still let timers fire and sockets be read in between.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/db.ts";
import { openPglite } from "../../src/db/pglite.ts";

describe("PGlite", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it("gives the event loop a turn during a long chain of queries", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const until = performance.now() + 400;
      let queries = 0;
      while (performance.now() < until) {
        await db.query("SELECT $1::int AS n", [queries++]);
        if (queries % 50 === 0) await db.transaction((tx) => tx.query("SELECT 1"));
      }
      expect(queries).toBeGreaterThan(100);
      // 400 ms of queries: a timer every 5 ms fires many times, not once at the end.
      expect(ticks).toBeGreaterThanOrEqual(10);
    } finally {
      clearInterval(timer);
    }
  });
});
