// GET /api/certcenter/renewal/{serial} (issue 14 item 6): whether the member's certificate can be
// renewed now, at each edge of the window (30 days before expiry to the expiry), and why not:
// too early, expired (issue a new one), revoked, on hold; another member's certificate is not found.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUser } from "../../src/auth/users.ts";
import { liveCertificate } from "../../src/ca/certificates.ts";
import { holdCertificate, releaseCertificate, revokeCertificate } from "../../src/ca/revocation.ts";
import { authorizeForUser, holderOf } from "../../src/certcenter/authorize.ts";
import { toHex } from "../../src/pki/bytes.ts";
import { enrol } from "../../src/pki/cmp-client.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { type CaServer, startCaServer } from "../support/ca-server.ts";
import { dbKinds } from "../support/db.ts";

/** A JSON answer, read as the web app reads it (fetch's own type). */
type Json = Awaited<ReturnType<Response["json"]>>;

const dayMs = 86_400_000;

describe.each(dbKinds)("renewal status on %s", (kind) => {
  let s: CaServer;
  beforeAll(async () => {
    s = await startCaServer(kind);
  }, 60_000);
  afterAll(async () => s?.close());

  async function issue(userId: string) {
    const auth = await authorizeForUser(s.app, { userId, purpose: "bank", channel: "web", actor: "test" });
    await enrol({ send: (der) => s.cmp(der), ...auth, keys: await generateKeyPair({ algorithm: "EC" }) });
    const u = (await findUser(s.app.db, userId))!;
    return (await liveCertificate(s.app.db, holderOf(u.cooperativeId, u.memberId), "bank"))!;
  }

  /** The status as the member's page asks for it, logged in at the test clock's time. */
  async function status(userId: string, serial: string) {
    const login = await fetch(`${s.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId, password: "Temp!2026pass" }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const r = await fetch(`${s.url}/api/certcenter/renewal/${serial}`, { headers: { cookie } });
    return { status: r.status, body: (await r.json()) as Json };
  }

  it("opens 30 days before expiry, closes at the expiry, and says why before and after", async () => {
    const start = s.clock.now();
    const cert = await issue(s.users[0]!.userId);
    const serial = toHex(cert.serial);
    const end = cert.notAfter.getTime();
    const window = { from: new Date(end - 30 * dayMs).toISOString(), until: cert.notAfter.toISOString() };
    const at = async (t: number) => {
      s.clock.at = new Date(t);
      return status(s.users[0]!.userId, serial);
    };

    const early = await at(end - 30 * dayMs - 1000);
    expect(early.status).toBe(200);
    expect(early.body).toEqual({
      serial,
      purpose: "bank",
      notAfter: cert.notAfter.toISOString(),
      window,
      renewable: false,
      reason: {
        code: "too_early",
        message: {
          ko: expect.stringContaining("만료 30일 전부터"),
          en: expect.stringContaining("30 days before it expires"),
        },
      },
      next: "wait",
    });
    const opens = await at(end - 30 * dayMs);
    expect(opens.body).toMatchObject({ renewable: true, reason: null, next: "renew", window });
    expect((await at(end - 1000)).body).toMatchObject({ renewable: true, next: "renew" });
    const expired = await at(end);
    expect(expired.body).toMatchObject({ renewable: false, reason: { code: "expired" }, next: "issue" });
    expect(expired.body.reason.message.ko).toContain("새로 발급");

    // Upper-case hex and DER's leading 00 name the same certificate.
    s.clock.at = new Date(end - 10 * dayMs);
    expect((await status(s.users[0]!.userId, `00${serial.toUpperCase()}`)).body.serial).toBe(serial);
    // Another member's certificate, an unknown one and a malformed serial.
    expect((await status(s.users[1]!.userId, serial)).body.error.code).toBe("certificate_unknown");
    expect((await status(s.users[1]!.userId, serial)).status).toBe(404);
    expect((await status(s.users[0]!.userId, "ab".repeat(16))).status).toBe(404);
    expect((await status(s.users[0]!.userId, "xyz")).status).toBe(400);

    // On hold, then revoked.
    await holdCertificate(s.app.ca, { serial: cert.serial, actor: "test" });
    const held = await status(s.users[0]!.userId, serial);
    expect(held.body).toMatchObject({ renewable: false, reason: { code: "on_hold" }, next: "release_hold" });
    await releaseCertificate(s.app.ca, { serial: cert.serial, actor: "test" });
    expect((await status(s.users[0]!.userId, serial)).body.renewable).toBe(true);
    await revokeCertificate(s.app.ca, { serial: cert.serial, reason: "keyCompromise", actor: "test" });
    expect((await status(s.users[0]!.userId, serial)).body).toMatchObject({
      renewable: false,
      reason: { code: "revoked" },
      next: "issue",
    });
    s.clock.at = start;
  });

  it("needs a session", async () => {
    const r = await fetch(`${s.url}/api/certcenter/renewal/${"ab".repeat(16)}`);
    expect(r.status).toBe(401);
  });
});
