// Replayed and stale CMP requests, transactionIDs taken from another requester, and renewals whose
// old certificate is revoked or held before the certConf: each through the running server, our
// client and hand-built messages, with `openssl ocsp` judging what relying parties are told.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuingCa } from "../../src/ca/context.ts";
import { purgeSenderNonces } from "../../src/ca/freshness.ts";
import { caMaintenance } from "../../src/ca/maintenance.ts";
import { holdCertificate, releaseCertificate, revokeCertificate } from "../../src/ca/revocation.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { fromPem, toHex, toPem } from "../../src/pki/bytes.ts";
import {
  buildPkiMessage,
  bytesOf,
  type CmpHeaderFields,
  type CmpMessage,
  type CmpProtection,
  parsePkiMessage,
} from "../../src/pki/cmp.ts";
import { CmpRefusal, enrol, renew, revoke } from "../../src/pki/cmp-client.ts";
import { pbmKey, readPbmParameter } from "../../src/pki/cmp-pbm.ts";
import { readFailureInfo } from "../../src/pki/cmp-status.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { readTlv } from "../../src/pki/der.ts";
import { type CaServer, newKeyFile, refusalOf, startCaServer, writeFile } from "../support/ca-server.ts";

const day = 86_400_000;
const minute = 60_000;

/** The PKIBody exactly as received (a POP signature covers its bytes: never re-encoded). */
function bodyBytes(m: CmpMessage): Uint8Array {
  const outer = readTlv(m.protectedPart, 0)!;
  const header = readTlv(m.protectedPart, outer.contentStart)!;
  const body = readTlv(m.protectedPart, header.end)!;
  return m.protectedPart.slice(body.start, body.end);
}

/** The message again with some header fields changed, protected anew. */
async function rebuilt(
  der: Uint8Array,
  changes: Partial<CmpHeaderFields>,
  protection: CmpProtection,
): Promise<Uint8Array<ArrayBuffer>> {
  const m = parsePkiMessage(der);
  const h = m.header;
  return buildPkiMessage(
    {
      sender: m.senderDer,
      recipient: h.recipient,
      transactionID: bytesOf(h.transactionID)!,
      senderNonce: bytesOf(h.senderNonce)!,
      recipNonce: bytesOf(h.recipNonce),
      senderKID: bytesOf(h.senderKID),
      ...(h.messageTime ? { messageTime: h.messageTime } : {}),
      ...changes,
    },
    bodyBytes(m),
    protection,
  );
}

/** The failInfo names of an error answer, or its body type when it is none. */
function failuresOf(answer: Uint8Array): string[] | string {
  const m = parsePkiMessage(answer);
  return m.bodyType === "error" ? readFailureInfo(m.body?.error?.pKIStatusInfo.failInfo) : m.bodyType!;
}

const serialOf = (der: Uint8Array) =>
  new Uint8Array(AsnConvert.parse(der, Certificate).tbsCertificate.serialNumber).slice(-16);

