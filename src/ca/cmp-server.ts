// The CMP server (RFC 4210, over HTTP per RFC 6712): one PKIMessage in, one out. ir/cr are
// MAC-protected with the authorisation code (§5.1.3.1, senderKID = reference number); kur and rr
// are signed by the member's current certificate (§5.1.3.3); certConf confirms under the same
// protection as its request. Every refusal is a PKIMessage error with a failInfo, audited, and
// changes nothing but the count of wrong MACs.
import { hash, randomBytes } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  type AlgorithmIdentifier,
  Certificate,
  GeneralName,
  id_ce_cRLReasons,
  type Name,
} from "@peculiar/asn1-x509";
import { appendAudit, auditAppendCtes } from "../audit/audit-log.ts";
import { isUniqueViolation } from "../db/db.ts";
import {
  ErrorMsgContent,
  PkiBody,
  type PkiFailure,
  PkiFreeText,
  PkiHeader,
  PkiStatus,
  RevRepContent,
} from "../pki/asn1/cmp.ts";
import type { CertReqMsg } from "../pki/asn1/crmf.ts";
import { equalBytes, toArrayBuffer, toBytes, toHex } from "../pki/bytes.ts";
import {
  buildPkiMessage,
  bytesOf,
  type CmpMessage,
  type CmpProtection,
  certificateHash,
  certRepBody,
  directoryName,
  type PbmKey,
  parsePkiHeader,
  parsePkiMessage,
  pbmKey,
  pkiConfBody,
  readPbmParameter,
  type SyncDigest,
  statusInfo,
  verifyMacProtection,
  verifySignatureProtection,
} from "../pki/cmp.ts";
import { type RevocationReason, reasonCodes } from "../pki/crl.ts";
import { verifyPop } from "../pki/crmf.ts";
import { isPkiError } from "../pki/errors.ts";
import { normalizeOid } from "../pki/policy.ts";
import { computeVid, readIdentifyData } from "../pki/vid.ts";
import { id_regInfo_encryptedVidRandom, openVidRandom } from "../pki/vid-transport.ts";
import { PublicKey } from "../pki/x509.ts";
import {
  type Authorization,
  authorizationCode,
  findAuthorization,
  recordWrongMac,
  takeAuthorization,
} from "./authorizations.ts";
import { activeCaKeys } from "./ca-keys.ts";
import { type CaContext, issuingCa, perContext } from "./context.ts";
import { confirmWaitMs, type IssueRequest, reserveSerial, signReserved, spkiHash } from "./issuance.ts";
import {
  holdCertificate,
  publishRevocationStatus,
  revokeCertificate,
  revokeInTransaction,
} from "./revocation.ts";

/** A refusal: the failInfo bits, a sentence for the requester, and a stable code for the audit log. */
class CmpRefusal extends Error {
  constructor(
    readonly code: string,
    readonly failures: PkiFailure[],
    readonly text: string,
  ) {
    super(code);
  }
}

const refuse = (code: string, failure: PkiFailure, text: string) => new CmpRefusal(code, [failure], text);

interface CaIdentity {
  name: Name;
  /** The sender of every answer: directoryName of the issuing CA, DER. */
  senderDer: Uint8Array;
  signer: CmpProtection;
  chain: Uint8Array[];
  root: Uint8Array;
}

/** The issuing CA as CMP answers in its name; read once per context (CA keys do not change under it). */
const caIdentity = perContext(async (ca): Promise<CaIdentity> => {
  const issuer = await issuingCa(ca);
  const root = (await activeCaKeys(ca.db)).find((k) => k.role === "root")!.certificate;
  const name = AsnConvert.parse(issuer.certificate, Certificate).tbsCertificate.subject;
  return {
    name,
    senderDer: new Uint8Array(AsnConvert.serialize(new GeneralName({ directoryName: name }))),
    signer: { kind: "signature", key: issuer.privateKey },
    chain: [issuer.certificate, root],
    root,
  };
});

function oneYearAfter(d: Date): Date {
  const x = new Date(d);
  x.setUTCFullYear(x.getUTCFullYear() + 1);
  return x;
}

