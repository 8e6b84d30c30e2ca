// The login answer does not tell whether an ID exists (issue 12, item 4): a real ID and an unknown
// one, each given five wrong passwords and a sixth try, get the same statuses and bodies, member
// and teller alike; an unknown ID's count is kept under a keyed hash, and lapses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeller } from "../../src/auth/tellers.ts";
import {
  purgeUnknownLoginIds,
  unknownIdHash,
  unknownIdRetentionMs,
} from "../../src/auth/unknown-login-ids.ts";
import { dbKinds } from "../support/db.ts";
import { startWebServer, type WebServer } from "../support/web-server.ts";
import { startTellerServer, TellerClient, type TellerServer } from "./teller/teller-server.ts";

interface Seen {
  status: number;
  body: unknown;
}

/** What a prober sees of an answer: its status and its body, without any request id. */
function seen(status: number, body: unknown): Seen {
  const { requestId: _, ...rest } = body as { requestId?: unknown };
  return { status, body: rest };
}

describe.each(dbKinds)("login answers for real and unknown IDs on %s", (kind) => {
  describe("members", () => {
    let s: WebServer;
    beforeAll(async () => {
      s = await startWebServer(kind);
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    const tryLogin = async (userId: string, password: string) => {
      const r = await s.request("POST", "/api/auth/login", { body: { userId, password } });
      return seen(r.statusCode, r.json());
    };

    it("answers a real ID and an unknown one alike through five wrong passwords and the lock", async () => {
      const real: Seen[] = [];
      const unknown: Seen[] = [];
      for (let i = 1; i <= 5; i++) {
        real.push(await tryLogin("kim2026", `Wrong!${i}pass`));
        unknown.push(await tryLogin("nobody42", `Wrong!${i}pass`));
      }
      // The sixth: the real ID with its right password, still locked.
      real.push(await tryLogin("kim2026", s.kim.password));
      unknown.push(await tryLogin("NOBODY42", s.kim.password));
      expect(unknown).toEqual(real);
      expect(real.map((r) => r.status)).toEqual([401, 401, 401, 401, 423, 423]);
      expect(real.slice(0, 4).map((r) => (r.body as { error: { details: unknown } }).error.details)).toEqual([
        { remaining: 4 },
        { remaining: 3 },
        { remaining: 2 },
        { remaining: 1 },
      ]);
      expect((real[5]!.body as { error: { code: string } }).error.code).toBe("login_locked");
    });

    it("counts wrong passwords sent at once once each, for a real ID and an unknown one alike", async () => {
      const burst = async (userId: string) => {
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) => tryLogin(userId, `Racing!${i}pass`)),
        );
        return answers.map((a) => JSON.stringify(a)).sort();
      };
      const real = await burst("hong");
      expect(await burst("racer01")).toEqual(real);
      // Four wrong ones counted 1 to 4, the fifth locked, and so were the rest.
      const left = real
        .map((a) => JSON.parse(a) as Seen)
        .filter((a) => a.status === 401)
        .map((a) => (a.body as { error: { details: { remaining: number } } }).error.details.remaining);
      expect(left.sort()).toEqual([1, 2, 3, 4]);
      expect(real.filter((a) => a.includes('"status":423'))).toHaveLength(4);
    });

    it("keeps the unknown ID's count under a keyed hash, not the ID, and lets it lapse", async () => {
      const { rows } = await s.app.db.query<{ id_hash: Uint8Array; failures: number; expires_at: Date }>(
        "SELECT id_hash, failures, expires_at FROM unknown_login_ids",
      );
      const hash = unknownIdHash(s.app.bank.rrnKeys.index, "member", "nobody42");
      const row = rows.find((r) => Buffer.from(r.id_hash).equals(hash));
      expect(row?.failures).toBe(5);
      expect(rows.some((r) => Buffer.from(r.id_hash).toString("latin1").includes("nobody"))).toBe(false);
      // The same ID as a teller's is another counter.
      expect(unknownIdHash(s.app.bank.rrnKeys.index, "teller", "nobody42").equals(hash)).toBe(false);
      // 90 days after the try that locked it (the clock has not moved since), and not before.
      expect(row!.expires_at.getTime()).toBe(s.clock.now().getTime() + unknownIdRetentionMs);
      s.clock.at = new Date(row!.expires_at.getTime() - 1);
      expect((await tryLogin("nobody42", "Wrong!6pass")).status).toBe(423);
      s.clock.at = row!.expires_at;
      const again = await tryLogin("nobody42", "Wrong!7pass");
      expect(again.status).toBe(401);
      expect((again.body as { error: { details: unknown } }).error.details).toEqual({ remaining: 4 });
      // The scheduler sweeps lapsed counts: 90 days after that try, none is left.
      const swept = new Date(s.clock.now().getTime() + unknownIdRetentionMs);
      await purgeUnknownLoginIds(s.app.db, new Date(swept.getTime() - 1));
      expect(
        (await s.app.db.query("SELECT 1 FROM unknown_login_ids WHERE id_hash = $1", [hash])).rowCount,
      ).toBe(1);
      await purgeUnknownLoginIds(s.app.db, swept);
      expect((await s.app.db.query("SELECT 1 FROM unknown_login_ids")).rowCount).toBe(0);
    });
  });

  describe("tellers", () => {
    let s: TellerServer;
    beforeAll(async () => {
      s = await startTellerServer(kind);
      await createTeller(s.app.db, {
        cooperativeId: 1,
        branchId: 1,
        tellerId: "probe01",
        password: "Probe!2026tel",
        name: "조사관",
        at: s.clock.now(),
      });
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it("answers a real teller ID and an unknown one alike through five wrong passwords and the lock", async () => {
      const t = new TellerClient(s.url);
      const tryLogin = async (tellerId: string, password: string) => {
        const r = await t.login({ tellerId, password });
        return seen(r.status, r.body);
      };
      const real: Seen[] = [];
      const unknown: Seen[] = [];
      for (let i = 1; i <= 5; i++) {
        real.push(await tryLogin("probe01", `Wrong!${i}pass`));
        unknown.push(await tryLogin("nobody99", `Wrong!${i}pass`));
      }
      real.push(await tryLogin("probe01", "Probe!2026tel"));
      unknown.push(await tryLogin("Nobody99", "Probe!2026tel"));
      expect(unknown).toEqual(real);
      expect(real.map((r) => r.status)).toEqual([401, 401, 401, 401, 423, 423]);
      expect((real[0]!.body as { error: { details: unknown } }).error.details).toEqual({ remaining: 4 });
      expect((real[5]!.body as { error: { code: string } }).error.code).toBe("teller_locked");
      expect(t.cookie).toBeUndefined();
    });
  });
});
