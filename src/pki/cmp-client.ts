// Our CMP client (RFC 4210 §5.3, transactions of Appendix D/E): enrolment with a reference number
// and authorisation code (ir/ip + certConf/pkiConf, MAC-protected, with the VID random sealed in
// regInfo), renewal by the old certificate's key (kur/kup + certConf), and revocation by the
// certificate's own key (rr/rp). Isomorphic: the browser's certificate centre uses it as tests do.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { Certificate, Extension, Extensions, id_ce_cRLReasons } from "@peculiar/asn1-x509";
import {
  CertConfirmContent,
  type CertRepMessage,
  CertStatus,
  type ErrorMsgContent,
  PkiBody,
  type PkiBodyType,
  PkiStatus,
  RevDetails,
  RevReqContent,
} from "./asn1/cmp.ts";
import { CertReqMessages, CertTemplate, id_PasswordBasedMac } from "./asn1/crmf.ts";
import { equalBytes, toBytes } from "./bytes.ts";
import {
  buildPkiMessage,
  bytesOf,
  type CmpProtection,
  certificateHash,
  directoryName,
  parsePkiMessage,
  verifySignatureProtection,
} from "./cmp.ts";
import { newPbmParameter, pbmKey, verifyMacProtection } from "./cmp-pbm.ts";
import { readFailureInfo, statusInfo } from "./cmp-status.ts";
import { type RevocationReason, reasonCodes } from "./crl.ts";
import { buildCertReqMsg } from "./crmf.ts";
import { PkiError } from "./errors.ts";
import { sealVidRandom } from "./vid-transport.ts";

