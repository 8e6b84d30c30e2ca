// Which member keys the CA certifies (DESIGN §4): RSA, the NPKI norm, and ECDSA, ours. Judged on
// the SubjectPublicKeyInfo of a certificate request before its proof of possession is checked; the
// key types themselves are the signature-algorithm table's, so every key certified can also sign
// CMS, CMP and a CSR through that table.
import { isPersonalKeyType, personalKeyTypes, publicKeyType } from "../pki/signature-algorithms.ts";

/** The policy in words, for a refusal. */
export const acceptableKeysText = `keys must be RSA ${personalKeyTypes.rsaModulusBitsMin}-${personalKeyTypes.rsaModulusBitsMax} or ECDSA ${personalKeyTypes.curves.join("/")}`;

/** Keys a member may certify: RSA 2048–4096 bits (the NPKI norm) and ECDSA on P-256 or P-384 (ours). */
export function acceptableKey(spki: Uint8Array): boolean {
  const type = publicKeyType(spki);
  return type !== undefined && isPersonalKeyType(type);
}
