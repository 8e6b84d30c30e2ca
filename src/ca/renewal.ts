// Renewal of a member's certificate with a new key (DESIGN §4; CMP kur, RFC 4210 §5.3.5): only a
// valid, unexpired certificate inside the RA's renewal window; the new one keeps the subject and
// the identifyData, and runs one year from the old expiry. Revoking the old one on confirmation
// is the confirmation's part (confirmation.ts).
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { equalBytes } from "../pki/bytes.ts";
import { readIdentifyData } from "../pki/vid.ts";
import type { CertificateRecord } from "./certificates.ts";
import type { RaRules } from "./context.ts";
import { CaRequestError } from "./errors.ts";
import { type IssueRequest, oneYearAfter, spkiHash } from "./issuance.ts";

/** Whether the certificate may be renewed now; throws CaRequestError (old_*, renewal_window) if not. */
export function assertRenewable(old: CertificateRecord, now: Date, rules: RaRules): void {
  if (renewedAlready(old)) throw new CaRequestError("old_renewed");
  if (old.status === "revoked" || old.status === "hold") throw new CaRequestError("old_revoked");
  if (old.status !== "valid") throw new CaRequestError("old_not_valid");
  if (old.notAfter.getTime() <= now.getTime()) throw new CaRequestError("old_expired");
  if (old.notAfter.getTime() - now.getTime() > rules.renewalWindowMs) {
    throw new CaRequestError("renewal_window");
  }
}

/**
 * Revoked as superseded: its renewal (or a reissue after damage) took its place. A member who
 * renewed in two tabs at once is told so, not sent to reissue a certificate they already replaced.
 */
export function renewedAlready(old: CertificateRecord): boolean {
  return old.status === "revoked" && old.revocationReason === "superseded";
}

/** The request that renews `old` for the new key; throws CaRequestError same_key for the old key. */
export function renewalRequest(
  old: CertificateRecord & { der: Uint8Array },
  input: { publicKey: Uint8Array; now: Date; cmpTransaction: Uint8Array | undefined; actor: string },
): IssueRequest {
  if (equalBytes(spkiHash(input.publicKey), old.spkiSha256)) throw new CaRequestError("same_key");
  const oldCert = AsnConvert.parse(old.der, Certificate);
  return {
    holder: old.holder,
    purpose: old.purpose,
    subjectName: new Uint8Array(AsnConvert.serialize(oldCert.tbsCertificate.subject)),
    publicKey: input.publicKey,
    notBefore: input.now,
    notAfter: oneYearAfter(old.notAfter),
    identifyData: readIdentifyData(old.der),
    replaces: old.serial,
    replaceReason: "superseded",
    cmpTransaction: input.cmpTransaction,
    actor: input.actor,
  };
}
