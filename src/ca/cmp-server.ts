// The CMP server (RFC 4210, over HTTP per RFC 6712): one PKIMessage in, one out. ir/cr are
// MAC-protected with the authorisation code (§5.1.3.1, senderKID = reference number); kur and rr
// are signed by the member's current certificate (§5.1.3.3); certConf confirms under the same
// protection as its request. Every refusal is a PKIMessage error with a failInfo and changes
// nothing but the count of wrong MACs. A refusal after the request's MAC or signature verified is
// audited and protected like any answer; one before is only counted (cmp-refusal-counts.ts) and
// answered unprotected, so that anyone's malformed request costs neither an audit entry nor a
// CA signature.
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, id_ce_cRLReasons } from "@peculiar/asn1-x509";
import { PkiBody, PkiHeader, PkiStatus, RevRepContent } from "../pki/asn1/cmp.ts";
import type { CertReqMsg } from "../pki/asn1/crmf.ts";
import { equalBytes, toHex } from "../pki/bytes.ts";
import {
  bytesOf,
  type CmpMessage,
  type CmpProtection,
  certificateHash,
  certRepBody,
  directoryName,
  parsePkiHeader,
  parsePkiMessage,
  pkiConfBody,
  verifySignatureProtection,
} from "../pki/cmp.ts";
import { statusInfo } from "../pki/cmp-status.ts";
import { type RevocationReason, reasonCodes } from "../pki/crl.ts";
import { verifyPop } from "../pki/crmf.ts";
import { isPkiError } from "../pki/errors.ts";
import { normalizeOid } from "../pki/policy.ts";
import { id_regInfo_encryptedVidRandom, openVidRandom } from "../pki/vid-transport.ts";
import { type CertificateRecord, certificateByCmpTransaction, certificateBySerial } from "./certificates.ts";
import { answer, type CaIdentity, caIdentity } from "./cmp-answer.ts";
import { verifyConfirmationMac, verifyEnrolmentMac } from "./cmp-mac.ts";
import { auditRefusal, CmpRefusal, errorBody, refuse, requestRefusal } from "./cmp-refusal.ts";
import { countRefusal } from "./cmp-refusal-counts.ts";
import { confirmCertificate } from "./confirmation.ts";
import { type CaContext, type CmpRequester, issuingCa } from "./context.ts";
import { reserveEnrolment } from "./enrolment.ts";
import { CaRequestError } from "./errors.ts";
import { assertTransactionUnused, staleOrReplayedCodes, takeFreshRequest } from "./freshness.ts";
import { reserveSerial, signReserved } from "./issuance.ts";
import { keyProblem } from "./key-policy.ts";
import { pbmKeyId, rememberPbmKey } from "./pbm-keys.ts";
import { assertRenewable, renewalRequest } from "./renewal.ts";
import { holdCertificate, revokeCertificate } from "./revocation.ts";

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
  const keyRefused = keyProblem(spki);
  if (keyRefused) throw refuse(keyRefused.code, "badCertTemplate", keyRefused.text);
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

interface Exchange {
  ca: CaContext;
  id: CaIdentity;
  msg: CmpMessage;
  /** How the reply is protected: by the request's MAC key once it verified, else by the CA's signature. */
  protection: CmpProtection;
  /** Set once the request's signature verified (a verified MAC shows in `protection`). */
  authenticated?: boolean;
  requester: CmpRequester | undefined;
}

/** Whether the request proved who sent it: its MAC or its signature verified. */
const authenticated = (x: Exchange): boolean => x.protection.kind === "mac" || x.authenticated === true;

function reply(x: Exchange, body: PkiBody | Uint8Array, caPubs = false): Promise<Uint8Array> {
  return answer(x.ca, x.id, x.msg.header, x.msg.senderDer, x.protection, body, caPubs);
}

// ---- ir / cr -------------------------------------------------------------------------------------