/** Posts one DER PKIMessage to the CA (RFC 6712: POST application/pkixcmp) and returns its answer. */
export type CmpTransport = (request: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

/**
 * A refusal from the CA: PKIFailureInfo names and its status text. `unprotected`: the error came
 * without protection, as the CA answers a request it could not authenticate (RFC 4210 §5.1.3);
 * nothing vouches for its words, but an error can only end the exchange, which anyone on the path
 * could do anyway.
 */
export class CmpRefusal extends PkiError {
  constructor(
    readonly failures: string[],
    readonly statusText: string,
    readonly unprotected = false,
    /**
     * The CA's stable code for the refusal, when its error body names one in errorDetails (ours
     * does: "wrong_mac", "renewal_window", …; src/messages/cmp.ts words them for the member).
     */
    readonly reason: string | undefined = undefined,
  ) {
    super("cmp_refused", `the CA refused: ${failures.join(", ")}${statusText ? ` (${statusText})` : ""}`);
  }
}

export interface Enrolled {
  certificate: Uint8Array;
  /** CA certificates the CA sent (caPubs, then extraCerts). */
  caCertificates: Uint8Array[];
}

/**
 * Keeps the certificate where the member chose (a certificate the member cannot find must never
 * be valid), called once the certificate is checked and before it is confirmed. If it throws,
 * the client tells the CA it rejects the certificate (certConf with status rejection, systemFailure),
 * so that the CA revokes it instead of leaving a valid certificate whose key file is nowhere, and
 * the error is thrown on. Without it, the certificate is confirmed at once, as before.
 */
export type StoreBeforeConfirm = (enrolled: Enrolled) => Promise<void>;

interface Session {
  send: CmpTransport;
  transactionID: Uint8Array;
  /** How our messages are protected, and how the CA's answers are checked. */
  protection: CmpProtection;
  /** The CA's issuing certificate, which signs answers to signed requests. */
  caCertificate?: Uint8Array | undefined;
  sender: ReturnType<typeof directoryName>;
  extraCerts: Uint8Array[];
  lastNonce?: Uint8Array | undefined;
  /** The time our messages carry (messageTime): the CA refuses one more than a few minutes off its own. */
  now: () => Date;
}

/**
 * Where a client reads the time its messages carry. A browser whose own clock is wrong passes the
 * CA's time as it last saw it (a response's Date header plus the offset since), so that a member's
 * mis-set computer does not make every signed request stale.
 */
export type CmpClock = () => Date;

const systemClock: CmpClock = () => new Date();

function random(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** A code is a short word; anything else in errorDetails is prose, kept out of `reason`. */
const reasonPattern = /^[a-z][a-z0-9_]{0,63}$/;

function errorRefusal(error: ErrorMsgContent | undefined, unprotected: boolean): CmpRefusal {
  const info = error?.pKIStatusInfo;
  const detail = error?.errorDetails?.[0];
  return new CmpRefusal(
    readFailureInfo(info?.failInfo),
    info?.statusString?.join(" ") ?? "",
    unprotected,
    detail !== undefined && reasonPattern.test(detail) ? detail : undefined,
  );
}

/** The answer to one request, checked: same transaction, our nonce echoed, protection verified. */
async function checkAnswer(s: Session, der: Uint8Array, nonce: Uint8Array, expect: PkiBodyType) {
  const answer = parsePkiMessage(der);
  if (!equalBytes(bytesOf(answer.header.transactionID) ?? new Uint8Array(0), s.transactionID)) {
    throw new PkiError("malformed", "the CA answered another transaction");
  }
  if (!equalBytes(bytesOf(answer.header.recipNonce) ?? new Uint8Array(0), nonce)) {
    throw new PkiError("malformed", "the CA's answer does not echo our nonce");
  }
  let trusted = false;
  const alg = answer.header.protectionAlg;
  if (alg?.algorithm === id_PasswordBasedMac && s.protection.kind === "mac") {
    // The CA answers under the request's PBM parameters; the code is not kept to derive another key.
    const same = equalBytes(new Uint8Array(AsnConvert.serialize(alg)), s.protection.key.algorithm);
    trusted = same && (await verifyMacProtection(answer, s.protection.key));
  } else if (
    alg &&
    s.caCertificate &&
    answer.extraCerts[0] &&
    equalBytes(answer.extraCerts[0], s.caCertificate)
  ) {
    trusted = await verifySignatureProtection(answer, s.caCertificate);
  }
  if (!trusted && !alg && !answer.protection && answer.bodyType === "error") {
    throw errorRefusal(answer.body?.error, true);
  }
  if (!trusted) throw new PkiError("untrusted", "the CA's answer is not protected by the CA we trust");
  s.lastNonce = bytesOf(answer.header.senderNonce);
  if (answer.bodyType === "error") throw errorRefusal(answer.body?.error, false);
  if (answer.bodyType !== expect)
    throw new PkiError("malformed", `expected ${expect}, got ${answer.bodyType}`);
  return answer;
}

function certificateOf(rep: CertRepMessage | undefined): Uint8Array {
  const response = rep?.response[0];
  if (!response) throw new PkiError("malformed", "the answer holds no certificate response");
  const status = response.status.status;
  if (status !== PkiStatus.accepted && status !== PkiStatus.grantedWithMods) {
    throw new CmpRefusal(
      readFailureInfo(response.status.failInfo),
      response.status.statusString?.join(" ") ?? "",
    );
  }
  const cert = response.certifiedKeyPair?.certOrEncCert.certificate;
  if (!cert) throw new PkiError("malformed", "the answer holds no certificate");
  return new Uint8Array(cert);
}

/**
 * Enrols a new key (ir, or cr when `kind` says so) under an authorisation: the message is MACed
 * with the authorisation code (PBM, 2,000 SHA-256 rounds: the most a CA accepts), R travels sealed in regInfo, and the
 * certificate is confirmed before it is returned.
 */
export async function enrol(o: {
  send: CmpTransport;
  referenceNumber: string;
  authorizationCode: string;
  keys: CryptoKeyPair;
  /** The VID random R, which goes into the member's key file; the CA computes the VID from it. */
  vidRandom?: Uint8Array;
  kind?: "ir" | "cr";
  iterations?: number;
  /**
   * The CA's issuing certificate, when known. The CA answers a request whose MAC it could not check
   * (an unknown reference number) with an unprotected error, read as an unprotected CmpRefusal.
   */
  caCertificate?: Uint8Array;
  /** Stores the certificate before it is confirmed; see StoreBeforeConfirm. */
  store?: StoreBeforeConfirm;
  now?: CmpClock;
}): Promise<Enrolled> {
  const transactionID = random(16);
  const key = await pbmKey(new TextEncoder().encode(o.authorizationCode), newPbmParameter(o.iterations));
  const s: Session = {
    send: o.send,
    transactionID,
    protection: { kind: "mac", key },
    caCertificate: o.caCertificate,
    sender: directoryName(),
    extraCerts: [],
    now: o.now ?? systemClock,
  };
  const regInfo = o.vidRandom
    ? [
        await sealVidRandom({
          random: o.vidRandom,
          authorizationCode: o.authorizationCode,
          referenceNumber: o.referenceNumber,
          transactionId: transactionID,
        }),
      ]
    : undefined;
  const msg = await buildCertReqMsg({ keys: o.keys, popoSender: directoryName(), regInfo });
  const kind = o.kind ?? "ir";
  const kid = new TextEncoder().encode(o.referenceNumber);
  const answer = await exchangeWithKid(
    s,
    new PkiBody({ [kind]: new CertReqMessages([msg]) }),
    kind === "ir" ? "ip" : "cp",
    kid,
  );
  const rep = kind === "ir" ? answer.body?.ip : answer.body?.cp;
  const certificate = certificateOf(rep);
  const caCertificates = [...(rep?.caPubs ?? []).map((c) => new Uint8Array(c)), ...answer.extraCerts];
  await confirmWithKid(s, { certificate, caCertificates, publicKey: o.keys.publicKey }, kid, o.store);
  return { certificate, caCertificates };
}

async function exchangeWithKid(s: Session, body: PkiBody, expect: PkiBodyType, kid: Uint8Array | undefined) {
  const senderNonce = random(16);
  const request = await buildPkiMessage(
    {
      sender: s.sender,
      recipient: directoryName(),
      transactionID: s.transactionID,
      senderNonce,
      recipNonce: s.lastNonce,
      senderKID: kid,
      messageTime: s.now(),
    },
    body,
    s.protection,
    s.extraCerts,
  );
  return checkAnswer(s, await s.send(request), senderNonce, expect);
}

/** What the CA answered a request for a certificate with, and the key the request was for. */
interface Issued {
  certificate: Uint8Array;
  caCertificates: Uint8Array[];
  publicKey: CryptoKey;
}

/**
 * Accepts the certificate (certConf, RFC 4210 §5.3.18) if it is a certificate of the key we asked
 * for and the CA certificates sent with it are certificates; else tells the CA it is rejected
 * (incorrectData, as OpenSSL's client does for a key that does not match), so the CA revokes it,
 * and throws. The answer's protection already proved it came from the CA: this guards against a CA
 * that errs, before the member stores what it sent. With `store`, the certificate is stored between
 * the check and the confirmation; a failed store is a rejection too (systemFailure).
 */
async function confirmWithKid(
  s: Session,
  issued: Issued,
  kid: Uint8Array | undefined,
  store?: StoreBeforeConfirm,
) {
  const certHash = new OctetString(await certificateHash(issued.certificate));
  const reject = async (failure: "incorrectData" | "systemFailure", text: string) => {
    const body = new PkiBody({
      certConf: new CertConfirmContent([
        new CertStatus({ certHash, statusInfo: statusInfo(PkiStatus.rejection, [failure], text) }),
      ]),
    });
    // The rejection is a courtesy to the CA (it revokes at once, not after the wait): its failure
    // must not hide why we rejected.
    await exchangeWithKid(s, body, "pkiconf", kid).catch(() => undefined);
  };
  const problem = await issuedProblem(issued);
  if (problem) {
    await reject("incorrectData", problem);
    throw new PkiError("malformed", `the CA's certificate was refused: ${problem}`);
  }
  if (store) {
    try {
      await store({ certificate: issued.certificate, caCertificates: issued.caCertificates });
    } catch (e) {
      await reject("systemFailure", "the certificate could not be stored");
      throw e;
    }
  }
  const body = new PkiBody({ certConf: new CertConfirmContent([new CertStatus({ certHash })]) });
  await exchangeWithKid(s, body, "pkiconf", kid);
}

async function issuedProblem(issued: Issued): Promise<string | undefined> {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(toBytes(issued.certificate), Certificate);
    for (const c of issued.caCertificates) AsnConvert.parse(toBytes(c), Certificate);
  } catch {
    return "not a certificate";
  }
  const ours = new Uint8Array(await globalThis.crypto.subtle.exportKey("spki", issued.publicKey));
  const certified = new Uint8Array(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo));
  return equalBytes(ours, certified) ? undefined : "it certifies another public key";
}

