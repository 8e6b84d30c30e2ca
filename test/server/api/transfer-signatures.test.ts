// Transfer signatures through the real API on both databases (DESIGN §5): certificates issued by
// the server's own CA, the browser's side played by src/pki (canonical form, CMS SignedData), the
// signature kept beside the posting, downloaded, and accepted by `openssl cms -verify`; and every
// refusal, each leaving no transfer and no signature behind.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../../src/pki/bytes.ts";
import { certifiedKey } from "../../pki/certified-keys.ts";
import { dbKinds } from "../../support/db.ts";
import {
  issueMemberCertificate,
  type MemberCertificate,
  opensslCmsVerify,
  setUpCa,
  signatureNonce,
  signTransfer,
  type TransferFields,
} from "../../support/member-certificates.ts";
import { testCa } from "../../support/test-ca.ts";
import { pins, type Session, startWebServer, type WebServer } from "../../support/web-server.ts";

describe.each(dbKinds)("transfer signatures through the API on %s", (kind) => {
  let s: WebServer;
  let hong: Session;
  let kim: Session;
  let hongCert: MemberCertificate;
  let kimCert: MemberCertificate;
  let dir: string;
  let chain: string;
  let serial = 0;

  beforeAll(async () => {
    s = await startWebServer(kind, {
      // Many refusals in a row from one session: the code-entry limit is another test's subject.
      rateRules: { codeEntryPerSession: { max: 1000, windowMs: 600_000 } },
    });
    dir = mkdtempSync(join(tmpdir(), "geumgo-transfer-sig-"));
    chain = await setUpCa(s, dir);
    hongCert = await issueMemberCertificate(s, s.hong);
    hong = await s.login("hong", "Hong!2026demo");
    kim = await s.login("kim2026", "Kim!2026pass");
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  function fields(amount = "10000", memo?: string): TransferFields {
    serial += 1;
    return {
      idempotencyKey: `signed-${kind}-${String(serial).padStart(4, "0")}`,
      fromAccount: s.hong.accounts[0]!,
      toAccount: s.lee.accounts[0]!,
      amount,
      ...(memo ? { memo } : {}),
    };
  }

  async function send(session: Session, body: object) {
    return s.request("POST", "/api/transfers", {
      session,
      body: { pin: pins.hong, otp: s.nextOtp(session === kim ? s.kim : s.hong), ...body },
    });
  }

  async function kept(key: string): Promise<{ transfers: number; signatures: number }> {
    const t = await s.app.db.query<{ id: bigint }>("SELECT id FROM transfers WHERE idempotency_key = $1", [
      key,
    ]);
    const sig = t.rows[0]
      ? await s.app.db.query("SELECT 1 FROM transfer_signatures WHERE transfer_id = $1", [t.rows[0].id])
      : { rows: [] };
    return { transfers: t.rows.length, signatures: sig.rows.length };
  }

  /** A refusal with its code, and nothing posted or kept for the key. */
  async function expectRefused(
    r: { statusCode: number; json(): { error: { code: string; message: object } } },
    code: string,
    key: string,
  ) {
    expect(r.json().error.code).toBe(code);
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.json().error.message).toEqual({ ko: expect.any(String), en: expect.any(String) });
    expect(await kept(key)).toEqual({ transfers: 0, signatures: 0 });
  }

  it("keeps a good signature beside the posting; the member downloads it and openssl cms -verify accepts it", async () => {
    const f = fields("30000", "모임회비");
    const nonce = await signatureNonce(s, hong);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const signed = await signTransfer(hongCert, f, nonce, s.clock.now());
    const r = await send(hong, { ...f, ...signed, form: undefined });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id as string;

    const { rows } = await s.app.db.query<{ certificate_serial: Uint8Array; signed_content: Uint8Array }>(
      "SELECT certificate_serial, signed_content FROM transfer_signatures WHERE cooperative_id = 1 AND transfer_id = $1",
      [BigInt(id)],
    );
    expect(rows).toHaveLength(1);
    expect(toHex(rows[0]!.certificate_serial)).toBe(toHex(hongCert.serial));
    expect(Buffer.from(rows[0]!.signed_content).toString("utf8")).toBe(
      Buffer.from(signed.form).toString("utf8"),
    );

    const sig = await s.request("GET", `/api/transfers/${id}/signature`, { session: hong });
    expect(sig.statusCode).toBe(200);
    expect(sig.headers["content-type"]).toBe("application/pkcs7-signature");
    const content = await s.request("GET", `/api/transfers/${id}/signed-content`, { session: hong });
    expect(content.statusCode).toBe(200);
    expect(content.rawPayload.equals(Buffer.from(signed.form))).toBe(true);
    writeFileSync(join(dir, "sig.der"), sig.rawPayload);
    writeFileSync(join(dir, "form.json"), content.rawPayload);
    const verify = opensslCmsVerify({
      signature: join(dir, "sig.der"),
      content: join(dir, "form.json"),
      chain,
    });
    expect(verify.stderr).toContain("Verification successful");
    expect(verify.status).toBe(0);
    // The same signature over another amount: OpenSSL refuses it as well.
    writeFileSync(
      join(dir, "tampered.json"),
      content.rawPayload.toString("utf8").replace('"30000"', '"90000"'),
    );
    const tampered = opensslCmsVerify({
      signature: join(dir, "sig.der"),
      content: join(dir, "tampered.json"),
      chain,
    });
    expect(tampered.status).not.toBe(0);

    // Another member cannot read it; nor can anyone read a transfer with none kept.
    const other = await s.request("GET", `/api/transfers/${id}/signature`, { session: kim });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe("transfer_signature_not_found");
  });

  it("a repeat of a signed transfer gets the first receipt and keeps the signature once", async () => {
    const f = fields("12000");
    const signed = await signTransfer(hongCert, f, await signatureNonce(s, hong), s.clock.now());
    const body = {
      ...f,
      signature: signed.signature,
      signedAt: signed.signedAt,
      signatureNonce: signed.signatureNonce,
    };
    const first = await send(hong, body);
    expect(first.statusCode, first.body).toBe(201);
    const again = await send(hong, body);
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual(first.json());
    expect(await kept(f.idempotencyKey)).toEqual({ transfers: 1, signatures: 1 });
  });

  it("a member holding a certificate must sign; one without may still send with PIN and OTP", async () => {
    const f = fields();
    await expectRefused(await send(hong, f), "signature_required", f.idempotencyKey);
    // A signature without its time and nonce is a form missing a field, not an unsigned transfer.
    const partial = await send(hong, { ...f, signature: "AAAA" });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().error).toMatchObject({ code: "validation", details: { field: "signedAt" } });
    const k = { ...fields(), fromAccount: s.kim.accounts[0]! };
    const r = await send(kim, { ...k, pin: pins.kim });
    expect(r.statusCode, r.body).toBe(201);
    expect(await kept(k.idempotencyKey)).toEqual({ transfers: 1, signatures: 0 });
  });

  it("refuses a signature over another amount, account, key or nonce: signature_form_mismatch", async () => {
    for (const change of [{ amount: "10001" }, { toAccount: s.kim.accounts[0]! }, { memo: "다른메모" }]) {
      const f = fields();
      const signed = await signTransfer(hongCert, f, await signatureNonce(s, hong), s.clock.now(), {
        form: change,
      });
      const { form: _, ...claim } = signed;
      await expectRefused(await send(hong, { ...f, ...claim }), "signature_form_mismatch", f.idempotencyKey);
    }
    // Signed under one nonce, sent with another of this session.
    const f = fields();
    const signed = await signTransfer(hongCert, f, await signatureNonce(s, hong), s.clock.now());
    const other = await signatureNonce(s, hong);
    await expectRefused(
      await send(hong, {
        ...f,
        signature: signed.signature,
        signedAt: signed.signedAt,
        signatureNonce: other,
      }),
      "signature_form_mismatch",
      f.idempotencyKey,
    );
  });

  it("refuses a damaged signature, and one by a certificate our CA did not issue: signature_invalid", async () => {
    const f = fields();
    const signed = await signTransfer(hongCert, f, await signatureNonce(s, hong), s.clock.now());
    const bytes = Buffer.from(signed.signature, "base64");
    bytes[bytes.length - 5]! ^= 0x01; // inside the signature value, at the end of the SignerInfo
    await expectRefused(
      await send(hong, {
        ...f,
        signature: bytes.toString("base64"),
        signedAt: signed.signedAt,
        signatureNonce: signed.signatureNonce,
      }),
      "signature_invalid",
      f.idempotencyKey,
    );
    await expectRefused(
      await send(hong, {
        ...f,
        signature: "AAAA",
        signedAt: signed.signedAt,
        signatureNonce: signed.signatureNonce,
      }),
      "signature_invalid",
      f.idempotencyKey,
    );
    // A look-alike CA with the same kind of certificate: not in our records.
    const foreign = await certifiedKey(await testCa(), { kind: "RSA", modulusBits: 2048 });
    const g = fields();
    const forged = await signTransfer(
      { serial: new Uint8Array(), der: foreign.certificate, privateKey: foreign.keys.privateKey },
      g,
      await signatureNonce(s, hong),
      s.clock.now(),
    );
    const { form: _, ...claim } = forged;
    await expectRefused(await send(hong, { ...g, ...claim }), "signature_invalid", g.idempotencyKey);
  });

  it("spends a nonce once: a second transfer under it is signature_nonce_used; another session's or an old one is expired", async () => {
    const nonce = await signatureNonce(s, hong);
    const f = fields();
    const a = await signTransfer(hongCert, f, nonce, s.clock.now());
    const { form: _a, ...claimA } = a;
    expect((await send(hong, { ...f, ...claimA })).statusCode).toBe(201);
    const g = fields();
    const b = await signTransfer(hongCert, g, nonce, s.clock.now());
    const { form: _b, ...claimB } = b;
    await expectRefused(await send(hong, { ...g, ...claimB }), "signature_nonce_used", g.idempotencyKey);

    // A nonce given to another session of the same member.
    const hong2 = await s.login("hong", "Hong!2026demo");
    const h = fields();
    const c = await signTransfer(hongCert, h, await signatureNonce(s, hong2), s.clock.now());
    const { form: _c, ...claimC } = c;
    await expectRefused(await send(hong, { ...h, ...claimC }), "signature_nonce_expired", h.idempotencyKey);

    // Ten minutes on (the session kept alive), the nonce is gone; signed now, the time is right.
    const old = await signatureNonce(s, hong);
    for (let i = 0; i < 4; i++) {
      s.clock.advance(150_000);
      await s.request("GET", "/api/notifications", { session: hong });
    }
    s.clock.advance(1_000);
    const i = fields();
    const d = await signTransfer(hongCert, i, old, s.clock.now());
    const { form: _d, ...claimD } = d;
    await expectRefused(await send(hong, { ...i, ...claimD }), "signature_nonce_expired", i.idempotencyKey);
  });

  it("refuses a form time or signing time more than five minutes off: signature_time_skew", async () => {
    const f = fields();
    const early = new Date(s.clock.now().getTime() - 6 * 60_000);
    const a = await signTransfer(hongCert, f, await signatureNonce(s, hong), early);
    const { form: _a, ...claimA } = a;
    await expectRefused(await send(hong, { ...f, ...claimA }), "signature_time_skew", f.idempotencyKey);
    // The form's time right, the CMS signingTime (the client's clock) six minutes ahead.
    const g = fields();
    const b = await signTransfer(
      hongCert,
      g,
      await signatureNonce(s, hong),
      new Date(s.clock.now().getTime() + 30_000),
      {
        signingTime: new Date(s.clock.now().getTime() + 6 * 60_000),
      },
    );
    const { form: _b, ...claimB } = b;
    await expectRefused(await send(hong, { ...g, ...claimB }), "signature_time_skew", g.idempotencyKey);
  });

  it("refuses another member's certificate, and a revoked, suspended or expired one of the member's own", async () => {
    kimCert = await issueMemberCertificate(s, s.kim);
    const cases: { cert: () => Promise<MemberCertificate>; code: string }[] = [
      { cert: async () => kimCert, code: "certificate_other_member" },
      { cert: () => issueMemberCertificate(s, s.hong, { status: "revoked" }), code: "certificate_revoked" },
      {
        cert: () => issueMemberCertificate(s, s.hong, { status: "hold", purpose: "universal" }),
        code: "certificate_suspended",
      },
      {
        cert: () =>
          issueMemberCertificate(s, s.hong, {
            status: "revoked",
            notBefore: new Date(s.clock.now().getTime() - 400 * 86_400_000),
            notAfter: new Date(s.clock.now().getTime() - 86_400_000),
          }),
        code: "certificate_revoked",
      },
    ];
    for (const c of cases) {
      const f = fields();
      const signed = await signTransfer(await c.cert(), f, await signatureNonce(s, hong), s.clock.now());
      const { form: _, ...claim } = signed;
      await expectRefused(await send(hong, { ...f, ...claim }), c.code, f.idempotencyKey);
    }
    // Expired while still marked valid (the status job has not run): the dates decide.
    await s.app.db.query("UPDATE certificates SET status = 'revoked' WHERE serial = $1", [hongCert.serial]);
    const expired = await issueMemberCertificate(s, s.hong, {
      notBefore: new Date(s.clock.now().getTime() - 400 * 86_400_000),
      notAfter: new Date(s.clock.now().getTime() - 86_400_000),
    });
    const f = fields();
    const signed = await signTransfer(expired, f, await signatureNonce(s, hong), s.clock.now());
    const { form: _, ...claim } = signed;
    await expectRefused(await send(hong, { ...f, ...claim }), "certificate_expired", f.idempotencyKey);
    // With only an expired certificate, hong is not made to sign (the interim policy).
    const g = fields();
    const r = await send(hong, g);
    expect(r.statusCode, r.body).toBe(201);
  });
});