async function enrol(x: Exchange): Promise<Uint8Array> {
  const { ca, msg } = x;
  const { referenceNumber, code, key } = await verifyEnrolmentMac(ca, msg);
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

  const { serial, issue } = await reserveEnrolment(ca, {
    referenceNumber,
    publicKey: spki,
    vidRandom: random,
    cmpTransaction: bytesOf(msg.header.transactionID),
    // Looked up before the enrolment's transaction (PGlite has one connection).
    requesterSession: ca.certificateHooks ? await x.requester?.session() : undefined,
  });
  const der = await signReserved(ca, serial, issue);
  // Kept only now that the authorisation is taken: a code's key is never kept for a refusal.
  rememberPbmKey(ca, pbmKeyId(referenceNumber, msg.header.protectionAlg!), key);
  const status = templateModified(req, issue.subjectName) ? PkiStatus.grantedWithMods : PkiStatus.accepted;
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

/** The member's certificate that signed the message: ours byte for byte, and the signature good. */
async function signerCertificate(x: Exchange): Promise<CertificateRecord & { der: Uint8Array }> {
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
  const row = await certificateBySerial(
    x.ca.db,
    serial.length > 16 && serial[0] === 0 ? serial.subarray(1) : serial,
  );
  const der = row?.der;
  if (!row || !der || !equalBytes(der, signer)) {
    throw refuse("signer_unknown", "signerNotTrusted", "the signer certificate was not issued by this CA");
  }
  let ok: boolean;
  try {
    ok = await verifySignatureProtection(msg, signer);
  } catch {
    throw refuse("signature_algorithm", "badAlg", "the protection algorithm is not accepted");
  }
  if (!ok) throw refuse("bad_signature", "badMessageCheck", "the signature does not verify");
  x.authenticated = true;
  return { ...row, der };
}

async function keyUpdate(x: Exchange): Promise<Uint8Array> {
  const { ca, msg } = x;
  const old = await signerCertificate(x);
  const now = ca.clock.now();
  assertRenewable(old, now, ca.raRules);
  const { req, spki } = await checkedRequest(msg);
  const issue = renewalRequest(old, {
    publicKey: spki,
    now,
    cmpTransaction: bytesOf(msg.header.transactionID),
    actor: `holder:${toHex(old.serial)}`,
  });
  // A replay is refused here (its nonce, or its time); a reused transactionID at the reservation.
  await takeFreshRequest(ca, msg.header);
  const issuer = await issuingCa(ca);
  const hooks = ca.certificateHooks;
  const serial = await ca.db.transaction(async (tx) => {
    const reserved = await reserveSerial(ca, tx, issuer, issue);
    // The RA claims what the renewal needs (a universal certificate's fee) with the reservation.
    const renewal = {
      serial: reserved,
      holder: old.holder,
      purpose: old.purpose,
      authorizationRef: null,
      replaces: old.serial,
    };
    if (hooks && !(await hooks.beforeRenewal(tx, renewal, now))) {
      throw new CaRequestError("renewal_not_paid");
    }
    return reserved;
  });
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
  await assertTransactionUnused(ca.db, msg.header);
  // A captured rr replayed (after a release, say) is refused here, before it changes anything.
  await takeFreshRequest(ca, msg.header);
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
    if (code === "already_on_hold") throw refuse(code, "certRevoked", "the certificate is already suspended");
    throw e;
  }
  return reply(x, new PkiBody({ rp: new RevRepContent({ status: [statusInfo(PkiStatus.accepted)] }) }));
}

// ---- certConf ------------------------------------------------------------------------------------

