// Drawing reference numbers: a number already in use is drawn again, a bounded number of times,
// and then the CA fails with a typed error instead of spinning.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuthorization, referenceNumberDrawsMax } from "../../src/ca/authorizations.ts";
import type { CaContext } from "../../src/ca/context.ts";
import { caUrls } from "../../src/ca/context.ts";
import { CaInternalError } from "../../src/ca/errors.ts";
import { authorizationLifetimeMs, raRules } from "../../src/certcenter/rules.ts";
import { dbKinds, freshDb } from "../support/db.ts";

/** The reference number every draw gives while `stuck` is set (10 digits, as the CA draws them). */
const stuckNumber = 1_234_567_890;
const draws = vi.hoisted(() => ({ stuck: false, count: 0 }));

vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  const randomInt = ((min: number, max?: number) => {
    // Only the reference number's range (10 digits) is pinned; the code's digits stay random.
    if (draws.stuck && min === 1_000_000_000) {
      draws.count++;
      return stuckNumber;
    }
    return max === undefined ? original.randomInt(min) : original.randomInt(min, max);
  }) as typeof original.randomInt;
  return { ...original, default: { ...original, randomInt }, randomInt };
});

afterEach(() => {
  draws.stuck = false;
  draws.count = 0;
});

describe.each(dbKinds)("reference numbers on %s", (kind) => {
  it(`draws at most ${referenceNumberDrawsMax} times, then throws reference_number_draws_exhausted`, async () => {
    const db = await freshDb(kind);
    try {
      const ca: CaContext = {
        db,
        clock: { now: () => new Date() },
        passphrase: "not used here",
        sealer: { seal: (_label, plaintext) => plaintext, unseal: (_label, sealed) => sealed },
        urls: caUrls("http://127.0.0.1:8080"),
        organization: "Geumgo Test",
        requireVidRandom: false,
        raRules,
      };
      const request = {
        holder: "1:1",
        purpose: "bank" as const,
        channel: "branch" as const,
        lifetimeMs: authorizationLifetimeMs.branch,
        subjectName: new Uint8Array([0x30, 0x00]),
        realName: "홍길동",
        rrn: "9001011234567",
        actor: "test",
      };
      draws.stuck = true;
      const first = await createAuthorization(ca, request);
      expect(first.referenceNumber).toBe(String(stuckNumber));
      expect(draws.count).toBe(1);

      draws.count = 0;
      const second = await createAuthorization(ca, request).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(CaInternalError);
      expect((second as CaInternalError).code).toBe("reference_number_draws_exhausted");
      expect(draws.count).toBe(referenceNumberDrawsMax);
      const { rows } = await db.query("SELECT reference_number FROM ca_authorizations");
      expect(rows).toHaveLength(1);

      // A free number on a later draw is taken as before.
      draws.stuck = false;
      const third = await createAuthorization(ca, request);
      expect(third.referenceNumber).not.toBe(String(stuckNumber));
    } finally {
      await db.close();
    }
  });
});
