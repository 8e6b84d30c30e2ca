// Internet banking ended at the counter, over HTTP on both databases: the member's sessions and
// user ID go, their certificates are revoked (OpenSSL's OCSP client and the CRL say so), an unused
// issuance code runs out, a held certificate fee is released, the member is told by SMS, the last
// demand account can then be closed, and the member can be enrolled again. Refusals by their code.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAccountByNumber } from "../../../src/bank/accounts.ts";
import { getMember } from "../../../src/bank/members.ts";
import { activeCaKeys } from "../../../src/ca/ca-keys.ts";
import { holdFee } from "../../../src/certcenter/fees.ts";
import { readOutbox } from "../../../src/certcenter/message-sender.ts";
import { demoLogins } from "../../../src/demo/seed.ts";
import { toHex, toPem } from "../../../src/pki/bytes.ts";
import { opensslAsync } from "../../support/ca-fixture.ts";
import { dbKinds } from "../../support/db.ts";
import { issueMemberCertificate } from "../../support/member-certificates.ts";
import {
  auditHead,
  auditSince,
  expectRefusal,
  otherTeller,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

type Ended = {
  userId: string;
  certificatesRevoked: string[];
  authorizationsEnded: number;
  feesReleased: number;
  sessionsEnded: number;
  memberTold: string[];
};

describe.each(dbKinds)("ending internet banking at the counter on %s", (kind) => {
  let s: TellerServer;
  let t: TellerClient;
  let hong: bigint;
  let dir: string;
  const checked = { idCheck: { document: "resident_card", checked: true } };
  const end = (id: bigint | string, body: unknown = checked) =>
    t.post<Ended>(`/api/teller/members/${id}/internet-banking/end`, body);

  /** A member session by password, as the browser logs in: its cookie, or the refusal. */
  async function memberLogin(): Promise<{
    status: number;
    cookie: string | undefined;
    code?: string;
    remaining?: number | undefined;
  }> {
    const r = await fetch(`${s.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(demoLogins.member),
    });
    const body = (await r.json()) as { error?: { code: string; details?: { remaining?: number } } };
    return {
      status: r.status,
      cookie: r.headers.get("set-cookie")?.split(";")[0],
      ...(body.error ? { code: body.error.code, remaining: body.error.details?.remaining } : {}),
    };
  }

  beforeAll(async () => {
    s = await startTellerServer(kind);
    t = new TellerClient(s.url);
    await t.login();
    const { rows } = await s.app.db.query<{ member_id: bigint }>(
      "SELECT member_id FROM users WHERE user_id = $1",
      [demoLogins.member.userId],
    );
    hong = rows[0]!.member_id;
    dir = mkdtempSync(join(tmpdir(), "geumgo-end-ib-"));
    const issuing = (await activeCaKeys(s.app.db)).find((k) => k.role === "issuing")!;
    const root = (await activeCaKeys(s.app.db)).find((k) => k.role === "root")!;
    writeFileSync(join(dir, "issuing.pem"), toPem("CERTIFICATE", issuing.certificate));
    writeFileSync(
      join(dir, "chain.pem"),
      toPem("CERTIFICATE", issuing.certificate) + toPem("CERTIFICATE", root.certificate),
    );
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it("refuses without the ID checked, for another cooperative's member, and bad input", async () => {
    expectRefusal(
      await end(hong, { idCheck: { document: "resident_card", checked: false } }),
      400,
      "identity_not_checked",
    );
    expectRefusal(await end(hong, {}), 400, "validation");
    expectRefusal(await end("abc"), 400, "validation");
    const other = new TellerClient(s.url);
    await other.login(otherTeller);
    expectRefusal(
      await other.post(`/api/teller/members/${hong}/internet-banking/end`, checked),
      404,
      "member_not_found",
    );
    // Nothing ended: the member still logs in.
    expect((await memberLogin()).status).toBe(200);
  });

  it("ends sessions, revokes certificates, ends codes and fees, tells the member; then closing and enrolling again work", async () => {
    const member = await getMember(s.app.bank, 1, hong);
    const session = await memberLogin();
    expect(session.status).toBe(200);
    const bankCert = await issueMemberCertificate(s, { member }, { purpose: "bank" });
    const universalCert = await issueMemberCertificate(
      s,
      { member },
      { purpose: "universal", status: "hold" },
    );
    const certPath = join(dir, "bank.pem");
    writeFileSync(certPath, toPem("CERTIFICATE", bankCert.der));
    const ocsp = () =>
      opensslAsync([
        "ocsp",
        "-url",
        `${s.url}/pki/ocsp`,
        "-issuer",
        join(dir, "issuing.pem"),
        "-CAfile",
        join(dir, "chain.pem"),
        "-cert",
        certPath,
        "-no_nonce",
        // The server's clock is the test's, days from this machine's.
        "-validity_period",
        "5000000",
      ]);
    expect((await ocsp()).stdout).toContain(`${certPath}: good`);
    // A reissue code printed at the counter and not yet used, and a universal fee held online.
    const code = await t.post<{ referenceNumber: string }>(
      `/api/teller/members/${hong}/certificate-authorization`,
      { purpose: "bank", reissue: "damaged" },
    );
    expect(code.status, JSON.stringify(code.body)).toBe(201);
    // An issuance under way: a serial reserved for it, not yet signed.
    const unsigned = crypto.getRandomValues(new Uint8Array(16));
    unsigned[0] = 0x42;
    await s.app.db.query(
      `INSERT INTO certificates (serial, issuer_key_id, holder, purpose, status, subject, not_before, not_after,
                                 spki_sha256, created_at)
       SELECT $1, issuer_key_id, holder, purpose, 'signing', subject, not_before, not_after, $2, $3
         FROM certificates WHERE serial = $4`,
      [unsigned, crypto.getRandomValues(new Uint8Array(32)), s.clock.now(), bankCert.serial],
    );
    // Two wrong passwords before the end: the removed ID keeps them.
    for (let i = 0; i < 2; i++) {
      const wrong = await fetch(`${s.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...demoLogins.member, password: "Wrong!2026pass" }),
      });
      expect(wrong.status).toBe(401);
    }
    const [demand] = (
      await s.app.db.query<{ number: string; id: bigint }>(
        "SELECT number, id FROM accounts WHERE cooperative_id = 1 AND member_id = $1 AND kind = 'demand' ORDER BY id",
        [hong],
      )
    ).rows;
    const { rows: savings } = await s.app.db.query<{ number: string }>(
      "SELECT number FROM accounts WHERE cooperative_id = 1 AND member_id = $1 AND kind = 'savings'",
      [hong],
    );
    const closeDemand = () =>
      t.post(`/api/teller/members/${hong}/accounts/${demand!.number}/close`, {
        idempotencyKey: `end-ib-close-${Date.now()}`,
        payout: { kind: "transfer", to: savings[0]!.number },
        pin: "1234",
        ...checked,
      });
    // While enrolled, the member's last demand account stays.
    expectRefusal(await closeDemand(), 409, "last_account_internet_banking");
    await s.app.db.transaction((tx) =>
      holdFee(s.app.bank, tx, {
        who: { cooperativeId: 1, memberId: hong },
        accountId: demand!.id,
        kind: "issuance",
        expiresAt: new Date(s.clock.now().getTime() + 3_600_000),
        idempotencyKey: "end-ib-fee-1",
      }),
    );
    expect((await getAccountByNumber(s.app.db, demand!.number)).held).toBe(4_400n);
    const { rows: live } = await s.app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM sessions WHERE kind = 'member' AND member_id = $1",
      [hong],
    );
    expect(live[0]!.n, "this test's login and the first test's").toBe(2);
    const head = await auditHead(s.app);

    const r = await end(hong);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.userId).toBe(demoLogins.member.userId);
    expect(r.body.certificatesRevoked).toEqual([toHex(bankCert.serial), toHex(universalCert.serial)].sort());
    expect(r.body.authorizationsEnded).toBe(1);
    expect(r.body.feesReleased).toBe(1);
    expect(r.body.sessionsEnded).toBe(2);
    expect(r.body.memberTold).toEqual(["sms"]);

    // The certificates: revoked for cessationOfOperation, by OpenSSL's OCSP client and in the CRL.
    const after = await ocsp();
    expect(after.stderr).toContain("Response verify OK");
    expect(after.stdout).toMatch(new RegExp(`${certPath}: revoked[\\s\\S]*Reason: cessationOfOperation`));
    const crl = new Uint8Array(await (await fetch(`${s.url}/pki/crl`)).arrayBuffer());
    writeFileSync(join(dir, "crl.der"), crl);
    const listed = await opensslAsync([
      "crl",
      "-inform",
      "DER",
      "-in",
      join(dir, "crl.der"),
      "-noout",
      "-text",
    ]);
    expect(listed.stdout.toUpperCase()).toContain(toHex(bankCert.serial).toUpperCase());
    expect(listed.stdout).toContain("Cessation Of Operation");
    // The serial being signed is never signed: rejected.
    const { rows: reserved } = await s.app.db.query<{ status: string }>(
      "SELECT status FROM certificates WHERE serial = $1",
      [unsigned],
    );
    expect(reserved[0]!.status).toBe("rejected");

    // The session and the user ID are gone; the code has run out; the fee's hold is released.
    const me = await fetch(`${s.url}/api/me`, { headers: { cookie: session.cookie! } });
    expect(me.status).toBe(401);
    const again = await memberLogin();
    expect(again.status).toBe(401);
    expect(again.code).toBe("bad_credentials");
    // The ID answers as it would have: its two wrong tries carried over, this the third.
    expect(again.remaining).toBe(2);
    const { rows: codes } = await s.app.db.query<{ expires_at: Date; rrn_sealed: Uint8Array | null }>(
      "SELECT expires_at, rrn_sealed FROM ca_authorizations WHERE reference_number = $1",
      [code.body.referenceNumber],
    );
    expect(codes[0]!.expires_at.getTime()).toBeLessThanOrEqual(s.clock.now().getTime());
    expect(codes[0]!.rrn_sealed).toBeNull();
    expect((await getAccountByNumber(s.app.db, demand!.number)).held).toBe(0n);

    // Told by SMS at the registered phone; the audit entry names what ended, never the RRN.
    const told = await readOutbox(s.app.db, { to: member.phone! });
    expect(told[0]!.purpose).toBe("internet_banking_ended");
    expect(told[0]!.body).toContain(demoLogins.member.userId);
    const audit = await auditSince(s.app, head);
    const entry = audit.find((a) => a.action === "teller.internet_banking_end")!;
    expect(entry.actor).toBe(`teller:${demoLogins.teller.tellerId}`);
    expect(entry.payload).toContain(toHex(bankCert.serial));
    expect(audit.filter((a) => a.action === "certificate.revoke")).toHaveLength(2);

    // A second time: not enrolled.
    expectRefusal(await end(hong), 409, "not_enrolled");

    // No longer enrolled: the last demand account can be closed, its balance moved to savings.
    const closed = await closeDemand();
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);

    // Enrolled again with a new user ID: the temporary password logs in.
    // A session a login made as the end committed (it read the user before, inserted after): the
    // new enrolment ends it, so it never comes back to life under the new user.
    await s.app.db.query(
      `INSERT INTO sessions (id_hash, kind, cooperative_id, member_id, csrf_token, created_at, last_seen_at, ends_at)
       VALUES ($1, 'member', 1, $2, 'stale', $3, $3, $4)`,
      [
        crypto.getRandomValues(new Uint8Array(32)),
        hong,
        s.clock.now(),
        new Date(s.clock.now().getTime() + 3_600_000),
      ],
    );
    const enrolled = await t.post<{ userId: string; temporaryPassword: string }>(
      `/api/teller/members/${hong}/enrolment`,
      { userId: "hongagain26" },
    );
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const { rows: stale } = await s.app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM sessions WHERE kind = 'member' AND member_id = $1",
      [hong],
    );
    expect(stale[0]!.n).toBe(0);
    const relogin = await fetch(`${s.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "hongagain26", password: enrolled.body.temporaryPassword }),
    });
    expect(relogin.status).toBe(200);
  });
});