/** Keys a member may certify: RSA 2048–4096 bits (the NPKI norm) and ECDSA on P-256 or P-384 (ours). */
function acceptableKey(spki: Uint8Array): boolean {
  let alg: Algorithm & { modulusLength?: number; namedCurve?: string };
  try {
    alg = new PublicKey(toArrayBuffer(spki)).algorithm as typeof alg;
  } catch {
    return false;
  }
  if (alg.name === "RSASSA-PKCS1-v1_5" || alg.name === "RSA-PSS" || alg.name === "RSA-OAEP") {
    return (alg.modulusLength ?? 0) >= 2048 && (alg.modulusLength ?? 0) <= 4096;
  }
  return alg.name === "ECDSA" && (alg.namedCurve === "P-256" || alg.namedCurve === "P-384");
}

/** The one CertReqMsg of a request, its POP checked and its key acceptable. */
async function checkedRequest(msg: CmpMessage): Promise<{ req: CertReqMsg; spki: Uint8Array }> {
  const reqs = msg.body?.ir ?? msg.body?.cr ?? msg.body?.kur;
  if (reqs?.length !== 1) {
    throw refuse("one_request", "badRequest", "exactly one certificate request per message");
  }
  const req = reqs[0]!;
  const pub = req.certReq.certTemplate.publicKey;
  if (!pub) throw refuse("no_public_key", "badCertTemplate", "the template names no public key");
  const spki = new Uint8Array(AsnConvert.serialize(pub));
  if (!acceptableKey(spki)) {
    throw refuse("key_not_accepted", "badCertTemplate", "keys must be RSA 2048-4096 or ECDSA P-256/P-384");
  }
  let popOk: boolean;
  try {
    popOk = await verifyPop(req);
  } catch (e) {
    if (isPkiError(e, "unsupported_algorithm"))
      throw refuse("pop_algorithm", "badAlg", "POP algorithm not accepted");
    throw refuse("pop_malformed", "badPOP", "the proof of possession cannot be read");
  }
  if (!popOk) throw refuse("bad_pop", "badPOP", "the proof of possession does not verify");
  return { req, spki };
}

/** Whether the CA changed what the template asked for (then the status says grantedWithMods). */
function templateModified(req: CertReqMsg, subjectName: Uint8Array): boolean {
  const t = req.certReq.certTemplate;
  const askedSubject = t.subject ? new Uint8Array(AsnConvert.serialize(t.subject)) : undefined;
  const subjectKept = !askedSubject || askedSubject.length === 2 || equalBytes(askedSubject, subjectName);
  return !subjectKept || t.validity !== undefined || t.extensions !== undefined;
}

/** The PBM's rounds through Node's hash, which takes 60% of the time @noble/hashes does here. */
export const nodeDigest: SyncDigest = (name, data) =>
  new Uint8Array(hash(name.replace("-", "").toLowerCase(), data, "buffer") as Buffer);

/**
 * PBM keys that verified an ir whose certificate was then signed, by reference number and
 * PBMParameter, kept until the confirmation wait is over: our client MACs a transaction's certConf
 * under its ir's parameters, and deriving the key again would be the costliest step of answering
 * it. One authorisation issues once, so a holder of a code adds one entry, and the parameters
 * readPbmParameter accepts (DER, no owf or mac parameters, a salt of at most 64 bytes) are under
 * 200 bytes: at most `pbmKeysMax` per context, the oldest dropped first. A client that draws new
 * parameters for its certConf is answered as before.
 */
const pbmKeysMax = 10_000;
const pbmKeys = new WeakMap<CaContext, Map<string, { key: PbmKey; until: number }>>();

function pbmKeyId(referenceNumber: string, alg: AlgorithmIdentifier): string {
  return `${referenceNumber}:${toHex(new Uint8Array(alg.parameters ?? new ArrayBuffer(0)))}`;
}

/** How many PBM keys this context keeps now (tests; a metric). */
export function keptPbmKeys(ca: CaContext): number {
  return pbmKeys.get(ca)?.size ?? 0;
}

