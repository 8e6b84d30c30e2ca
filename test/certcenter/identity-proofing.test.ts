// Online identity proofing through the certificate centre's API (POST /api/certcenter/authorizations):
// the resident registration number must be the logged-in member's, the account the member's own
// with its passbook PIN, and the OTP right; each wrong answer says how many tries remain, the
// bank's lockouts apply, five wrong numbers lock proofing for a day, and a refusal makes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueSecurityCard } from "../../src/bank/security-medium.ts";
import { rrnMissesMax } from "../../src/certcenter/identity-proofing.ts";
import { type CertcenterServer, startCertcenterSessions } from "../support/certcenter-server.ts";
import { dbKinds } from "../support/db.ts";
import { pins, type Session, type WebMember } from "../support/web-server.ts";

describe.each(dbKinds)("identity proofing on %s", (kind) => {
  let s: CertcenterServer;
  let hong: Session;
  let kim: Session;
  beforeAll(async () => {
    ({ s, hong, kim } = await startCertcenterSessions(kind));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const authorizations = async () =>
    Number((await s.app.db.query<{ n: bigint }>("SELECT count(*) AS n FROM ca_authorizations")).rows[0]!.n);

  /** The proofing form, right in every answer unless `change` says otherwise. */
  async function prove(session: Session, who: WebMember, change: Record<string, string> = {}) {
    const body = {
      purpose: "bank",
      rrn: await s.rrnOf(who),
      account: who.accounts[0],
      pin: who === s.hong ? pins.hong : pins.kim,
      ...change,
    };
    if (!("otp" in change)) Object.assign(body, { otp: s.nextOtp(who) });
    // Each session's activity keeps it alive while the clock moves with the OTP steps.
    return s.request("POST", "/api/certcenter/authorizations", { session, body });
  }

  it("refuses another member's number, account, a wrong PIN and OTP, each with the tries left, and makes nothing", async () => {
    const kimRrn = await s.rrnOf(s.kim);
    const otherRrn = await prove(hong, s.hong, { rrn: kimRrn });
    expect(otherRrn.statusCode).toBe(400);
    expect(otherRrn.json().error).toMatchObject({
      code: "rrn_mismatch",
      details: { remaining: rrnMissesMax - 1, max: rrnMissesMax },
    });
    // The number with its hyphen is the same number.
    const rrn = await s.rrnOf(s.hong);
    const hyphen = await prove(hong, s.hong, { rrn: `${rrn.slice(0, 6)}-${rrn.slice(6)}`, pin: "0000" });
    expect(hyphen.json().error.code, "the number matched; the PIN is judged next").toBe("pin_wrong");
    expect(hyphen.json().error.details).toEqual({ remaining: 4, max: 5 });

    const otherAccount = await prove(hong, s.hong, { account: s.kim.accounts[0]! });
    expect(otherAccount.statusCode).toBe(404);
    expect(otherAccount.json().error.code).toBe("account_not_found");

    const wrongOtp = await prove(hong, s.hong, { otp: "000000" });
    expect(wrongOtp.statusCode).toBe(400);
    expect(wrongOtp.json().error).toMatchObject({ code: "medium_wrong", details: { remaining: 4, max: 5 } });

    const missingOtp = await s.request("POST", "/api/certcenter/authorizations", {
      session: hong,
      body: { purpose: "bank", rrn, account: s.hong.accounts[0], pin: pins.hong },
    });
    expect(missingOtp.json().error.code).toBe("validation");
    expect(await authorizations()).toBe(0);

    // All right: the counts start again, and the authorisation is made.
    const ok = await prove(hong, s.hong);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ purpose: "bank", fee: null });
    expect(ok.json().referenceNumber).toMatch(/^[0-9]{10}$/);
    expect(ok.json().authorizationCode).toMatch(/^[0-9]{16}$/);
    const { rows } = await s.app.db.query<{ pin_failures: number }>(
      "SELECT pin_failures FROM accounts WHERE id = $1",
      [s.hong.accountRows[0]!.id],
    );
    expect(rows[0]!.pin_failures).toBe(0);
    expect(await authorizations()).toBe(1);
  });

  it("locks online proofing for a day after five wrong numbers, even for the right one", async () => {
    const hongRrn = await s.rrnOf(s.hong);
    const answers: unknown[] = [];
    for (let i = 0; i < rrnMissesMax; i++) {
      const r = await prove(kim, s.kim, { rrn: hongRrn });
      answers.push([r.statusCode, r.json().error.code, r.json().error.details?.remaining]);
    }
    expect(answers).toEqual([
      [400, "rrn_mismatch", 4],
      [400, "rrn_mismatch", 3],
      [400, "rrn_mismatch", 2],
      [400, "rrn_mismatch", 1],
      [423, "proofing_locked", undefined],
    ]);
    const right = await prove(kim, s.kim);
    expect(right.statusCode).toBe(423);
    expect(right.json().error.code).toBe("proofing_locked");
    expect(right.json().error.message.ko).toContain("영업점");

    s.clock.advance(86_400_000);
    kim = await s.login("kim2026", "Kim!2026pass");
    const nextDay = await prove(kim, s.kim);
    expect(nextDay.statusCode, JSON.stringify(nextDay.json())).toBe(201);
    hong = await s.login("hong", "Hong!2026demo");
  });

  it("applies the passbook PIN's lockout: five wrong PINs lock the account's PIN", async () => {
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await prove(hong, s.hong, { pin: "9999" })).json().error.code);
    expect(codes).toEqual(["pin_wrong", "pin_wrong", "pin_wrong", "pin_wrong", "pin_locked"]);
    const right = await prove(hong, s.hong);
    expect(right.statusCode).toBe(423);
    expect(right.json().error.code).toBe("pin_locked");
  });

  it("takes a security card's answer to the centre's own challenge, and the medium's lockout applies", async () => {
    const card = await issueSecurityCard(s.app.bank, { cooperativeId: 1, memberId: s.kim.member.id });
    kim = await s.login("kim2026", "Kim!2026pass");
    const challenge = async () => {
      const r = await s.request("GET", "/api/certcenter/challenge", { session: kim });
      expect(r.statusCode).toBe(200);
      return r.json() as { medium: string; first: number; second: number };
    };
    const c = await challenge();
    expect(c.medium).toBe("card");
    const read = (x: { first: number; second: number }) => ({
      first: card.codes[x.first - 1]!.slice(0, 2),
      second: card.codes[x.second - 1]!.slice(2),
    });
    const body = {
      purpose: "universal",
      rrn: await s.rrnOf(s.kim),
      account: s.kim.accounts[0],
      pin: pins.kim,
    };
    const ok = await s.request("POST", "/api/certcenter/authorizations", {
      session: kim,
      body: { ...body, card: read(c) },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().fee).toEqual({ amount: "4400", account: s.kim.accounts[0] });

    // Five wrong card answers lock the medium (bank use now: the universal one is authorised).
    const codes: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const x = await challenge();
      const wrong = { first: read(x).first, second: read(x).second === "00" ? "01" : "00" };
      const r = await s.request("POST", "/api/certcenter/authorizations", {
        session: kim,
        body: { ...body, purpose: "bank", card: wrong },
      });
      codes.push([r.statusCode, r.json().error.code, r.json().error.details?.remaining]);
    }
    expect(codes).toEqual([
      [400, "medium_wrong", 4],
      [400, "medium_wrong", 3],
      [400, "medium_wrong", 2],
      [400, "medium_wrong", 1],
      [423, "medium_locked", undefined],
    ]);
    const locked = await s.request("GET", "/api/certcenter/challenge", { session: kim });
    expect(locked.statusCode).toBe(423);
  });
});
