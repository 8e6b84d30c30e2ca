// The work a MAC-protected CMP request may cost the CA before it is authenticated, through the
// real server: the PBM round cap per request and per second per reference number, no key derived
// for an authorisation that can no longer be used or a certificate no longer awaiting confirmation,
// wrong MACs counted on the certConf too, the lock answering every code alike, and badAlg for a
// PBM built on algorithms we do not take. "No derivation" is read off the server's own count.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pbmRoundsPerSecond } from "../../src/ca/authorizations.ts";
import { issuingCa } from "../../src/ca/context.ts";
import { pbmDerivations } from "../../src/ca/pbm-keys.ts";
import { revokeCertificate } from "../../src/ca/revocation.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { CertConfirmContent, CertStatus, PkiBody } from "../../src/pki/asn1/cmp.ts";
import { CertReqMessages, type PbmParameter } from "../../src/pki/asn1/crmf.ts";
import { toHex } from "../../src/pki/bytes.ts";
import { buildPkiMessage, certificateHash, directoryName, parsePkiMessage } from "../../src/pki/cmp.ts";
import { enrol } from "../../src/pki/cmp-client.ts";
import {
  newPbmParameter,
  type PbmKey,
  pbmAlgorithm,
  pbmIterationsMax,
  pbmKey,
} from "../../src/pki/cmp-pbm.ts";
import { readFailureInfo } from "../../src/pki/cmp-status.ts";
import { buildCertReqMsg } from "../../src/pki/crmf.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { type CaServer, startCaServer } from "../support/ca-server.ts";

interface Auth {
  referenceNumber: string;
  authorizationCode: string;
}

/** What the CA answered: the body type, and for an error its failInfo, code and text. */
interface Answer {
  bodyType: string | undefined;
  failInfo?: string[];
  code?: string;
  text?: string;
  /** The error body's DER: two answers that are the same refusal are the same bytes. */
  errorDer?: string;
  certificate?: Uint8Array;
}

const wrongCode = (code: string) => `${code.slice(0, -1)}${(Number(code.at(-1)) + 1) % 10}`;

