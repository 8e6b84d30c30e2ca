// Our own CMP client (src/pki/cmp-client.ts) against the running server: enrolment that carries
// the VID random sealed, renewal and revocation; and the bad input a CA must refuse with a CMP
// error, an audit entry and no state change.
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuingCa } from "../../src/ca/context.ts";
import { caMaintenance } from "../../src/ca/maintenance.ts";
import { keptPbmKeys } from "../../src/ca/pbm-keys.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { cmpRefusalWords } from "../../src/messages/cmp.ts";
import { buildPkiMessage, bytesOf, directoryName, parsePkiMessage, pkiConfBody } from "../../src/pki/cmp.ts";
import { CmpRefusal, enrol, renew, revoke } from "../../src/pki/cmp-client.ts";
import { newPbmParameter, type PbmKey, pbmKey, readPbmParameter } from "../../src/pki/cmp-pbm.ts";
import { readFailureInfo } from "../../src/pki/cmp-status.ts";
import { buildCertReqMsg } from "../../src/pki/crmf.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { readIdentifyData, verifyVid } from "../../src/pki/vid.ts";
import { type CaServer, refusalOf, startCaServer } from "../support/ca-server.ts";

const day = 86_400_000;

describe.each(["pglite", "postgres"] as const)("our CMP client against the server (%s)", (kind) => {
  let s: CaServer;
  let caCertificate: Uint8Array;
  const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
  const authorize = (userId: string, purpose: "bank" | "universal" = "bank") =>
    authorizeForUser(s.app, { userId, purpose, channel: "web", actor: "member" });
  const count = async (sql: string) => (await s.app.db.query<{ n: bigint }>(sql)).rows[0]!.n;

  beforeAll(async () => {
    s = await startCaServer(kind, { at: new Date(Date.now() - 340 * day) });
    caCertificate = (await issuingCa(s.app.ca)).certificate;
  }, 60_000);
  afterAll(async () => s?.close());

  it("enrols with a VID that the member's RRN and R verify, renews it, and revokes the renewal", async () => {
    const { userId, rrn, realName } = s.users[0]!;
    const auth = await authorize(userId);
    const keys = await generateKeyPair({ algorithm: "RSA" });
    const vidRandom = crypto.getRandomValues(new Uint8Array(20));
    const { certificate } = await enrol({ send, ...auth, keys, vidRandom });
    expect(readIdentifyData(certificate)?.realName).toBe(realName);
    expect(await verifyVid({ certificate, rrn, random: vidRandom })).toBe(true);
    expect(await verifyVid({ certificate, rrn, random: new Uint8Array(20) })).toBe(false);
    const { rows } = await s.app.db.query<{ status: string }>(
      "SELECT status FROM certificates WHERE authorization_ref = $1",
      [auth.referenceNumber],
    );
    expect(rows).toEqual([{ status: "valid" }]);

    s.clock.at = new Date();
    const newKeys = await generateKeyPair({ algorithm: "EC" });
    const renewed = await renew({ send, certificate, key: keys.privateKey, newKeys, caCertificate });
    expect(
      await verifyVid({ certificate: renewed.certificate, rrn, random: vidRandom }),
      "R carries over",
    ).toBe(true);
    await revoke({
      send,
      certificate: renewed.certificate,
      key: newKeys.privateKey,
      reason: "keyCompromise",
      caCertificate,
    });
    const states = await s.app.db.query<{ status: string; revocation_reason: string | null }>(
      "SELECT status, revocation_reason FROM certificates WHERE holder = (SELECT holder FROM certificates WHERE authorization_ref = $1) ORDER BY created_at",
      [auth.referenceNumber],
    );
    expect(states.rows).toEqual([
      { status: "revoked", revocation_reason: "superseded" },
      { status: "revoked", revocation_reason: "keyCompromise" },
    ]);
  });

  it("refuses a kur signed by a key other than the certificate's, and one for an expired certificate", async () => {
    const auth = await authorize(s.users[1]!.userId);
    const keys = await generateKeyPair({ algorithm: "EC" });
    const { certificate } = await enrol({ send, ...auth, keys });
    const stranger = await generateKeyPair({ algorithm: "EC" });
    const newKeys = await generateKeyPair({ algorithm: "EC" });
    expect(
      await refusalOf(renew({ send, certificate, key: stranger.privateKey, newKeys, caCertificate })),
    ).toEqual(["badMessageCheck"]);
    const at = s.clock.at;
    s.clock.at = new Date(Date.now() + 400 * day);
    try {
      expect(
        await refusalOf(renew({ send, certificate, key: keys.privateKey, newKeys, caCertificate })),
      ).toEqual(["notAuthorized"]);
    } finally {
      s.clock.at = at;
    }
    await revoke({ send, certificate, key: keys.privateKey, reason: "cessationOfOperation", caCertificate });
  });

  it("hands the page the CA's refusal code, protected or not, and words for it", async () => {
    const auth = await authorize(s.users[1]!.userId);
    const keys = await generateKeyPair({ algorithm: "EC" });
    const wrong = await enrol({
      send,
      ...auth,
      authorizationCode: "0".repeat(auth.authorizationCode.length),
      keys,
    }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(CmpRefusal);
    expect(wrong).toMatchObject({ reason: "wrong_mac", failures: ["badMessageCheck"] });
    expect(cmpRefusalWords(wrong as CmpRefusal).ko).toMatch(/인가코드가 맞지 않아요/);
    const unknown = await enrol({ send, ...auth, referenceNumber: "99999999999", keys }).catch(
      (e: unknown) => e,
    );
    expect(unknown).toMatchObject({ reason: "unknown_reference", unprotected: true });
    expect(cmpRefusalWords(unknown as CmpRefusal).en).toMatch(/reference number is not known/);
    const { certificate } = await enrol({ send, ...auth, keys });
    const early = await renew({
      send,
      certificate,
      key: keys.privateKey,
      newKeys: await generateKeyPair({ algorithm: "EC" }),
      caCertificate,
    }).catch((e: unknown) => e);
    expect(early).toMatchObject({
      reason: "renewal_window",
      failures: ["notAuthorized"],
      unprotected: false,
    });
    expect(cmpRefusalWords(early as CmpRefusal).en).toMatch(/from 30 days before it expires/);
    await revoke({ send, certificate, key: keys.privateKey, reason: "cessationOfOperation", caCertificate });
  });

  it("revokes a certificate its holder never confirmed, once the confirmation wait is over", async () => {
    const auth = await authorize(s.users[1]!.userId, "universal");
    let sent = 0;
    const dropConfirmation = async (der: Uint8Array<ArrayBuffer>) => {
      if (++sent === 2) throw new Error("the connection dropped before certConf");
      return send(der);
    };
    const keys = await generateKeyPair({ algorithm: "EC" });
    await expect(enrol({ send: dropConfirmation, ...auth, keys })).rejects.toThrow(/dropped/);
    const state = async () =>
      (
        await s.app.db.query<{ status: string; revocation_reason: string | null }>(
          "SELECT status, revocation_reason FROM certificates WHERE authorization_ref = $1",
          [auth.referenceNumber],
        )
      ).rows[0];
    expect(await state()).toEqual({ status: "pending", revocation_reason: null });
    await caMaintenance(s.app.ca);
    expect((await state())?.status, "still within the wait").toBe("pending");
    const at = s.clock.at;
    s.clock.advance(16 * 60_000);
    try {
      await caMaintenance(s.app.ca);
    } finally {
      s.clock.at = at;
    }
    expect(await state()).toEqual({ status: "revoked", revocation_reason: "cessationOfOperation" });
  });

  it("refuses a certConf under the ir's PBM parameters but another code or algorithm, though it keeps the ir's key", async () => {
    const auth = await authorize(s.users[0]!.userId, "universal");
    const keys = await generateKeyPair({ algorithm: "EC" });
    let sent = 0;
    const forgedAnswers: ReturnType<typeof parsePkiMessage>[] = [];
    const forgeFirst = async (der: Uint8Array<ArrayBuffer>) => {
      if (++sent === 2) {
        const real = parsePkiMessage(der);
        const h = real.header;
        const params = readPbmParameter(h.protectionAlg!);
        const resend = async (key: PbmKey) =>
          parsePkiMessage(
            await send(
              await buildPkiMessage(
                {
                  sender: h.sender,
                  recipient: h.recipient,
                  transactionID: bytesOf(h.transactionID)!,
                  senderNonce: bytesOf(h.senderNonce)!,
                  recipNonce: bytesOf(h.recipNonce),
                  senderKID: bytesOf(h.senderKID),
                  messageTime: h.messageTime,
                },
                real.body!,
                { kind: "mac", key },
              ),
            ),
          );
        // The member's certConf, MACed again under the same parameters with a code one digit off.
        const wrong = `${auth.authorizationCode.slice(0, -1)}${(Number(auth.authorizationCode.at(-1)) + 1) % 10}`;
        forgedAnswers.push(await resend(await pbmKey(new TextEncoder().encode(wrong), params)));
        // The right key, but a protectionAlg that is no PBM (with the PBM's parameters).
        const right = await pbmKey(new TextEncoder().encode(auth.authorizationCode), params);
        const notPbm = new AlgorithmIdentifier({
          algorithm: "1.2.3.4",
          parameters: h.protectionAlg!.parameters,
        });
        forgedAnswers.push(
          await resend({ ...right, algorithm: new Uint8Array(AsnConvert.serialize(notPbm)) }),
        );
      }
      return send(der);
    };
    const { certificate } = await enrol({ send: forgeFirst, ...auth, keys, iterations: 1000 });
    expect(forgedAnswers.map((a) => a.bodyType)).toEqual(["error", "error"]);
    expect(forgedAnswers.map((a) => readFailureInfo(a.body?.error?.pKIStatusInfo.failInfo))).toEqual([
      ["badMessageCheck"],
      ["wrongIntegrity"],
    ]);
    const { rows } = await s.app.db.query<{ status: string; der: Uint8Array }>(
      "SELECT status, der FROM certificates WHERE authorization_ref = $1",
      [auth.referenceNumber],
    );
    expect(rows.map((r) => r.status)).toEqual(["valid"]);
    expect(new Uint8Array(rows[0]!.der)).toEqual(certificate);
    await revoke({ send, certificate, key: keys.privateKey, reason: "cessationOfOperation", caCertificate });
  });

  it("keeps an ir's PBM key once its certificate is signed, and never for a refused ir", async () => {
    const auth = await authorize(s.users[0]!.userId, "universal");
    const kept = keptPbmKeys(s.app.ca);
    const keys = await generateKeyPair({ algorithm: "EC" });
    const { certificate } = await enrol({ send, ...auth, keys, iterations: 1000 });
    expect(keptPbmKeys(s.app.ca)).toBe(kept + 1);
    // The same code again: the authorisation is used, so its MAC is not even checked (the refusal
    // is signed by the CA).
    const again = enrol({
      send,
      ...auth,
      keys: await generateKeyPair({ algorithm: "EC" }),
      iterations: 1000,
      caCertificate,
    });
    expect(await refusalOf(again)).toEqual(["notAuthorized"]);
    expect(keptPbmKeys(s.app.ca)).toBe(kept + 1);
    await revoke({ send, certificate, key: keys.privateKey, reason: "cessationOfOperation", caCertificate });
  });

  it("issues at most one certificate when one code is used by many requests at once", async () => {
    const auth = await authorize(s.users[1]!.userId, "universal");
    const keys = await generateKeyPair({ algorithm: "EC" });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => enrol({ send, ...auth, keys, iterations: 1000, caCertificate })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as CmpRefusal).failures).toEqual(["notAuthorized"]);
    }
    expect(
      await count(
        `SELECT count(*) AS n FROM certificates WHERE authorization_ref = '${auth.referenceNumber}'`,
      ),
    ).toBe(1n);
  });

  it("refuses bad input with a CMP error, audited once authenticated, and changes nothing", async () => {
    const certificates = await count("SELECT count(*) AS n FROM certificates");
    const audits = await count("SELECT count(*) AS n FROM audit_log WHERE action = 'cmp.refused'");
    const auth = await authorize(s.users[0]!.userId, "universal");
    const keys = await generateKeyPair({ algorithm: "EC" });

    // Not DER at all: an error message, unprotected, counted rather than audited.
    const garbage = parsePkiMessage(await send(new Uint8Array([0x30, 0x03, 0x02, 0x01])));
    expect(garbage.bodyType).toBe("error");
    expect(readFailureInfo(garbage.body?.error?.pKIStatusInfo.failInfo)).toEqual(["badDataFormat"]);

    // A header whose sender is no GeneralName.
    const key = await pbmKey(new TextEncoder().encode(auth.authorizationCode), newPbmParameter(100));
    const badSender = await buildPkiMessage(
      {
        sender: Uint8Array.of(0xa4, 0x03, 0x02, 0x01, 0x00),
        recipient: directoryName(),
        transactionID: crypto.getRandomValues(new Uint8Array(16)),
        senderNonce: crypto.getRandomValues(new Uint8Array(16)),
        senderKID: new TextEncoder().encode(auth.referenceNumber),
      },
      pkiConfBody,
      { kind: "mac", key },
    );
    const badSenderAnswer = parsePkiMessage(await send(badSender));
    expect(readFailureInfo(badSenderAnswer.body?.error?.pKIStatusInfo.failInfo)).toEqual(["badDataFormat"]);

    // An absurd PBM iteration count is refused before any hashing.
    expect(await refusalOf(enrol({ send, ...auth, keys, iterations: 100_001, caCertificate }))).toEqual([
      "badAlg",
    ]);

    // A proof of possession made by another key.
    const other = await generateKeyPair({ algorithm: "EC" });
    const mixed = { publicKey: other.publicKey, privateKey: keys.privateKey };
    expect(await refusalOf(enrol({ send, ...auth, keys: mixed, caCertificate }))).toEqual(["badPOP"]);

    // An RSA key below 2048 bits.
    const weak = await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    );
    expect(await refusalOf(enrol({ send, ...auth, keys: weak, caCertificate }))).toEqual(["badCertTemplate"]);

    // Unknown reference number.
    expect(
      await refusalOf(
        enrol({ send, referenceNumber: "1234567890", authorizationCode: "1", keys, caCertificate }),
      ),
    ).toEqual(["notAuthorized"]);

    expect(await count("SELECT count(*) AS n FROM certificates")).toBe(certificates);
    // Audited: the bad POP and the weak key, refused after the MAC verified. The garbage, the bad
    // sender, the PBM parameters and the unknown reference were refused before: counted only.
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'cmp.refused'")).toBe(audits + 2n);
    const { rows } = await s.app.db.query<{ state: string }>(
      "SELECT state FROM ca_authorizations WHERE reference_number = $1",
      [auth.referenceNumber],
    );
    expect(rows[0]?.state, "the authorisation is still there to use").toBe("open");
    // …and it works.
    const { certificate } = await enrol({ send, ...auth, keys });
    expect(certificate.length).toBeGreaterThan(100);
  });

  it("refuses a template-less request without a POP sender, and a body type it does not take", async () => {
    const keys = await generateKeyPair({ algorithm: "EC" });
    const msg = await buildCertReqMsg({ keys, popoSender: directoryName() });
    expect(msg.popo?.signature).toBeDefined();
    // genm (21) is valid CMP but not served here.
    const genm = Uint8Array.from([
      0x30, 0x29, 0x30, 0x23, 0x02, 0x01, 0x02, 0xa4, 0x02, 0x30, 0x00, 0xa4, 0x02, 0x30, 0x00, 0xa4, 0x0a,
      0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0xa5, 0x0a, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0xb5, 0x02, 0x30,
      0x00,
    ]);
    const answer = parsePkiMessage(await send(genm));
    expect(answer.bodyType).toBe("error");
    expect(readFailureInfo(answer.body?.error?.pKIStatusInfo.failInfo)).toEqual(["badRequest"]);
  });
});