async function confirm(x: Exchange): Promise<Uint8Array> {
  const { ca, msg } = x;
  const tid = bytesOf(msg.header.transactionID)!;
  const cert = await certificateByCmpTransaction(ca.db, tid);
  if (!cert?.der)
    throw refuse(
      "unknown_transaction",
      "badRequest",
      "no certificate awaits confirmation in this transaction",
    );
  const der = cert.der;
  // The confirmation is protected as its request was: the same code's MAC, or a signature by the
  // key that asked (the old certificate's) or the new one's.
  if (cert.authorizationRef) {
    const key = await verifyConfirmationMac(ca, msg, {
      serial: cert.serial,
      authorizationRef: cert.authorizationRef,
    });
    x.protection = { kind: "mac", key };
  } else {
    const signer = msg.extraCerts[0];
    const old = cert.replaces ? (await certificateBySerial(ca.db, cert.replaces))?.der : undefined;
    const allowed = signer && (equalBytes(signer, der) || (old != null && equalBytes(signer, old)));
    if (!allowed || !(await verifySignatureProtection(msg, signer).catch(() => false))) {
      throw refuse("bad_signature", "badMessageCheck", "certConf must be signed by the requesting key");
    }
    x.authenticated = true;
    await takeFreshRequest(ca, msg.header);
  }
  const statuses = msg.body?.certConf;
  if (statuses?.length !== 1) throw refuse("one_status", "badRequest", "exactly one CertStatus");
  const st = statuses[0]!;
  if (!equalBytes(new Uint8Array(st.certHash.buffer), await certificateHash(der))) {
    throw refuse("cert_hash", "badCertId", "certHash does not match the certificate issued");
  }
  const rejected = st.statusInfo !== undefined && st.statusInfo.status === PkiStatus.rejection;
  await confirmCertificate(ca, { serial: cert.serial, holder: cert.holder, rejected });
  return reply(x, pkiConfBody);
}

/**
 * The error answer to a request that proved nothing: without protection, as RFC 4210 allows for
 * error messages (§5.1.3, §5.3.21); the client cannot check it, but neither would a signature over
 * an answer to anyone's bytes tell it more. `openssl cmp` prints it with -unprotected_errors.
 */
function unprotectedError(
  ca: CaContext,
  id: CaIdentity,
  header: PkiHeader,
  recipient: Parameters<typeof answer>[3],
  refusal: CmpRefusal,
): Promise<Uint8Array> {
  return answer(ca, id, header, recipient, undefined, errorBody(refusal), false);
}

// ---- the entry point -----------------------------------------------------------------------------

/**
 * Answers one DER PKIMessage with one DER PKIMessage. Refusals are PKIMessage error bodies; so is
 * a failure of ours (systemFailure, RFC 6712 §3.4 wants CMP answers), after `onInternalError` has
 * been told, so that the server can log it.
 */
export async function handleCmp(
  ca: CaContext,
  request: Uint8Array,
  onInternalError: (e: unknown) => void = () => {},
  requester?: CmpRequester,
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
    x = { ca, id, msg, protection: id.signer, requester };
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
    let e = caught instanceof CaRequestError ? requestRefusal(caught, ca.raRules) : caught;
    if (!(e instanceof CmpRefusal)) {
      onInternalError(e);
      e = refuse("internal", "systemFailure", "the CA could not complete the request; try again later");
      if (x && authenticated(x))
        return reply(x, errorBody(e as CmpRefusal)).catch(() => Promise.reject(caught));
      if (x) return unprotectedError(ca, id, x.msg.header, x.msg.senderDer, e as CmpRefusal);
      throw caught;
    }
    const refusal = e as CmpRefusal;
    if (x && authenticated(x) && !staleOrReplayedCodes.has(refusal.code)) {
      await auditRefusal(ca, x.msg, refusal);
      return reply(x, errorBody(refusal));
    }
    await countRefusal(ca, refusal.code);
    if (x) return unprotectedError(ca, id, x.msg.header, x.msg.senderDer, refusal);
    // Unreadable: answer with what can be read of the header.
    const header =
      parsePkiHeader(request) ?? new PkiHeader({ sender: directoryName(), recipient: directoryName() });
    return unprotectedError(ca, id, header, header.sender, refusal);
  }
}