describe.each(["pglite", "postgres"] as const)("bounded MAC work before authentication (%s)", (kind) => {
  let s: CaServer;
  let caCertificate: Uint8Array;
  const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
  const derivations = () => pbmDerivations(s.app.ca).keys;
  const authorize = (userId: string, purpose: "bank" | "universal" = "bank"): Promise<Auth> =>
    authorizeForUser(s.app, { userId, purpose, channel: "web", actor: "member" });
  const authorization = async (ref: string) =>
    (
      await s.app.db.query<{ state: string; failed_macs: number }>(
        "SELECT state, failed_macs FROM ca_authorizations WHERE reference_number = $1",
        [ref],
      )
    ).rows[0];
  const certificateState = async (ref: string) =>
    (
      await s.app.db.query<{ status: string; revocation_reason: string | null }>(
        "SELECT status, revocation_reason FROM certificates WHERE authorization_ref = $1",
        [ref],
      )
    ).rows;

  /** Revokes what an authorisation issued, so that its member may be authorised for the purpose again. */
  const revokeIssued = async (ref: string) => {
    const { rows } = await s.app.db.query<{ serial: Uint8Array }>(
      "SELECT serial FROM certificates WHERE authorization_ref = $1 AND status IN ('valid', 'pending')",
      [ref],
    );
    for (const r of rows) {
      await revokeCertificate(s.app.ca, {
        serial: new Uint8Array(r.serial),
        reason: "cessationOfOperation",
        actor: "test",
      });
    }
  };

  beforeAll(async () => {
    s = await startCaServer(kind);
    caCertificate = (await issuingCa(s.app.ca)).certificate;
  }, 60_000);
  afterAll(async () => s?.close());

  function readAnswer(der: Uint8Array): Answer {
    const a = parsePkiMessage(der);
    const error = a.body?.error;
    const cert = a.body?.ip?.response[0]?.certifiedKeyPair?.certOrEncCert.certificate;
    return {
      bodyType: a.bodyType,
      ...(error && {
        failInfo: readFailureInfo(error.pKIStatusInfo.failInfo),
        code: error.errorDetails?.[0],
        text: error.pKIStatusInfo.statusString?.join(" "),
        errorDer: toHex(new Uint8Array(AsnConvert.serialize(error))),
      }),
      ...(cert && { certificate: new Uint8Array(cert) }),
    };
  }

  /** The key a PBM gives the code, with `algorithm` as the protectionAlg the message will name. */
  async function macKey(
    code: string,
    params: PbmParameter,
    algorithm?: AlgorithmIdentifier,
  ): Promise<PbmKey> {
    const key = await pbmKey(new TextEncoder().encode(code), params);
    return algorithm ? { ...key, algorithm: new Uint8Array(AsnConvert.serialize(algorithm)) } : key;
  }

  /** One MAC-protected message in a transaction, with the reference number as senderKID. */
  async function sendMac(
    ref: string,
    transactionID: Uint8Array,
    body: PkiBody,
    key: PbmKey,
  ): Promise<Answer> {
    const der = await buildPkiMessage(
      {
        sender: directoryName(),
        recipient: directoryName(),
        transactionID,
        senderNonce: crypto.getRandomValues(new Uint8Array(16)),
        senderKID: new TextEncoder().encode(ref),
        messageTime: new Date(),
      },
      body,
      { kind: "mac", key },
    );
    return readAnswer(await send(der));
  }

  /** An ir for a fresh EC key (or, `badPop`, one whose POP another key made). */
  async function ir(
    auth: Auth,
    key: PbmKey,
    options: { transactionID?: Uint8Array; badPop?: boolean } = {},
  ): Promise<Answer> {
    const keys = await generateKeyPair({ algorithm: "EC" });
    const other = options.badPop ? await generateKeyPair({ algorithm: "EC" }) : keys;
    const msg = await buildCertReqMsg({
      keys: { publicKey: other.publicKey, privateKey: keys.privateKey },
      popoSender: directoryName(),
    });
    const tid = options.transactionID ?? crypto.getRandomValues(new Uint8Array(16));
    return sendMac(auth.referenceNumber, tid, new PkiBody({ ir: new CertReqMessages([msg]) }), key);
  }

  async function certConf(auth: Auth, transactionID: Uint8Array, certificate: Uint8Array, key: PbmKey) {
    const body = new PkiBody({
      certConf: new CertConfirmContent([
        new CertStatus({ certHash: new OctetString(await certificateHash(certificate)) }),
      ]),
    });
    return sendMac(auth.referenceNumber, transactionID, body, key);
  }

  it("refuses a PBM over the round cap with badAlg before any hashing; 500 rounds (OpenSSL's) pass", async () => {
    const auth = await authorize(s.users[0]!.userId);
    const before = derivations();
    // 2,001 rounds: past what keeps one request to a few milliseconds.
    const tooMany = await ir(auth, await macKey(auth.authorizationCode, newPbmParameter(2_001)));
    expect(tooMany).toMatchObject({ bodyType: "error", failInfo: ["badAlg"], code: "pbm_parameters" });
    expect(derivations(), "no key derived").toBe(before);

    const rounds = pbmDerivations(s.app.ca).rounds;
    const openssl = await ir(auth, await macKey(auth.authorizationCode, newPbmParameter(500)), {
      badPop: true,
    });
    expect(openssl).toMatchObject({ bodyType: "error", failInfo: ["badPOP"] });
    expect(pbmDerivations(s.app.ca).rounds).toBe(rounds + 500);
  });

  it("answers MD5, HMAC-MD5 or an RSA OID in a PBM with badAlg, and a protection that is no PBM with wrongIntegrity", async () => {
    const auth = await authorize(s.users[0]!.userId);
    const before = derivations();
    const params = newPbmParameter(500);
    for (const [field, oid] of [
      ["owf", "1.2.840.113549.2.5"], // MD5
      ["mac", "1.3.6.1.5.5.8.1.1"], // HMAC-MD5
      ["mac", "1.2.840.113549.2.6"], // hmacWithMD5
      ["mac", "1.2.840.113549.1.1.1"], // rsaEncryption
    ] as const) {
      const bad = newPbmParameter(500);
      bad.salt = params.salt;
      bad[field] = new AlgorithmIdentifier({
        algorithm: oid,
        parameters: field === "mac" ? null : undefined,
      });
      const answer = await ir(auth, await macKey(auth.authorizationCode, params, pbmAlgorithm(bad)));
      expect(answer, oid).toMatchObject({ bodyType: "error", failInfo: ["badAlg"], code: "pbm_parameters" });
    }
    // A signature algorithm where the password-based MAC belongs.
    const signed = await ir(
      auth,
      await macKey(
        auth.authorizationCode,
        params,
        new AlgorithmIdentifier({ algorithm: "1.2.840.10045.4.3.2" }),
      ),
    );
    expect(signed).toMatchObject({ bodyType: "error", failInfo: ["wrongIntegrity"], code: "not_pbm" });
    expect(derivations(), "no key derived").toBe(before);
    expect(await authorization(auth.referenceNumber)).toEqual({ state: "open", failed_macs: 0 });
  });

  it("derives no key for a used, locked or expired authorisation", async () => {
    const params = newPbmParameter(500);
    // Used.
    const used = await authorize(s.users[1]!.userId);
    const keys = await generateKeyPair({ algorithm: "EC" });
    await enrol({ send, ...used, keys, iterations: 500, caCertificate });
    let before = derivations();
    expect(await ir(used, await macKey(used.authorizationCode, params))).toMatchObject({
      failInfo: ["notAuthorized"],
      code: "authorization_already_used",
    });
    expect(derivations()).toBe(before);
    await revokeIssued(used.referenceNumber);

    // Locked: five wrong codes (each derived and counted), then neither code costs a derivation.
    const locked = await authorize(s.users[1]!.userId, "universal");
    const wrong = await macKey(wrongCode(locked.authorizationCode), params);
    for (let i = 1; i <= 5; i++) {
      expect(await ir(locked, wrong)).toMatchObject({ failInfo: ["badMessageCheck"], code: "wrong_mac" });
    }
    expect(await authorization(locked.referenceNumber)).toEqual({ state: "locked", failed_macs: 5 });
    before = derivations();
    for (const key of [wrong, await macKey(locked.authorizationCode, params)]) {
      expect(await ir(locked, key)).toMatchObject({
        failInfo: ["notAuthorized"],
        code: "authorization_ended",
      });
    }
    expect(derivations()).toBe(before);

    // Expired (a web authorisation lives ten minutes).
    const expired = await authorize(s.users[0]!.userId, "universal");
    const at = s.clock.at;
    s.clock.advance(11 * 60_000);
    try {
      before = derivations();
      expect(await ir(expired, await macKey(expired.authorizationCode, params))).toMatchObject({
        failInfo: ["notAuthorized"],
        code: "authorization_expired",
      });
      expect(derivations()).toBe(before);
    } finally {
      s.clock.at = at;
    }
  });
  it("answers the right code after the lock exactly as a wrong one", async () => {
    const auth = await authorize(s.users[0]!.userId);
    const params = newPbmParameter(500);
    const wrong = await macKey(wrongCode(auth.authorizationCode), params);
    const answers: Answer[] = [];
    for (let i = 1; i <= 5; i++) answers.push(await ir(auth, wrong));
    expect(answers.at(-1)?.text).toMatch(/ended/);
    const afterWrong = await ir(auth, wrong);
    const afterRight = await ir(auth, await macKey(auth.authorizationCode, params));
    expect(afterRight).toMatchObject({ bodyType: "error", failInfo: ["notAuthorized"] });
    expect(afterRight.errorDer, "failInfo, code and text alike").toBe(afterWrong.errorDer);
  });

  it("counts wrong MACs on a certConf: the fifth revokes the pending certificate, and later certConfs cost no MAC work", async () => {
    const auth = await authorize(s.users[1]!.userId);
    const params = newPbmParameter(500);
    const tid = crypto.getRandomValues(new Uint8Array(16));
    const issued = await ir(auth, await macKey(auth.authorizationCode, params), { transactionID: tid });
    expect(issued.bodyType).toBe("ip");
    const certificate = issued.certificate!;
    // Under the ir's parameters (the server keeps that key: no derivation) and under new ones.
    const wrongKept = await macKey(wrongCode(auth.authorizationCode), params);
    const wrongNew = await macKey(wrongCode(auth.authorizationCode), newPbmParameter(500));
    for (let i = 1; i <= 5; i++) {
      const answer = await certConf(auth, tid, certificate, i % 2 ? wrongKept : wrongNew);
      expect(answer, `try ${i}`).toMatchObject({ failInfo: ["badMessageCheck"], code: "wrong_mac" });
      expect((await authorization(auth.referenceNumber))?.failed_macs).toBe(i);
      if (i === 5) expect(answer.text).toMatch(/revoked/);
    }
    expect(await certificateState(auth.referenceNumber)).toEqual([
      { status: "revoked", revocation_reason: "cessationOfOperation" },
    ]);
    const before = derivations();
    const right = await certConf(
      auth,
      tid,
      certificate,
      await macKey(auth.authorizationCode, newPbmParameter(500)),
    );
    expect(right).toMatchObject({ failInfo: ["certConfirmed"], code: "not_pending" });
    expect(derivations()).toBe(before);
    expect((await authorization(auth.referenceNumber))?.failed_macs).toBe(5);
  });

  it("derives no key for a certConf whose certificate is confirmed or past the confirmation wait", async () => {
    const auth = await authorize(s.users[0]!.userId, "universal");
    const params = newPbmParameter(500);
    const tid = crypto.getRandomValues(new Uint8Array(16));
    const key = await macKey(auth.authorizationCode, params);
    const issued = await ir(auth, key, { transactionID: tid });
    expect(await certConf(auth, tid, issued.certificate!, key)).toMatchObject({ bodyType: "pkiconf" });
    let before = derivations();
    const again = await certConf(
      auth,
      tid,
      issued.certificate!,
      await macKey(auth.authorizationCode, newPbmParameter(500)),
    );
    expect(again).toMatchObject({ failInfo: ["certConfirmed"], code: "not_pending" });
    expect(derivations()).toBe(before);
    await revokeIssued(auth.referenceNumber);

    // Signed, never confirmed, and the wait is over (the scheduler has not run yet).
    const late = await authorize(s.users[0]!.userId, "universal");
    const lateTid = crypto.getRandomValues(new Uint8Array(16));
    const lateIssued = await ir(late, await macKey(late.authorizationCode, params), {
      transactionID: lateTid,
    });
    expect(lateIssued.bodyType).toBe("ip");
    const at = s.clock.at;
    s.clock.advance(16 * 60_000);
    try {
      before = derivations();
      const answer = await certConf(
        late,
        lateTid,
        lateIssued.certificate!,
        await macKey(late.authorizationCode, newPbmParameter(500)),
      );
      expect(answer).toMatchObject({ failInfo: ["certConfirmed"], code: "not_pending" });
      expect(derivations()).toBe(before);
      expect(await certificateState(late.referenceNumber)).toEqual([
        { status: "pending", revocation_reason: null },
      ]);
    } finally {
      s.clock.at = at;
    }
    await revokeIssued(late.referenceNumber);
  });

  it("caps the PBM rounds per second for one reference number, across requests", async () => {
    const auth = await authorize(s.users[1]!.userId, "universal");
    const key = await macKey(auth.authorizationCode, newPbmParameter(pbmIterationsMax));
    // The right code with a bad POP: derived and verified, and the authorisation stays open.
    const fit = pbmRoundsPerSecond / pbmIterationsMax;
    for (let i = 0; i < fit; i++) {
      expect(await ir(auth, key, { badPop: true }), `request ${i + 1}`).toMatchObject({
        failInfo: ["badPOP"],
      });
    }
    const before = derivations();
    expect(await ir(auth, key, { badPop: true })).toMatchObject({
      failInfo: ["systemUnavail"],
      code: "pbm_rate",
    });
    expect(derivations(), "refused before any hashing").toBe(before);
    s.clock.advance(1000);
    expect(await ir(auth, key, { badPop: true }), "a second later").toMatchObject({ failInfo: ["badPOP"] });
    expect(derivations()).toBe(before + 1);
    expect(await authorization(auth.referenceNumber)).toEqual({ state: "open", failed_macs: 0 });
  });
});
