// The certificate centre's transfer-signature hooks around the bank's real transfer, where the API
// cannot reach: a posting that fails after the signature was checked keeps no signature and spends
// no nonce; two transfers that both passed the check with one nonce post once, the other rolled back;
// a nonce swept past its time between the check and the posting is refused as expired.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberTransfer } from "../../src/bank/member-transfer.ts";
import {
  issueSignatureNonce,
  nonceHash,
  purgeSignatureNonces,
} from "../../src/certcenter/transfer-nonces.ts";
import { transferSignatureHooks } from "../../src/certcenter/transfer-signatures.ts";
import { dbKinds } from "../support/db.ts";
import {
  issueMemberCertificate,
  type MemberCertificate,
  setUpCa,
  signTransfer,
  type TransferFields,
} from "../support/member-certificates.ts";
import { pins, startWebServer, type WebServer } from "../support/web-server.ts";

describe.each(dbKinds)("transfer signature hooks in the posting on %s", (kind) => {
  let s: WebServer;
  let cert: MemberCertificate;
  const session = "ab".repeat(32);

  beforeAll(async () => {
    s = await startWebServer(kind);
    await setUpCa(s, mkdtempSync(join(tmpdir(), "geumgo-sig-hooks-")));
    cert = await issueMemberCertificate(s, s.hong);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const who = () => ({ cooperativeId: 1, memberId: s.hong.member.id, sessionId: session });

  async function signed(fields: TransferFields, nonce: string) {
    const claim = await signTransfer(cert, fields, nonce, s.clock.now());
    const hooks = transferSignatureHooks(
      { db: s.app.db, clock: s.clock },
      who(),
      {
        from: fields.fromAccount.replaceAll("-", ""),
        to: fields.toAccount.replaceAll("-", ""),
        amount: fields.amount,
        memo: null,
        idempotencyKey: fields.idempotencyKey,
      },
      { signature: Buffer.from(claim.signature, "base64"), signedAt: claim.signedAt, nonce },
    );
    return hooks;
  }

  function send(fields: TransferFields, hooks: Parameters<typeof memberTransfer>[2]) {
    const otp = s.nextOtp(s.hong);
    return memberTransfer(
      s.app.bank,
      {
        who: who(),
        idempotencyKey: fields.idempotencyKey,
        fromAccount: fields.fromAccount,
        toAccount: fields.toAccount,
        amount: BigInt(fields.amount),
        memo: null,
        pin: pins.hong,
        mediumAnswer: () => otp,
      },
      hooks,
    );
  }

  async function rows(key: string) {
    const t = await s.app.db.query("SELECT 1 FROM transfers WHERE idempotency_key = $1", [key]);
    const sig = await s.app.db.query(
      "SELECT 1 FROM transfer_signatures g JOIN transfers t ON t.cooperative_id = g.cooperative_id AND t.id = g.transfer_id WHERE t.idempotency_key = $1",
      [key],
    );
    return { transfers: t.rows.length, signatures: sig.rows.length };
  }

  const fields = (key: string, amount: string): TransferFields => ({
    idempotencyKey: key,
    fromAccount: s.hong.accounts[0]!,
    toAccount: s.lee.accounts[0]!,
    amount,
  });

  it("a posting that fails after the check keeps no signature and leaves the nonce for a retry", async () => {
    const { nonce } = await issueSignatureNonce(s.app.db, who(), s.clock.now());
    const f = fields(`hooks-${kind}-fail-0001`, "1000000");
    const hooks = await signed(f, nonce);
    // The money goes elsewhere between the check and the posting (another transfer, a teller).
    const drained = {
      ...hooks,
      async checkSignature(t: Parameters<typeof hooks.checkSignature>[0]) {
        await hooks.checkSignature(t);
        await s.app.db.query("UPDATE accounts SET balance = 10 WHERE number = $1", [
          f.fromAccount.replaceAll("-", ""),
        ]);
      },
    };
    await expect(send(f, drained)).rejects.toMatchObject({ code: "insufficient_funds" });
    expect(await rows(f.idempotencyKey)).toEqual({ transfers: 0, signatures: 0 });
    const { rows: spent } = await s.app.db.query(
      "SELECT 1 FROM transfer_signature_nonces WHERE spent_at IS NOT NULL AND session_id = $1",
      [session],
    );
    expect(spent).toHaveLength(0);

    // Funded again, the same signed request goes through with the same nonce.
    await s.app.db.query("UPDATE accounts SET balance = 5000000 WHERE number = $1", [
      f.fromAccount.replaceAll("-", ""),
    ]);
    await expect(send(f, await signed(f, nonce))).resolves.toMatchObject({ replayed: false });
    expect(await rows(f.idempotencyKey)).toEqual({ transfers: 1, signatures: 1 });
  });

  it("two transfers checked with one nonce: the first posts, the second rolls back with signature_nonce_used", async () => {
    const { nonce } = await issueSignatureNonce(s.app.db, who(), s.clock.now());
    const a = fields(`hooks-${kind}-race-000a`, "1000");
    const b = fields(`hooks-${kind}-race-000b`, "2000");
    const hooksA = await signed(a, nonce);
    const hooksB = await signed(b, nonce);
    // Both checked while the nonce was still unspent, as two requests at once would be.
    await hooksB.checkSignature(undefined as never);
    await send(a, hooksA);
    await expect(
      send(b, { checkSignature: async () => {}, recordEvidence: hooksB.recordEvidence }),
    ).rejects.toMatchObject({ code: "signature_nonce_used" });
    expect(await rows(a.idempotencyKey)).toEqual({ transfers: 1, signatures: 1 });
    expect(await rows(b.idempotencyKey)).toEqual({ transfers: 0, signatures: 0 });
  });
  it("a nonce swept between the check and the posting is expired, not used: the posting rolls back", async () => {
    const { nonce } = await issueSignatureNonce(s.app.db, who(), s.clock.now());
    const f = fields(`hooks-${kind}-swept-0001`, "1000");
    // Checked a second before its ten minutes end (the OTP takes the clock on 30 seconds); the
    // sweep runs as the posting begins.
    s.clock.advance(10 * 60_000 - 31_000);
    const hooks = await signed(f, nonce);
    const swept = {
      ...hooks,
      async checkSignature(t: Parameters<typeof hooks.checkSignature>[0]) {
        await hooks.checkSignature(t);
        s.clock.advance(1000);
        await purgeSignatureNonces(s.app.db, s.clock.now());
      },
    };
    await expect(send(f, swept)).rejects.toMatchObject({ code: "signature_nonce_expired" });
    expect(await rows(f.idempotencyKey)).toEqual({ transfers: 0, signatures: 0 });
  });

  it("the maintenance sweeps nonces past their ten minutes and keeps the others", async () => {
    const old = await issueSignatureNonce(s.app.db, who(), s.clock.now());
    s.clock.advance(9 * 60_000);
    const fresh = await issueSignatureNonce(s.app.db, who(), s.clock.now());
    s.clock.advance(60_000);
    await purgeSignatureNonces(s.app.db, s.clock.now());
    const left = async (nonce: string) =>
      (
        await s.app.db.query("SELECT 1 FROM transfer_signature_nonces WHERE nonce_hash = $1", [
          nonceHash(nonce),
        ])
      ).rows.length;
    expect(await left(old.nonce)).toBe(0);
    expect(await left(fresh.nonce)).toBe(1);
  });
});