function rememberedPbmKey(ca: CaContext, id: string): PbmKey | undefined {
  const hit = pbmKeys.get(ca)?.get(id);
  return hit && hit.until > Date.now() ? hit.key : undefined;
}

function rememberPbmKey(ca: CaContext, id: string, key: PbmKey): void {
  let keys = pbmKeys.get(ca);
  if (!keys) {
    keys = new Map();
    pbmKeys.set(ca, keys);
  }
  keys.delete(id);
  keys.set(id, { key, until: Date.now() + confirmWaitMs });
  if (keys.size > pbmKeysMax) keys.delete(keys.keys().next().value!);
}

interface Exchange {
  ca: CaContext;
  id: CaIdentity;
  msg: CmpMessage;
  /** How the reply is protected: by the request's MAC key once it verified, else by the CA's signature. */
  protection: CmpProtection;
}

/** An answer to the message with this header: same transaction, its nonce echoed, ours fresh. */
function answer(
  ca: CaContext,
  id: CaIdentity,
  h: PkiHeader,
  recipient: GeneralName | Uint8Array,
  protection: CmpProtection,
  body: PkiBody | Uint8Array,
  caPubs: boolean,
): Promise<Uint8Array> {
  return buildPkiMessage(
    {
      sender: id.senderDer,
      recipient,
      transactionID: bytesOf(h.transactionID) ?? randomBytes(16),
      senderNonce: randomBytes(16),
      recipNonce: bytesOf(h.senderNonce),
      messageTime: ca.clock.now(),
    },
    body,
    protection,
    protection.kind === "signature" || caPubs ? id.chain : [],
  );
}

function reply(x: Exchange, body: PkiBody | Uint8Array, caPubs = false): Promise<Uint8Array> {
  return answer(x.ca, x.id, x.msg.header, x.msg.senderDer, x.protection, body, caPubs);
}

async function auditRefusal(
  ca: CaContext,
  msg: CmpMessage | undefined,
  refusal: CmpRefusal,
  subject?: string,
) {
  const senderKid = msg && bytesOf(msg.header.senderKID);
  await ca.db.transaction((tx) =>
    appendAudit(
      tx,
      {
        actor: "cmp",
        action: "cmp.refused",
        subject,
        details: {
          body: msg?.bodyType ?? null,
          code: refusal.code,
          failInfo: refusal.failures,
          transactionId:
            msg && bytesOf(msg.header.transactionID) ? toHex(bytesOf(msg.header.transactionID)!) : null,
          // A reference number is not secret (the code is); a signer's serial names the certificate.
          senderKid: senderKid && senderKid.length <= 64 ? new TextDecoder().decode(senderKid) : null,
        },
      },
      ca.clock.now(),
    ),
  );
}

// ---- ir / cr -------------------------------------------------------------------------------------

