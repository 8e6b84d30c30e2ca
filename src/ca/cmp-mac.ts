// The password-based MAC side of the CMP server (RFC 4210 §5.1.3.1, RFC 4211 §4.4): what an ir/cr,
// or the certConf after it, must pass before the CA derives a PBM key (a PBM within bounds, an
// authorisation that may still key a MAC, rounds left in its one-second budget), the derivation,
// and the counting of wrong MACs on both paths.
import type { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { id_PasswordBasedMac, type PbmParameter } from "../pki/asn1/crmf.ts";
import { bytesOf, type CmpMessage } from "../pki/cmp.ts";
import { type PbmKey, readPbmParameter, verifyMacProtection } from "../pki/cmp-pbm.ts";
import { isPkiError } from "../pki/errors.ts";
import { type PbmSpend, recordWrongMac, spendPbmRounds } from "./authorizations.ts";
import { type CmpRefusal, refuse } from "./cmp-refusal.ts";
import type { CaContext } from "./context.ts";
import { CaRequestError } from "./errors.ts";
import { confirmWaitMs } from "./issuance.ts";
import { pbmKeyFromCode, pbmKeyId, rememberedPbmKey } from "./pbm-keys.ts";

/**
 * The PBMParameter of a MAC-protected request: a protectionAlg that is no PBM is the wrong kind of
 * protection (wrongIntegrity: a signature, or anything else, where a password-based MAC belongs);
 * a PBM whose parameters we do not take (unreadable, out of bounds, an owf or mac such as MD5,
 * HMAC-MD5 or an RSA OID) is an algorithm refused (badAlg), before any hashing.
 */
export function pbmParameterOf(alg: AlgorithmIdentifier): PbmParameter {
  if (alg.algorithm !== id_PasswordBasedMac) {
    throw refuse("not_pbm", "wrongIntegrity", "this message must be protected by a password-based MAC");
  }
  try {
    return readPbmParameter(alg);
  } catch (e) {
    if (isPkiError(e)) throw refuse("pbm_parameters", "badAlg", e.message);
    throw e;
  }
}

/** The answer to a MAC that may not be keyed now; the same whatever code the request was MACed with. */
function notAdmitted(why: Exclude<PbmSpend, { admitted: true }>["why"]): CmpRefusal | CaRequestError {
  switch (why) {
    case "unknown":
      return refuse("unknown_reference", "notAuthorized", "unknown reference number");
    case "expired":
      return new CaRequestError("authorization_expired");
    case "used":
      return new CaRequestError("authorization_already_used");
    case "locked":
    case "ended":
      return new CaRequestError("authorization_ended");
    case "rate":
      return refuse(
        "pbm_rate",
        "systemUnavail",
        "too many MAC-protected requests for this reference number; try again in a second",
      );
  }
}

/**
 * An ir/cr's MAC, keyed by the authorisation code its senderKID names, verified; a wrong one is
 * counted (the fifth locks the authorisation). Returns the code (it also seals the VID random) and
 * the key (it protects the answer).
 */
export async function verifyEnrolmentMac(
  ca: CaContext,
  msg: CmpMessage,
): Promise<{ referenceNumber: string; code: string; key: PbmKey }> {
  const alg = msg.header.protectionAlg;
  const ref = bytesOf(msg.header.senderKID);
  if (!alg || !ref || !msg.protection) {
    throw refuse(
      "no_mac",
      "wrongIntegrity",
      "an enrolment request must be MAC-protected with the reference number as senderKID",
    );
  }
  const params = pbmParameterOf(alg);
  const referenceNumber = new TextDecoder().decode(ref);
  if (!/^\d{1,20}$/.test(referenceNumber)) throw notAdmitted("unknown");
  const spend = await spendPbmRounds(ca, referenceNumber, params.iterationCount, "enrol");
  if (!spend.admitted) throw notAdmitted(spend.why);
  const key = await pbmKeyFromCode(ca, spend.code, params);
  if (!(await verifyMacProtection(msg, key))) {
    const count = await recordWrongMac(ca, referenceNumber);
    // Admitted while open, but used or locked by another request meanwhile: answered as the state
    // is, as the right code is answered then.
    if (count && count.before !== "open") throw notAdmitted(count.before);
    throw refuse(
      "wrong_mac",
      "badMessageCheck",
      count?.endedNow ? "wrong authorisation code; the authorisation has ended" : "wrong authorisation code",
    );
  }
  return { referenceNumber, code: spend.code, key };
}

/** Whether the certificate is still pending and within the confirmation wait. */
async function awaitsConfirmation(ca: CaContext, serial: Uint8Array): Promise<boolean> {
  const { rows } = await ca.db.query(
    "SELECT 1 FROM certificates WHERE serial = $1 AND status = 'pending' AND created_at > $2",
    [serial, new Date(ca.clock.now().getTime() - confirmWaitMs)],
  );
  return rows.length === 1;
}

/**
 * The MAC of a certConf after an ir/cr, under the key kept from its ir or derived again. Only for
 * a certificate still awaiting confirmation within the wait (a repeated or late certConf costs no
 * MAC work: certConfirmed), and while fewer than five wrong MACs were counted against the
 * authorisation; a wrong one is counted too, and the fifth revokes the pending certificate.
 */
export async function verifyConfirmationMac(
  ca: CaContext,
  msg: CmpMessage,
  cert: { serial: Uint8Array; authorizationRef: string },
): Promise<PbmKey> {
  const alg = msg.header.protectionAlg;
  if (!alg || !msg.protection) throw refuse("no_mac", "wrongIntegrity", "certConf must be MAC-protected");
  // Checked before the kept keys are looked up, so a kept key answers only a PBM we accept.
  const params = pbmParameterOf(alg);
  if (!(await awaitsConfirmation(ca, cert.serial))) throw new CaRequestError("not_pending");
  const ref = cert.authorizationRef;
  const kept = rememberedPbmKey(ca, pbmKeyId(ref, alg));
  const spend = await spendPbmRounds(ca, ref, kept ? 0 : params.iterationCount, "confirm");
  if (!spend.admitted) throw notAdmitted(spend.why);
  const key = kept ?? (await pbmKeyFromCode(ca, spend.code, params));
  if (!(await verifyMacProtection(msg, key))) {
    const count = await recordWrongMac(ca, ref, cert.serial);
    throw refuse(
      "wrong_mac",
      "badMessageCheck",
      count?.revoked ? "wrong MAC; the certificate awaiting confirmation is revoked" : "wrong MAC",
    );
  }
  return key;
}
