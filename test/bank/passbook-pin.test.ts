import { randomBytes, scryptSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Account } from "../../src/bank/accounts.ts";
import { pinMac, resetPin, verifyPin } from "../../src/bank/passbook-pin.ts";
import { bankFixture, expectLedgerInvariants, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

/** What each try came to: "ok" or its error code. */
async function outcomes(tries: Promise<void>[]): Promise<string[]> {
  const settled = await Promise.allSettled(tries);
  return settled.map((t) => (t.status === "rejected" ? (t.reason as { code: string }).code : "ok"));
}

const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

describe.each(dbKinds)("the passbook PIN on %s", (kind) => {
  let f: Fixture;
  afterEach(async () => {
    await expectLedgerInvariants(f.db);
    await f.close();
  });

  const pinRow = async (a: Account) =>
    (
      await f.db.query<{ pin_mac: Uint8Array | null; pin_hash: string | null; pin_failures: number }>(
        "SELECT pin_mac, pin_hash, pin_failures FROM accounts WHERE cooperative_id = $1 AND id = $2",
        [a.cooperativeId, a.id],
      )
    ).rows[0]!;

  /** The account's PIN put back in the scrypt form of before migration 0021. */
  const toOldForm = async (a: Account, pin: string) => {
    const salt = randomBytes(16);
    const hash = scryptSync(pin, salt, 32, { N: 2 ** 14 });
    await f.db.query(
      "UPDATE accounts SET pin_mac = NULL, pin_hash = $3 WHERE cooperative_id = $1 AND id = $2",
      [a.cooperativeId, a.id, `scrypt$${salt.toString("base64")}$${hash.toString("base64")}`],
    );
  };

  it("locks the PIN after five misses in a row until a teller resets it", async () => {
    f = await bankFixture(kind);
    const a = f.accounts[0]!;
    await verifyPin(f.ctx, 1, a.id, "1234");
    for (let i = 1; i <= 4; i++)
      await expect(verifyPin(f.ctx, 1, a.id, "9999")).rejects.toMatchObject({ code: "pin_wrong" });
    await verifyPin(f.ctx, 1, a.id, "1234"); // a match clears the count
    for (let i = 1; i <= 4; i++)
      await expect(verifyPin(f.ctx, 1, a.id, "0000")).rejects.toMatchObject({ code: "pin_wrong" });
    await expect(verifyPin(f.ctx, 1, a.id, "0000")).rejects.toMatchObject({ code: "pin_locked" });
    await expect(verifyPin(f.ctx, 1, a.id, "1234")).rejects.toMatchObject({ code: "pin_locked" });
    await resetPin(f.ctx, 1, a.id, "4321");
    await verifyPin(f.ctx, 1, a.id, "4321");
    await expect(verifyPin(f.ctx, 1, a.id, "12a4")).rejects.toMatchObject({ code: "pin_wrong" });
    await expect(verifyPin(f.ctx, 1, 999_999n, "1234")).rejects.toMatchObject({ code: "account_not_found" });
  });

  it("never refuses a right PIN because others are in flight beside it", async () => {
    f = await bankFixture(kind);
    const a = f.accounts[0]!;
    const right = await outcomes(Array.from({ length: 20 }, () => verifyPin(f.ctx, 1, a.id, "1234")));
    expect(right).toEqual(Array(20).fill("ok"));
    expect((await pinRow(a)).pin_failures).toBe(0);
    // Four misses recorded: one try left, and still every right PIN of a burst passes.
    for (let i = 0; i < 4; i++) await verifyPin(f.ctx, 1, a.id, "0000").catch(() => {});
    const after = await outcomes(Array.from({ length: 8 }, () => verifyPin(f.ctx, 1, a.id, "1234")));
    expect(after).toEqual(Array(8).fill("ok"));
    expect((await pinRow(a)).pin_failures).toBe(0);
  });

  it("judges at most five wrong tries, however many come at once", async () => {
    f = await bankFixture(kind);
    const a = f.accounts[0]!;
    const wrong = await outcomes(Array.from({ length: 20 }, () => verifyPin(f.ctx, 1, a.id, "9999")));
    // The first four misses are "wrong", the fifth locks; the other fifteen are never judged.
    expect(count(wrong, "pin_wrong")).toBe(4);
    expect(count(wrong, "pin_locked")).toBe(16);
    expect((await pinRow(a)).pin_failures).toBe(5);
    await expect(verifyPin(f.ctx, 1, a.id, "1234")).rejects.toMatchObject({ code: "pin_locked" });

    // One try left, four wrong tries and the right PIN at once: judged one after another, as if
    // typed in turn. The right PIN passes only if judged first, and then clears the count.
    await resetPin(f.ctx, 1, a.id, "1234");
    for (let i = 0; i < 4; i++) await verifyPin(f.ctx, 1, a.id, "0000").catch(() => {});
    const race = await outcomes(
      ["0001", "0002", "0003", "0004", "1234"].map((p) => verifyPin(f.ctx, 1, a.id, p)),
    );
    if (race[4] === "ok") {
      expect(race.slice(0, 4)).toEqual(Array(4).fill("pin_wrong"));
      expect((await pinRow(a)).pin_failures).toBe(4);
    } else {
      expect(race).toEqual(Array(5).fill("pin_locked"));
      expect((await pinRow(a)).pin_failures).toBe(5);
    }
  });

  it("keeps a MAC bound to the account: one PIN on two accounts is two MACs", async () => {
    f = await bankFixture(kind);
    const [a, b] = f.accounts; // both opened with 1234
    const ra = await pinRow(a!);
    const rb = await pinRow(b!);
    expect(ra.pin_hash).toBeNull();
    expect(Buffer.from(ra.pin_mac!)).toEqual(Buffer.from(pinMac(f.ctx.pinKey, 1, a!.id, "1234")));
    expect(Buffer.from(ra.pin_mac!).equals(Buffer.from(rb.pin_mac!))).toBe(false);
    // A MAC copied onto another account is no PIN there.
    await f.db.query("UPDATE accounts SET pin_mac = $2 WHERE cooperative_id = 1 AND id = $1", [
      b!.id,
      ra.pin_mac,
    ]);
    await expect(verifyPin(f.ctx, 1, b!.id, "1234")).rejects.toMatchObject({ code: "pin_wrong" });
  });

  it("refuses the right PIN under another PIN key", async () => {
    f = await bankFixture(kind);
    const a = f.accounts[0]!;
    const otherKey = { ...f.ctx, pinKey: randomBytes(32) };
    await expect(verifyPin(otherKey, 1, a.id, "1234")).rejects.toMatchObject({ code: "pin_wrong" });
    expect((await pinRow(a)).pin_failures).toBe(1);
    await verifyPin(f.ctx, 1, a.id, "1234");
  });

  it("takes a PIN of the old scrypt form once, and keeps it as a MAC from then on", async () => {
    f = await bankFixture(kind);
    const a = f.accounts[0]!;
    await toOldForm(a, "1234");
    await expect(verifyPin(f.ctx, 1, a.id, "9999")).rejects.toMatchObject({ code: "pin_wrong" });
    expect(await pinRow(a)).toMatchObject({ pin_mac: null, pin_failures: 1 });
    await verifyPin(f.ctx, 1, a.id, "1234");
    const moved = await pinRow(a);
    expect(moved.pin_hash).toBeNull();
    expect(moved.pin_failures).toBe(0);
    expect(Buffer.from(moved.pin_mac!)).toEqual(Buffer.from(pinMac(f.ctx.pinKey, 1, a.id, "1234")));
    await verifyPin(f.ctx, 1, a.id, "1234");
    await expect(verifyPin(f.ctx, 1, a.id, "9999")).rejects.toMatchObject({ code: "pin_wrong" });

    // In the old form too, right PINs at once all pass, and a burst of wrong ones gets five answers.
    const b = f.accounts[1]!;
    await toOldForm(b, "1234");
    const right = await outcomes(Array.from({ length: 8 }, () => verifyPin(f.ctx, 1, b.id, "1234")));
    expect(right).toEqual(Array(8).fill("ok"));
    expect(await pinRow(b)).toMatchObject({ pin_hash: null, pin_failures: 0 });
    await toOldForm(b, "1234");
    const wrong = await outcomes(Array.from({ length: 12 }, () => verifyPin(f.ctx, 1, b.id, "9999")));
    expect(count(wrong, "pin_wrong")).toBe(4);
    expect(count(wrong, "pin_locked")).toBe(8);
    expect(await pinRow(b)).toMatchObject({ pin_mac: null, pin_failures: 5 });
    await expect(verifyPin(f.ctx, 1, b.id, "1234")).rejects.toMatchObject({ code: "pin_locked" });
  });
});
