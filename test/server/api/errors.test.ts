// Every bank and auth refusal the API can meet has Korean and English words and a 4xx status.
import { describe, expect, it } from "vitest";
import { AuthError, authErrorCodes } from "../../../src/auth/errors.ts";
import { BankError, bankErrorCodes } from "../../../src/bank/errors.ts";
import { errorReply } from "../../../src/server/errors.ts";

describe("bank and auth errors at the HTTP edge", () => {
  it.each([...bankErrorCodes.map((c) => new BankError(c)), ...authErrorCodes.map((c) => new AuthError(c))])(
    "$code",
    (e) => {
      const { status, body } = errorReply(e);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(body.error.code).toBe(e.code);
      expect(body.error.message.ko).toMatch(/[가-힣]/);
      expect(body.error.message.en).toMatch(/^[\x20-\x7e]+$/);
    },
  );

  it("carries safe details, won as strings, and nothing else", () => {
    const { body } = errorReply(
      new BankError("exceeds_daily_limit", { limit: 80_000n, used: 50_000n, x: { y: 1 } }),
    );
    expect(body.error.details).toEqual({ limit: "80000", used: "50000" });
    const locked = errorReply(new AuthError("login_locked"));
    expect(locked.status).toBe(423);
    const wrong = errorReply(new AuthError("bad_credentials", { remaining: 1 }));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message.en).toContain("1 try left");
  });
});