describe.each(["pglite", "postgres"] as const)(
  "replays, stale requests and orphaned renewals (%s)",
  (kind) => {
    let s: CaServer;
    let caCertificate: Uint8Array;
    const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
    const authorize = (userId: string, purpose: "bank" | "universal") =>
      authorizeForUser(s.app, { userId, purpose, channel: "web", actor: "member" });
    /** Bank certificates of both members, issued 340 days ago: inside the renewal window now. */
    const held: { certificate: Uint8Array; keys: CryptoKeyPair }[] = [];

    const row = async (serial: Uint8Array) =>
      (
        await s.app.db.query<{ status: string; revocation_reason: string | null }>(
          "SELECT status, revocation_reason FROM certificates WHERE serial = $1",
          [serial],
        )
      ).rows[0];
    const renewalsOf = async (serial: Uint8Array) =>
      (
        await s.app.db.query<{ serial: Uint8Array; status: string; der: Uint8Array }>(
          "SELECT serial, status, der FROM certificates WHERE replaces = $1 ORDER BY created_at",
          [serial],
        )
      ).rows.map((r) => ({ ...r, serial: new Uint8Array(r.serial), der: new Uint8Array(r.der) }));
    const ocsp = async (der: Uint8Array, name: string) => {
      const file = writeFile(s.dir, name, toPem("CERTIFICATE", der));
      const r = await s.openssl([
        "ocsp",
        "-issuer",
        s.files.issuing,
        "-cert",
        file,
        "-url",
        `${s.url}/pki/ocsp`,
        "-CAfile",
        s.files.chain,
        "-no_nonce",
      ]);
      return r.stdout + r.stderr;
    };

    beforeAll(async () => {
      s = await startCaServer(kind, { at: new Date(Date.now() - 340 * day) });
      caCertificate = (await issuingCa(s.app.ca)).certificate;
      for (const user of s.users) {
        const keys = await generateKeyPair({ algorithm: "EC" });
        const { certificate } = await enrol({ send, ...(await authorize(user.userId, "bank")), keys });
        held.push({ certificate, keys });
      }
      s.clock.at = new Date();
      await caMaintenance(s.app.ca); // an OCSP signer valid now
    }, 60_000);
    afterAll(async () => s?.close());

    /**
     * Renews, and runs `between` after the kup and before the certConf goes out. Returns the
     * renewal's outcome (the certificate, or the refusal's failInfo).
     */
    async function renewWith(
      old: { certificate: Uint8Array; keys: CryptoKeyPair },
      between: (kur: Uint8Array<ArrayBuffer>) => Promise<void>,
    ): Promise<Uint8Array | string[]> {
      let kur: Uint8Array<ArrayBuffer> | undefined;
      const intercept = async (der: Uint8Array<ArrayBuffer>) => {
        if (!kur) {
          kur = der;
          return send(der);
        }
        await between(kur);
        return send(der);
      };
      const newKeys = await generateKeyPair({ algorithm: "EC" });
      try {
        return (
          await renew({
            send: intercept,
            certificate: old.certificate,
            key: old.keys.privateKey,
            newKeys,
            caCertificate,
          })
        ).certificate;
      } catch (e) {
        if (e instanceof CmpRefusal) return e.failures;
        throw e;
      }
    }

    it("ends a pending renewal when its old certificate is revoked: the certConf is refused, OCSP says revoked", async () => {
      const old = held[0]!;
      const oldSerial = serialOf(old.certificate);
      const outcome = await renewWith(old, async () => {
        const change = await revokeCertificate(s.app.ca, {
          serial: oldSerial,
          reason: "keyCompromise",
          actor: "operator",
        });
        const [pending] = await renewalsOf(oldSerial);
        expect(change.renewalsEnded, "ended with the revocation, before any certConf").toEqual([
          toHex(pending!.serial),
        ]);
        expect((await row(pending!.serial))?.status).toBe("revoked");
      });
      expect(outcome).toEqual(["certRevoked"]);
      const [renewal] = await renewalsOf(oldSerial);
      expect(await row(renewal!.serial)).toEqual({
        status: "revoked",
        revocation_reason: "cessationOfOperation",
      });
      expect(await row(oldSerial)).toEqual({ status: "revoked", revocation_reason: "keyCompromise" });
      const status = await ocsp(renewal!.der, "renewal-of-revoked.pem");
      expect(status).toMatch(/renewal-of-revoked\.pem: revoked/);
      expect(status).not.toMatch(/: good/);
    });

    it("ends a pending renewal when its old certificate is held: the hold stays a hold, and a later renewal works", async () => {
      const old = held[1]!;
      const oldSerial = serialOf(old.certificate);
      const outcome = await renewWith(old, async () => {
        const change = await holdCertificate(s.app.ca, { serial: oldSerial, actor: "operator" });
        const [pending] = await renewalsOf(oldSerial);
        expect(change.renewalsEnded, "ended with the hold, before any certConf").toEqual([
          toHex(pending!.serial),
        ]);
        expect((await row(pending!.serial))?.status).toBe("revoked");
      });
      expect(outcome).toEqual(["certRevoked"]);
      const [renewal] = await renewalsOf(oldSerial);
      expect(await row(renewal!.serial)).toEqual({
        status: "revoked",
        revocation_reason: "cessationOfOperation",
      });
      expect(await row(oldSerial), "not turned into revoked, superseded").toEqual({
        status: "hold",
        revocation_reason: "certificateHold",
      });
      const status = await ocsp(renewal!.der, "renewal-of-held.pem");
      expect(status).toMatch(/renewal-of-held\.pem: revoked/);
      expect(status).not.toMatch(/: good/);
      expect(await ocsp(old.certificate, "held.pem")).toMatch(/Reason: certificateHold/);

      // Released, the old certificate renews again; the ended renewal stays revoked.
      await releaseCertificate(s.app.ca, { serial: oldSerial, actor: "operator" });
      const renewed = await renewWith(old, async () => {});
      expect(renewed).toBeInstanceOf(Uint8Array);
      expect(await row(serialOf(renewed as Uint8Array))).toEqual({
        status: "valid",
        revocation_reason: null,
      });
      expect(await row(renewal!.serial)).toEqual({
        status: "revoked",
        revocation_reason: "cessationOfOperation",
      });
    });

    it("refuses the certConf of a renewal whose old certificate expired after the kup, and revokes the renewal", async () => {
      const at = s.clock.at;
      s.clock.at = new Date(Date.now() - 340 * day);
      const keys = await generateKeyPair({ algorithm: "EC" });
      const { certificate } = await enrol({
        send,
        ...(await authorize(s.users[0]!.userId, "universal")),
        keys,
      });
      const oldSerial = serialOf(certificate);
      const notAfter = AsnConvert.parse(certificate, Certificate).tbsCertificate.validity.notAfter.getTime();
      s.clock.at = new Date(notAfter.getTime() - 2 * minute);
      // Each message dated by the CA's clock, which runs past the old certificate's expiry between
      // the kup and the certConf.
      const protection: CmpProtection = {
        kind: "signature",
        key: keys.privateKey,
        certificates: [certificate],
      };
      let sent = 0;
      const dated = async (der: Uint8Array<ArrayBuffer>) => {
        if (++sent === 2) s.clock.advance(3 * minute);
        return send(await rebuilt(der, { messageTime: s.clock.now() }, protection));
      };
      // A universal certificate's renewal needs its fee held first (the certificate centre).
      await s.payRenewal(certificate);
      const newKeys = await generateKeyPair({ algorithm: "EC" });
      try {
        expect(
          await refusalOf(renew({ send: dated, certificate, key: keys.privateKey, newKeys, caCertificate })),
        ).toEqual(["notAuthorized"]);
        const [renewal] = await renewalsOf(oldSerial);
        expect(await row(renewal!.serial)).toEqual({
          status: "revoked",
          revocation_reason: "cessationOfOperation",
        });
        expect(await row(oldSerial), "not superseded by a renewal that never held").toEqual({
          status: "valid",
          revocation_reason: null,
        });
        const fee = await s.app.db.query<{ status: string }>(
          "SELECT status FROM certcenter_fees WHERE renews = $1",
          [oldSerial],
        );
        expect(fee.rows, "the renewal's fee is given back with its refusal").toEqual([
          { status: "released" },
        ]);
      } finally {
        s.clock.at = at;
      }
      await revokeCertificate(s.app.ca, {
        serial: oldSerial,
        reason: "cessationOfOperation",
        actor: "operator",
      });
    });

    it("never issues twice for a replayed kur, and the holder's own certConf still confirms", async () => {
      // A fresh member certificate in the window: kim's universal one, issued 340 days ago.
      const at = s.clock.at;
      s.clock.at = new Date(Date.now() - 340 * day);
      const keys = await generateKeyPair({ algorithm: "EC" });
      const { certificate } = await enrol({
        send,
        ...(await authorize(s.users[1]!.userId, "universal")),
        keys,
      });
      s.clock.at = at;
      const oldSerial = serialOf(certificate);
      const answers: (string[] | string)[] = [];
      await s.payRenewal(certificate);
      const renewed = await renewWith({ certificate, keys }, async (kur) => {
        answers.push(failuresOf(await send(kur))); // the kur as captured
        // The same kur with a fresh nonce: its transactionID has its certificate already.
        const nonce = crypto.getRandomValues(new Uint8Array(16));
        const protection: CmpProtection = {
          kind: "signature",
          key: keys.privateKey,
          certificates: [certificate],
        };
        answers.push(failuresOf(await send(await rebuilt(kur, { senderNonce: nonce }, protection))));
      });
      expect(answers).toEqual([["badSenderNonce"], ["transactionIdInUse"]]);
      expect(renewed).toBeInstanceOf(Uint8Array);
      const renewals = await renewalsOf(oldSerial);
      expect(renewals.map((r) => r.status)).toEqual(["valid"]);
      expect(renewals[0]!.der).toEqual(renewed);
      expect(await row(oldSerial)).toEqual({ status: "revoked", revocation_reason: "superseded" });
    });

    const auditEntries = async () =>
      Number((await s.app.db.query<{ n: string }>("SELECT count(*) AS n FROM audit_log")).rows[0]!.n);

    it("refuses a captured rr replayed after the hold was released, and one a year old", async () => {
      const auth = await authorize(s.users[0]!.userId, "universal");
      const keys = await generateKeyPair({ algorithm: "EC" });
      const { certificate } = await enrol({ send, ...auth, keys });
      const serial = serialOf(certificate);
      let captured: Uint8Array<ArrayBuffer> | undefined;
      const capture = async (der: Uint8Array<ArrayBuffer>) => {
        captured = der;
        return send(der);
      };
      await revoke({
        send: capture,
        certificate,
        key: keys.privateKey,
        reason: "certificateHold",
        caCertificate,
      });
      expect((await row(serial))?.status).toBe("hold");
      await releaseCertificate(s.app.ca, { serial, actor: "operator" });

      const audited = await auditEntries();
      const replayed = await send(captured!);
      expect(failuresOf(replayed), "inside the window: the nonce was taken").toEqual(["badSenderNonce"]);
      // A replay proves nothing about its sender now: counted, answered unprotected, not audited.
      expect(parsePkiMessage(replayed).protection, "no CA signature for a replay").toBeUndefined();
      expect(await auditEntries(), "no audit entry per replay").toBe(audited);
      s.clock.advance(10 * minute);
      try {
        expect(failuresOf(await send(captured!)), "after the window: stale").toEqual(["badTime"]);
      } finally {
        s.clock.advance(-10 * minute);
      }
      expect(await row(serial)).toEqual({ status: "valid", revocation_reason: null });

      const protection: CmpProtection = {
        kind: "signature",
        key: keys.privateKey,
        certificates: [certificate],
      };
      const fresh = () => crypto.getRandomValues(new Uint8Array(16));
      const yearOld = await rebuilt(
        captured!,
        { senderNonce: fresh(), transactionID: fresh(), messageTime: new Date(Date.now() - 365 * day) },
        protection,
      );
      expect(failuresOf(await send(yearOld))).toEqual(["badTime"]);
      const m = parsePkiMessage(captured!);
      const untimed = await buildPkiMessage(
        {
          sender: m.senderDer,
          recipient: m.header.recipient,
          transactionID: fresh(),
          senderNonce: fresh(),
        },
        bodyBytes(m),
        protection,
      );
      expect(failuresOf(await send(untimed)), "no messageTime").toEqual(["badTime"]);
      const { rows } = await s.app.db.query<{ cmp_transaction: Uint8Array }>(
        "SELECT cmp_transaction FROM certificates WHERE serial = $1",
        [serial],
      );
      const taken = await rebuilt(
        captured!,
        {
          senderNonce: fresh(),
          transactionID: new Uint8Array(rows[0]!.cmp_transaction),
          messageTime: new Date(),
        },
        protection,
      );
      expect(failuresOf(await send(taken)), "the ir's transactionID").toEqual(["transactionIdInUse"]);
      expect(await row(serial)).toEqual({ status: "valid", revocation_reason: null });

      // Suspending a suspended certificate is refused as such, not as a failure of the CA.
      await revoke({ send, certificate, key: keys.privateKey, reason: "certificateHold", caCertificate });
      expect(
        await refusalOf(
          revoke({ send, certificate, key: keys.privateKey, reason: "certificateHold", caCertificate }),
        ),
      ).toEqual(["certRevoked"]);
      await revokeCertificate(s.app.ca, { serial, reason: "cessationOfOperation", actor: "operator" });
    });

    it("refuses another member's ir that reuses a pending transactionID, and the first one's certConf confirms", async () => {
      // Kim's bank certificate is revoked first: one live certificate per member and purpose.
      const live = (
        await s.app.db.query<{ serial: Uint8Array }>(
          `SELECT serial FROM certificates WHERE purpose = 'bank' AND status IN ('valid', 'hold')
            AND holder = (SELECT holder FROM certificates WHERE serial = $1)`,
          [serialOf(held[1]!.certificate)],
        )
      ).rows;
      for (const r of live) {
        await revokeCertificate(s.app.ca, {
          serial: new Uint8Array(r.serial),
          reason: "superseded",
          actor: "operator",
        });
      }
      const a = await authorize(s.users[0]!.userId, "universal");
      const b = await authorize(s.users[1]!.userId, "bank");
      let bAnswer: string[] | string | undefined;
      let sent = 0;
      const aSend = async (der: Uint8Array<ArrayBuffer>) => {
        const answer = await send(der);
        if (++sent === 1) {
          // Between A's ip and A's certConf, B sends an ir under A's transactionID.
          const aTid = bytesOf(parsePkiMessage(der).header.transactionID)!;
          const bSend = async (bDer: Uint8Array<ArrayBuffer>) => {
            const h = parsePkiMessage(bDer).header;
            const key = await pbmKey(
              new TextEncoder().encode(b.authorizationCode),
              readPbmParameter(h.protectionAlg!),
            );
            bAnswer = failuresOf(
              await send(await rebuilt(bDer, { transactionID: aTid }, { kind: "mac", key })),
            );
            throw new Error("B's exchange ends here");
          };
          const bKeys = await generateKeyPair({ algorithm: "EC" });
          await expect(enrol({ send: bSend, ...b, keys: bKeys })).rejects.toThrow(/ends here/);
        }
        return answer;
      };
      const keys = await generateKeyPair({ algorithm: "EC" });
      const { certificate } = await enrol({ send: aSend, ...a, keys });
      expect(bAnswer).toEqual(["transactionIdInUse"]);
      expect(await row(serialOf(certificate))).toEqual({ status: "valid", revocation_reason: null });
      const bState = await s.app.db.query<{ state: string; n: bigint }>(
        "SELECT state, (SELECT count(*) FROM certificates WHERE authorization_ref = $1) AS n FROM ca_authorizations WHERE reference_number = $1",
        [b.referenceNumber],
      );
      expect(bState.rows[0], "B's authorisation is untouched").toEqual({ state: "open", n: 0n });
      expect(await ocsp(certificate, "a.pem")).toMatch(/a\.pem: good/);
    });

    it("openssl cmp: an rr replayed from its -reqout file after the release is refused (badSenderNonce)", async () => {
      // hong's universal certificate (the transactionID test's) is revoked first: one live per purpose.
      const live = await s.app.db.query<{ serial: Uint8Array }>(
        `SELECT serial FROM certificates WHERE purpose = 'universal' AND status IN ('valid', 'hold')
            AND holder = (SELECT holder FROM certificates WHERE serial = $1)`,
        [serialOf(held[0]!.certificate)],
      );
      for (const r of live.rows) {
        await revokeCertificate(s.app.ca, {
          serial: new Uint8Array(r.serial),
          reason: "superseded",
          actor: "operator",
        });
      }
      const auth = await authorize(s.users[0]!.userId, "universal");
      const server = ["-server", `127.0.0.1:${s.port}`, "-path", "pki/cmp"];
      const ir = await s.openssl([
        "cmp",
        "-cmd",
        "ir",
        ...server,
        "-ref",
        auth.referenceNumber,
        "-secret",
        `pass:${auth.authorizationCode}`,
        "-newkey",
        newKeyFile(s.dir, "replay.key"),
        "-subject",
        "/CN=hong",
        "-certout",
        "replay.pem",
      ]);
      expect(ir.status, ir.output).toBe(0);
      const rr = (extra: string[]) =>
        s.openssl([
          "cmp",
          "-cmd",
          "rr",
          ...server,
          "-oldcert",
          "replay.pem",
          "-cert",
          "replay.pem",
          "-key",
          "replay.key",
          "-revreason",
          "6",
          "-trusted",
          s.files.chain,
          ...extra,
        ]);
      const hold = await rr(["-reqout", "rr.der"]);
      expect(hold.status, hold.output).toBe(0);
      const serial = (
        await s.app.db.query<{ serial: Uint8Array }>(
          "SELECT serial FROM certificates WHERE authorization_ref = $1",
          [auth.referenceNumber],
        )
      ).rows[0]!.serial;
      expect(await row(serial)).toEqual({ status: "hold", revocation_reason: "certificateHold" });
      await releaseCertificate(s.app.ca, { serial: new Uint8Array(serial), actor: "operator" });

      // A replay proves nothing about its sender, so its refusal comes unprotected.
      const replay = await rr(["-reqin", "rr.der", "-unprotected_errors"]);
      expect(replay.status, "the captured rr, sent again").not.toBe(0);
      expect(replay.output).toContain("badSenderNonce");
      expect(await row(serial)).toEqual({ status: "valid", revocation_reason: null });
      const pem = readFileSync(join(s.dir, "replay.pem"), "utf8");
      expect(await ocsp(fromPem(pem, "CERTIFICATE")[0]!, "replay-ocsp.pem")).toMatch(/: good/);
    });

    it("a revocation racing the renewal's certConf: never the renewal valid and the old one revoked for its key", async () => {
      const at = s.clock.at;
      s.clock.at = new Date(Date.now() - 340 * day);
      const keys = await generateKeyPair({ algorithm: "EC" });
      const { certificate } = await enrol({ send, ...(await authorize(s.users[0]!.userId, "bank")), keys });
      s.clock.at = at;
      const oldSerial = serialOf(certificate);
      let revocation: PromiseSettledResult<unknown> | undefined;
      let sent = 0;
      const race = async (der: Uint8Array<ArrayBuffer>) => {
        if (++sent === 1) return send(der);
        const [revoked, answer] = await Promise.allSettled([
          revokeCertificate(s.app.ca, { serial: oldSerial, reason: "keyCompromise", actor: "operator" }),
          send(der),
        ]);
        revocation = revoked;
        if (answer.status === "rejected") throw answer.reason;
        return answer.value;
      };
      const newKeys = await generateKeyPair({ algorithm: "EC" });
      const outcome = await renew({
        send: race,
        certificate,
        key: keys.privateKey,
        newKeys,
        caCertificate,
      }).then(
        (r) => r.certificate,
        (e: unknown) => (e instanceof CmpRefusal ? e.failures : Promise.reject(e)),
      );
      const [renewal] = await renewalsOf(oldSerial);
      if (revocation?.status === "fulfilled") {
        // The revocation went first: the renewal ended with it, and its certConf was refused.
        expect(outcome).toEqual(["certRevoked"]);
        expect(await row(renewal!.serial)).toEqual({
          status: "revoked",
          revocation_reason: "cessationOfOperation",
        });
        expect(await row(oldSerial)).toEqual({ status: "revoked", revocation_reason: "keyCompromise" });
      } else {
        // The confirmation went first: the old one is superseded, and the operator's revocation
        // finds it revoked already.
        expect((revocation as PromiseRejectedResult).reason).toMatchObject({ code: "already_revoked" });
        expect(outcome).toEqual(renewal!.der);
        expect(await row(renewal!.serial)).toEqual({ status: "valid", revocation_reason: null });
        expect(await row(oldSerial)).toEqual({ status: "revoked", revocation_reason: "superseded" });
      }
    });

    it("forgets sender nonces once their window has passed", async () => {
      const count = async () =>
        (await s.app.db.query<{ n: bigint }>("SELECT count(*) AS n FROM cmp_sender_nonces")).rows[0]!.n;
      const before = await count();
      expect(before).toBeGreaterThan(0n);
      expect(await purgeSenderNonces(s.app.ca), "all still inside their window").toBe(0);
      const at = s.clock.at;
      s.clock.at = new Date(Date.now() + 400 * day); // past every window, the expiry test's too
      try {
        expect(await purgeSenderNonces(s.app.ca)).toBe(Number(before));
      } finally {
        s.clock.at = at;
      }
      expect(await count()).toBe(0n);
    });
  },
);