async function enrol(x: Exchange): Promise<Uint8Array> {
  const { ca, msg } = x;
  const alg = msg.header.protectionAlg;
  const ref = bytesOf(msg.header.senderKID);
  if (!alg || !ref || !msg.protection) {
    throw refuse(
      "no_mac",
      "wrongIntegrity",
      "an enrolment request must be MAC-protected with the reference number as senderKID",
    );
  }
  let params: ReturnType<typeof readPbmParameter>;
  try {
    params = readPbmParameter(alg);
  } catch (e) {
    if (isPkiError(e, "bad_parameters")) throw refuse("pbm_parameters", "badAlg", (e as Error).message);
    throw refuse(
      "not_pbm",
      "wrongIntegrity",
      "an enrolment request must be protected by a password-based MAC",
    );
  }
  const referenceNumber = new TextDecoder().decode(ref);
  const code = /^\d{1,20}$/.test(referenceNumber) ? await authorizationCode(ca, referenceNumber) : undefined;
  if (code === undefined) throw refuse("unknown_reference", "notAuthorized", "unknown reference number");
  const key: PbmKey = await pbmKey(new TextEncoder().encode(code), params, crypto, nodeDigest);
  if (!(await verifyMacProtection(msg, key))) {
    const locked = await recordWrongMac(ca, referenceNumber);
    throw refuse(
      "wrong_mac",
      "badMessageCheck",
      locked ? "wrong authorisation code; the authorisation has ended" : "wrong authorisation code",
    );
  }
  x.protection = { kind: "mac", key };

  const { req, spki } = await checkedRequest(msg);
  let random: Uint8Array | undefined;
  // Our arc is wider than 53 bits, which asn1js reads back as "{hex}": compare normalised.
  const sealed = req.regInfo?.find((a) => normalizeOid(a.type) === id_regInfo_encryptedVidRandom);
  if (sealed) {
    try {
      random = await openVidRandom(sealed, {
        authorizationCode: code,
        referenceNumber,
        transactionId: bytesOf(msg.header.transactionID)!,
      });
    } catch {
      throw refuse("vid_random", "badDataFormat", "the VID random cannot be read");
    }
  } else if (ca.requireVidRandom) {
    throw refuse("no_vid_random", "badRequest", "this CA issues only certificates with a VID");
  }

  const now = ca.clock.now();
  let auth: Authorization | undefined;
  let issue: IssueRequest | undefined;
  const serial = await ca.db.transaction(async (tx) => {
    const taken = await takeAuthorization(ca, tx, referenceNumber, now);
    if (!taken) {
      const found = await findAuthorization(tx, referenceNumber);
      const why = !found
        ? "unknown"
        : found.state === "open"
          ? "expired"
          : found.state === "used"
            ? "already used"
            : "ended";
      throw refuse(`authorization_${why.replace(" ", "_")}`, "notAuthorized", `the authorisation is ${why}`);
    }
    auth = taken.authorization;
    const rrn = taken.rrn;
    const identifyData =
      random && rrn
        ? { realName: auth.realName, hash: "sha256" as const, vid: await computeVid({ rrn, random }) }
        : undefined;
    issue = {
      holder: auth.holder,
      purpose: auth.purpose,
      subjectName: auth.subjectName,
      publicKey: spki,
      notBefore: now,
      notAfter: auth.notAfter ?? oneYearAfter(now),
      identifyData,
      authorizationRef: referenceNumber,
      replaces: auth.replaces ?? undefined,
      replaceReason: auth.replaceReason ?? undefined,
      cmpTransaction: bytesOf(msg.header.transactionID),
      actor: `cmp:${referenceNumber}`,
    };
    return reserveSerial(ca, tx, issue);
  });
  const der = await signReserved(ca, serial, issue!);
  // Kept only now that the authorisation is taken: a code's key is never kept for a refusal.
  rememberPbmKey(ca, pbmKeyId(referenceNumber, alg), key);
  const status = templateModified(req, auth!.subjectName) ? PkiStatus.grantedWithMods : PkiStatus.accepted;
  const type = msg.bodyType === "cr" ? "cp" : "ip";
  return reply(
    x,
    certRepBody(type, {
      certReqId: req.certReq.certReqId,
      status,
      certificate: der,
      caPubs: type === "ip" ? [x.id.root] : undefined,
    }),
  );
}

// ---- signed requests: kur, rr, and certConf after a kur -------------------------------------------

interface CertRow {
  serial: Uint8Array;
  holder: string;
  purpose: "bank" | "universal";
  status: string;
  der: Uint8Array | null;
  not_after: Date;
  spki_sha256: Uint8Array;
}

