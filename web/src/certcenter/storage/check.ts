// The check every store makes of a certificate and key file it reads back: the certificate parses as
// X.509 and the key file as a PKCS#8 EncryptedPrivateKeyInfo under a scheme we read (both without
// the password). A pair that fails is damaged: reported, never handed to the signer.
import { parseCertificate } from "../../../../src/pki/certificate.ts";
import { isPkiError } from "../../../../src/pki/errors.ts";
import { parseKeyFile } from "../../../../src/pki/key-file.ts";
import type { CertificateEntry } from "./types.ts";

/** Why the pair is damaged, or undefined when it reads. */
export function entryProblem(certificate: unknown, keyFile: unknown): string | undefined {
  if (!(certificate instanceof Uint8Array)) return "the certificate is missing";
  if (!(keyFile instanceof Uint8Array)) return "the key file is missing";
  try {
    parseCertificate(certificate);
  } catch (e) {
    if (isPkiError(e)) return `the certificate does not parse: ${e.message}`;
    throw e;
  }
  try {
    parseKeyFile(keyFile);
  } catch (e) {
    if (isPkiError(e)) return `the key file does not parse: ${e.message}`;
    throw e;
  }
  return undefined;
}

/** Refuses to write a pair that would read back damaged (the PkiError of the part that fails). */
export function assertEntry(entry: CertificateEntry): void {
  parseCertificate(entry.certificate);
  parseKeyFile(entry.keyFile);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