function signedSession(o: {
  send: CmpTransport;
  certificate: Uint8Array;
  key: CryptoKey;
  caCertificate: Uint8Array;
  now?: CmpClock | undefined;
}): Session {
  const subject = AsnConvert.parse(toBytes(o.certificate), Certificate).tbsCertificate.subject;
  return {
    send: o.send,
    transactionID: random(16),
    protection: { kind: "signature", key: o.key, certificates: [toBytes(o.certificate)] },
    caCertificate: o.caCertificate,
    sender: directoryName(subject),
    extraCerts: [],
    now: o.now ?? systemClock,
  };
}

/** Renews: a kur signed by the current certificate's key, for a new key pair; confirmed before it returns. */
export async function renew(o: {
  send: CmpTransport;
  certificate: Uint8Array;
  key: CryptoKey;
  newKeys: CryptoKeyPair;
  caCertificate: Uint8Array;
  /** Stores the new certificate before it is confirmed; see StoreBeforeConfirm. */
  store?: StoreBeforeConfirm;
  now?: CmpClock;
}): Promise<Enrolled> {
  const s = signedSession(o);
  const subject = AsnConvert.parse(toBytes(o.certificate), Certificate).tbsCertificate.subject;
  const msg = await buildCertReqMsg({ keys: o.newKeys, subject });
  const answer = await exchangeWithKid(s, new PkiBody({ kur: new CertReqMessages([msg]) }), "kup", undefined);
  const certificate = certificateOf(answer.body?.kup);
  const issued = { certificate, caCertificates: answer.extraCerts, publicKey: o.newKeys.publicKey };
  await confirmWithKid(s, issued, undefined, o.store);
  return { certificate, caCertificates: answer.extraCerts };
}