/** The member's certificate that signed the message: ours byte for byte, and the signature good. */
async function signerCertificate(x: Exchange): Promise<CertRow> {
  const { msg } = x;
  const signer = msg.extraCerts[0];
  if (!msg.protection || !msg.header.protectionAlg || !signer) {
    throw refuse(
      "not_signed",
      "wrongIntegrity",
      "this request must be signed, with the signer's certificate first in extraCerts",
    );
  }
  let serial: Uint8Array;
  try {
    serial = new Uint8Array(AsnConvert.parse(signer, Certificate).tbsCertificate.serialNumber);
  } catch {
    throw refuse("signer_malformed", "badDataFormat", "the signer certificate cannot be read");
  }
  const { rows } = await x.ca.db.query<CertRow>(
    "SELECT serial, holder, purpose, status, der, not_after, spki_sha256 FROM certificates WHERE serial = $1",
    [serial.length > 16 && serial[0] === 0 ? serial.subarray(1) : serial],
  );
  const row = rows[0];
  if (!row?.der || !equalBytes(toBytes(row.der), signer)) {
    throw refuse("signer_unknown", "signerNotTrusted", "the signer certificate was not issued by this CA");
  }
  let ok: boolean;
  try {
    ok = await verifySignatureProtection(msg, signer);
  } catch {
    throw refuse("signature_algorithm", "badAlg", "the protection algorithm is not accepted");
  }
  if (!ok) throw refuse("bad_signature", "badMessageCheck", "the signature does not verify");
  return {
    ...row,
    serial: toBytes(row.serial),
    der: toBytes(row.der),
    spki_sha256: toBytes(row.spki_sha256),
  };
}

async function keyUpdate(x: Exchange): Promise<Uint8Array> {
  const { ca, msg } = x;
  const old = await signerCertificate(x);
  const now = ca.clock.now();
  if (old.status === "revoked" || old.status === "hold") {
    throw refuse(
      "old_revoked",
      "certRevoked",
      "a revoked or suspended certificate cannot be renewed; reissue it",
    );
  }
  if (old.status !== "valid") throw refuse("old_not_valid", "notAuthorized", "the certificate is not in use");
  if (old.not_after.getTime() <= now.getTime()) {
    throw refuse(
      "old_expired",
      "notAuthorized",
      "an expired certificate cannot be renewed; apply for a new one",
    );
  }
  const { renewalWindowMs } = ca.raRules;
  if (old.not_after.getTime() - now.getTime() > renewalWindowMs) {
    const days = Math.round(renewalWindowMs / 86_400_000);
    throw refuse("renewal_window", "notAuthorized", `renewal opens ${days} days before expiry`);
  }
  const { req, spki } = await checkedRequest(msg);
  if (equalBytes(spkiHash(spki), old.spki_sha256)) {
    throw refuse("same_key", "badCertTemplate", "a renewal needs a new key");
  }
  const oldCert = AsnConvert.parse(old.der!, Certificate);
  const identify = readIdentifyData(old.der!);
  const issue: IssueRequest = {
    holder: old.holder,
    purpose: old.purpose,
    subjectName: new Uint8Array(AsnConvert.serialize(oldCert.tbsCertificate.subject)),
    publicKey: spki,
    notBefore: now,
    notAfter: oneYearAfter(old.not_after),
    identifyData: identify,
    replaces: old.serial,
    replaceReason: "superseded",
    cmpTransaction: bytesOf(msg.header.transactionID),
    actor: `holder:${toHex(old.serial)}`,
  };
  const serial = await ca.db.transaction((tx) => reserveSerial(ca, tx, issue));
  const der = await signReserved(ca, serial, issue);
  const status = templateModified(req, issue.subjectName) ? PkiStatus.grantedWithMods : PkiStatus.accepted;
  return reply(x, certRepBody("kup", { certReqId: req.certReq.certReqId, status, certificate: der }));
}

