// Which member keys the CA certifies (DESIGN §4): RSA, the NPKI norm, and ECDSA, ours. Judged on
// the SubjectPublicKeyInfo of a certificate request before its proof of possession is checked.
import { toArrayBuffer } from "../pki/bytes.ts";
import { PublicKey } from "../pki/x509.ts";

/** The policy in words, for a refusal. */
export const acceptableKeysText = "keys must be RSA 2048-4096 or ECDSA P-256/P-384";

/** Keys a member may certify: RSA 2048–4096 bits (the NPKI norm) and ECDSA on P-256 or P-384 (ours). */
export function acceptableKey(spki: Uint8Array): boolean {
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