/** Revokes the certificate with its own key (rr), for one of the reasons a holder may give. */
export async function revoke(o: {
  send: CmpTransport;
  certificate: Uint8Array;
  key: CryptoKey;
  reason: RevocationReason;
  caCertificate: Uint8Array;
  now?: CmpClock;
}): Promise<void> {
  const s = signedSession(o);
  const tbs = AsnConvert.parse(toBytes(o.certificate), Certificate).tbsCertificate;
  // reasonCode ::= ENUMERATED, RFC 5280 §5.3.1.
  const reason = new Extension({
    extnID: id_ce_cRLReasons,
    critical: false,
    extnValue: new OctetString(Uint8Array.of(0x0a, 0x01, reasonCodes[o.reason])),
  });
  const details = new RevDetails({
    certDetails: new CertTemplate({ serialNumber: tbs.serialNumber, issuer: tbs.issuer }),
    crlEntryDetails: new Extensions([reason]),
  });
  const answer = await exchangeWithKid(s, new PkiBody({ rr: new RevReqContent([details]) }), "rp", undefined);
  const status = answer.body?.rp?.status[0];
  if (!status || status.status !== PkiStatus.accepted) {
    throw new CmpRefusal(readFailureInfo(status?.failInfo), status?.statusString?.join(" ") ?? "");
  }
}