async function revoke(x: Exchange): Promise<Uint8Array> {
  const { ca, msg } = x;
  const signer = await signerCertificate(x);
  const details = msg.body?.rr;
  if (details?.length !== 1)
    throw refuse("one_revocation", "badRequest", "exactly one revocation per message");
  const d = details[0]!;
  const asked = d.certDetails.serialNumber ? new Uint8Array(d.certDetails.serialNumber) : undefined;
  const askedSerial = asked && asked.length > 16 && asked[0] === 0 ? asked.subarray(1) : asked;
  if (!askedSerial || !equalBytes(askedSerial, signer.serial)) {
    throw refuse(
      "not_own_certificate",
      "notAuthorized",
      "a certificate's key may revoke only that certificate",
    );
  }
  if (d.certDetails.issuer) {
    const ours = new Uint8Array(AsnConvert.serialize(x.id.name));
    if (!equalBytes(new Uint8Array(AsnConvert.serialize(d.certDetails.issuer)), ours)) {
      throw refuse("wrong_issuer", "badCertId", "the certificate was issued by another CA");
    }
  }
  let reason: RevocationReason = "unspecified";
  const ext = d.crlEntryDetails?.find((e) => e.extnID === id_ce_cRLReasons);
  if (ext) {
    const value = new Uint8Array(ext.extnValue.buffer);
    const code = value.length === 3 && value[0] === 0x0a && value[1] === 1 ? value[2]! : -1;
    const name = (Object.entries(reasonCodes) as [RevocationReason, number][]).find(
      ([, c]) => c === code,
    )?.[0];
    if (!name || !ca.raRules.holderRevocationReasons.has(name))
      throw refuse("bad_reason", "badRequest", "revocation reason not accepted");
    reason = name;
  }
  try {
    if (reason === "certificateHold") {
      await holdCertificate(ca, { serial: signer.serial, actor: `holder:${toHex(signer.serial)}` });
    } else {
      await revokeCertificate(ca, { serial: signer.serial, reason, actor: `holder:${toHex(signer.serial)}` });
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "already_revoked" || code === "cert_not_live") {
      throw refuse(code, "certRevoked", "the certificate is already revoked or not in use");
    }
    throw e;
  }
  return reply(x, new PkiBody({ rp: new RevRepContent({ status: [statusInfo(PkiStatus.accepted)] }) }));
}

// ---- certConf ------------------------------------------------------------------------------------

/**
 * The certConf's effect, in one transaction: the certificate becomes valid and the one it replaces
 * (renewal, or a reissue after damage) is revoked as superseded; or, rejected by its holder, it is
 * revoked. Returns the serials whose revocation status must be published.
 */
async function settleConfirmation(
  ca: CaContext,
  serial: Uint8Array,
  holder: string,
  rejected: boolean,
): Promise<Uint8Array[]> {
  const superseded: Uint8Array[] = [];
  await ca.db.transaction(async (tx) => {
    superseded.length = 0; // the transaction may run again after a serialization failure
    const { rows: locked } = await tx.query<{
      status: string;
      replaces: Uint8Array | null;
      replace_reason: string | null;
    }>("SELECT status, replaces, replace_reason FROM certificates WHERE serial = $1 FOR NO KEY UPDATE", [
      serial,
    ]);
    const row = locked[0]!;
    if (row.status !== "pending") {
      if (row.status === "valid" && !rejected) return; // a repeated confirmation: answer it again
      throw refuse("not_pending", "certConfirmed", "the certificate is no longer awaiting confirmation");
    }
    const now = ca.clock.now();
    if (rejected) {
      // The holder refused it, but holds it: revoke it, so that a relying party that reads only
      // the CRL never takes it for valid (RFC 4210 §5.3.18 leaves the CA to revoke).
      await revokeInTransaction(tx, {
        serial,
        reason: "cessationOfOperation",
        actor: "cmp:certConf",
        at: now,
      });
      return;
    }
    if (row.replaces && row.replace_reason === "superseded") {
      const { rows: oldRows } = await tx.query<{ status: string }>(
        "SELECT status FROM certificates WHERE serial = $1 FOR NO KEY UPDATE",
        [row.replaces],
      );
      if (oldRows[0]?.status === "valid" || oldRows[0]?.status === "hold") {
        await revokeInTransaction(tx, {
          serial: toBytes(row.replaces),
          reason: "superseded",
          actor: "cmp",
          at: now,
        });
        superseded.push(toBytes(row.replaces));
      }
    }
    await tx.query("UPDATE certificates SET status = 'valid' WHERE serial = $1", [serial]);
    await appendAudit(
      tx,
      { actor: "cmp", action: "ca.confirmed", subject: holder, details: { serial: toHex(serial) } },
      now,
    );
  });
  return superseded;
}

