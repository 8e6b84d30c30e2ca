import { afterEach, describe, expect, it } from "vitest";
import {
  issueSecurityCard,
  mediumChallenge,
  registerOtp,
  unlockMedium,
  verifyMedium,
} from "../../src/bank/security-medium.ts";
import { totpCode } from "../../src/bank/totp.ts";
import { bankFixture, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";

describe.each(dbKinds)("security media on %s", (kind) => {
  let f: Fixture;
  afterEach(() => f.close());
  const who = () => ({ cooperativeId: 1, memberId: f.members[0]!.id });

  it("an OTP code proves the medium once; five wrong answers lock until a teller unlocks", async () => {
    f = await bankFixture(kind);
    await expect(verifyMedium(f.ctx, { ...who(), answer: "123456" })).rejects.toMatchObject({
      code: "medium_not_registered",
    });
    const { secret, uri } = await registerOtp(f.ctx, { ...who(), account: "hong", issuer: "한빛새마을금고" });
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    const { rows } = await f.db.query<{ secret_sealed: Uint8Array }>(
      "SELECT secret_sealed FROM security_media",
    );
    expect(Buffer.from(rows[0]!.secret_sealed).includes(Buffer.from(secret))).toBe(false);
    expect(await mediumChallenge(f.ctx, who())).toEqual({ kind: "otp" });
    const code = totpCode(secret, f.clock.now());
    expect(await verifyMedium(f.ctx, { ...who(), answer: code })).toBe("otp");
    // The same code again in its step is the member's own, not a guess: its own answer, not counted.
    await expect(verifyMedium(f.ctx, { ...who(), answer: code })).rejects.toMatchObject({
      code: "otp_reused",
    });
    const failures = async () =>
      (await f.db.query<{ failures: number }>("SELECT failures FROM security_media")).rows[0]!.failures;
    expect(await failures()).toBe(0);
    for (let i = 4; i >= 1; i--) {
      await expect(verifyMedium(f.ctx, { ...who(), answer: "000000" })).rejects.toMatchObject({
        details: { remaining: i },
      });
    }
    await expect(verifyMedium(f.ctx, { ...who(), answer: "000000" })).rejects.toMatchObject({
      code: "medium_locked",
    });
    f.clock.advance(60_000);
    await expect(
      verifyMedium(f.ctx, { ...who(), answer: totpCode(secret, f.clock.now()) }),
    ).rejects.toMatchObject({ code: "medium_locked" });
    await unlockMedium(f.ctx, who());
    expect(await verifyMedium(f.ctx, { ...who(), answer: totpCode(secret, f.clock.now()) })).toBe("otp");
  });

  it("a security card challenge stays until answered, and the answer mixes two codes", async () => {
    f = await bankFixture(kind);
    const card = await issueSecurityCard(f.ctx, who());
    const c1 = await mediumChallenge(f.ctx, who());
    const c2 = await mediumChallenge(f.ctx, who());
    expect(c2).toEqual(c1);
    if (c1.kind !== "card") throw new Error("expected a card challenge");
    const { first, second } = c1.challenge;
    const right = card.codes[first - 1]!.slice(0, 2) + card.codes[second - 1]!.slice(2);
    const wrong = card.codes[first - 1]!.slice(2) + card.codes[second - 1]!.slice(0, 2);
    if (wrong !== right) {
      await expect(verifyMedium(f.ctx, { ...who(), answer: wrong })).rejects.toMatchObject({
        code: "medium_wrong",
      });
    }
    expect(await verifyMedium(f.ctx, { ...who(), answer: right })).toBe("card");
    // Answered: the next transfer is asked for other numbers (or the same by chance), never re-accepts blindly.
    const c3 = await mediumChallenge(f.ctx, who());
    expect(c3.kind).toBe("card");
  });
});