/**
 * The common confirmation in one statement: a pending certificate that supersedes nothing becomes
 * valid, audited. False when it is not that case (a repeat, a renewal, a reissue after damage):
 * then `settleConfirmation` decides, in a transaction of its own.
 */
async function confirmPlainly(ca: CaContext, serial: Uint8Array, holder: string): Promise<boolean> {
  const audit = auditAppendCtes(
    { actor: "cmp", action: "ca.confirmed", subject: holder, details: { serial: toHex(serial) } },
    ca.clock.now(),
    2,
    "EXISTS (SELECT 1 FROM confirmed)",
  );
  const { rows } = await ca.db.query(
    `WITH confirmed AS (
       UPDATE certificates SET status = 'valid'
        WHERE serial = $1 AND status = 'pending' AND (replaces IS NULL OR replace_reason IS DISTINCT FROM 'superseded')
       RETURNING serial),
     ${audit.sql}
     SELECT seq FROM audit_entry`,
    [serial, ...audit.params],
  );
  return rows.length === 1;
}

async function confirm(x: Exchange): Promise<Uint8Array> {
  const { ca, msg } = x;
  const tid = bytesOf(msg.header.transactionID)!;
  const { rows } = await ca.db.query<{
    serial: Uint8Array;
    status: string;
    der: Uint8Array | null;
    holder: string;
    authorization_ref: string | null;
    replaces: Uint8Array | null;
  }>(
    "SELECT serial, status, der, holder, authorization_ref, replaces FROM certificates WHERE cmp_transaction = $1 ORDER BY created_at DESC LIMIT 1",
    [tid],
  );
  const cert = rows[0];
  if (!cert?.der)
    throw refuse(
      "unknown_transaction",
      "badRequest",
      "no certificate awaits confirmation in this transaction",
    );
  const der = toBytes(cert.der);
  // The confirmation is protected as its request was: the same code's MAC, or a signature by the
  // key that asked (the old certificate's) or the new one's.
  if (cert.authorization_ref) {
    const alg = msg.header.protectionAlg;
    if (!alg || !msg.protection) throw refuse("no_mac", "wrongIntegrity", "certConf must be MAC-protected");
    // Checked before the kept keys are looked up, so a kept key answers only a PBM we accept.
    let params: ReturnType<typeof readPbmParameter>;
    try {
      params = readPbmParameter(alg);
    } catch {
      throw refuse("pbm_parameters", "badAlg", "PBM parameters not accepted");
    }
    let key = rememberedPbmKey(ca, pbmKeyId(cert.authorization_ref, alg));
    if (!key) {
      const code = await authorizationCode(ca, cert.authorization_ref);
      if (!code) throw refuse("no_mac", "wrongIntegrity", "certConf must be MAC-protected");
      key = await pbmKey(new TextEncoder().encode(code), params, crypto, nodeDigest);
    }
    if (!(await verifyMacProtection(msg, key))) throw refuse("wrong_mac", "badMessageCheck", "wrong MAC");
    x.protection = { kind: "mac", key };
  } else {
    const signer = msg.extraCerts[0];
    const old = cert.replaces
      ? (
          await ca.db.query<{ der: Uint8Array }>("SELECT der FROM certificates WHERE serial = $1", [
            cert.replaces,
          ])
        ).rows[0]?.der
      : undefined;
    const allowed =
      signer && (equalBytes(signer, der) || (old !== undefined && equalBytes(signer, toBytes(old))));
    if (!allowed || !(await verifySignatureProtection(msg, signer).catch(() => false))) {
      throw refuse("bad_signature", "badMessageCheck", "certConf must be signed by the requesting key");
    }
  }
  const statuses = msg.body?.certConf;
  if (statuses?.length !== 1) throw refuse("one_status", "badRequest", "exactly one CertStatus");
  const st = statuses[0]!;
  if (!equalBytes(new Uint8Array(st.certHash.buffer), await certificateHash(der))) {
    throw refuse("cert_hash", "badCertId", "certHash does not match the certificate issued");
  }
  const rejected = st.statusInfo !== undefined && st.statusInfo.status === PkiStatus.rejection;
  const serial = toBytes(cert.serial);
  let superseded: Uint8Array[];
  try {
    superseded =
      !rejected && (await confirmPlainly(ca, serial, cert.holder))
        ? []
        : await settleConfirmation(ca, serial, cert.holder, rejected);
  } catch (e) {
    // Two new-issuance authorisations made at once for one member and purpose: the first confirmed
    // wins the one live place; this one is left unconfirmed, and the scheduler revokes it.
    if (isUniqueViolation(e)) {
      throw refuse(
        "cert_exists",
        "notAuthorized",
        "the member already holds a live certificate of this purpose",
      );
    }
    throw e;
  }
  if (rejected) superseded.push(serial);
  if (superseded.length) await publishRevocationStatus(ca, superseded);
  // The new certificate's OCSP response is signed on its first query (ocsp-responder.ts) or by
  // the next scheduler run, whichever comes first: not here, where it would double the CA's
  // signatures per issuance.
  return reply(x, pkiConfBody);
}

// ---- the entry point -----------------------------------------------------------------------------

function errorBody(refusal: CmpRefusal): PkiBody {
  return new PkiBody({
    error: new ErrorMsgContent({
      pKIStatusInfo: statusInfo(PkiStatus.rejection, refusal.failures, refusal.text),
      errorDetails: new PkiFreeText([refusal.code]),
    }),
  });
}

/**
 * Answers one DER PKIMessage with one DER PKIMessage. Refusals are PKIMessage error bodies; so is
 * a failure of ours (systemFailure, RFC 6712 §3.4 wants CMP answers), after `onInternalError` has
 * been told, so that the server can log it.
 */
export async function handleCmp(
  ca: CaContext,
  request: Uint8Array,
  onInternalError: (e: unknown) => void = () => {},
): Promise<Uint8Array> {
  const id = await caIdentity(ca);
  let x: Exchange | undefined;
  try {
    let msg: CmpMessage;
    try {
      msg = parsePkiMessage(request);
      // Read now, so that a malformed name is refused as such (the reader defers them).
      void msg.header.sender;
      void msg.header.recipient;
    } catch {
      throw refuse("malformed", "badDataFormat", "the request is not a DER PKIMessage");
    }
    x = { ca, id, msg, protection: id.signer };
    if (msg.header.pvno !== 2 && msg.header.pvno !== 3) {
      throw refuse("version", "unsupportedVersion", "CMP version 2 is spoken here");
    }
    const tid = bytesOf(msg.header.transactionID);
    const nonce = bytesOf(msg.header.senderNonce);
    if (!tid || tid.length < 8 || tid.length > 64 || !nonce || nonce.length < 8 || nonce.length > 64) {
      throw refuse("header", "badRequest", "transactionID and senderNonce of 8-64 bytes are required");
    }
    switch (msg.bodyType) {
      case "ir":
      case "cr":
        return await enrol(x);
      case "kur":
        return await keyUpdate(x);
      case "rr":
        return await revoke(x);
      case "certConf":
        return await confirm(x);
      default:
        throw refuse("body_type", "badRequest", `this CA does not take ${msg.bodyType ?? "that"} messages`);
    }
  } catch (caught) {
    let e = caught;
    if (!(e instanceof CmpRefusal)) {
      onInternalError(e);
      e = refuse("internal", "systemFailure", "the CA could not complete the request; try again later");
      if (x) return reply(x, errorBody(e as CmpRefusal)).catch(() => Promise.reject(caught));
      throw caught;
    }
    const refusal = e as CmpRefusal;
    await auditRefusal(ca, x?.msg, refusal);
    if (x) return reply(x, errorBody(refusal));
    // Unreadable: answer with what can be read of the header, signed by the CA.
    const header =
      parsePkiHeader(request) ?? new PkiHeader({ sender: directoryName(), recipient: directoryName() });
    return answer(ca, id, header, header.sender, id.signer, errorBody(refusal), false);
  }
}
