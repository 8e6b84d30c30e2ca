// The signer the selection window hands back (DESIGN §5): the certificate and a one-shot signing
// function, never the key. Opening decrypts the key file with the certificate password (a wrong
// one is PkiError "bad_password", found here in the browser, never by the server), checks that the
// key is the certificate's (PkiError "key_mismatch"), reads R for the VID check at login, imports
// the key non-extractable and drops the plaintext. signCms makes one CMS SignedData (RFC 5652:
// detached, signingTime, the certificate included) and then forgets the key. A renewal's kur is
// that one operation instead (takeSigningKey), so the key file is decrypted once, not twice.
import { certificateMatchesKey, signCms } from "../../../src/pki/cms.ts";
import { PkiError } from "../../../src/pki/errors.ts";
import { decryptKeyFile } from "../../../src/pki/key-file.ts";
import { getRandomNum, importSigningKey } from "../../../src/pki/private-key.ts";
import { readPfx } from "./storage/archive.ts";
import { CertStoreError } from "./storage/errors.ts";
import type { Signer, StoredCertificate } from "./storage/types.ts";

/** The key behind each signer, until its one operation takes it; pages see only the Signer. */
const keys = new WeakMap<Signer, { key: CryptoKey | undefined }>();

/**
 * The signer's key for one operation other than a CMS signature (the kur of a renewal, signed by
 * the current key): the signer is spent after it, as after signCms (CertStoreError signer_used).
 * The key stays non-extractable; checked against the certificate when the signer was opened.
 */
export function takeSigningKey(signer: Signer): CryptoKey {
  const held = keys.get(signer);
  const key = held?.key;
  if (!held || !key) throw new CertStoreError("signer_used", "this signer has already signed once");
  held.key = undefined;
  return key;
}

/** From a certificate and its plaintext PKCS#8 (a .pfx just read, say): the same checks, the same one shot. */
export async function signerFromPrivateKey(
  certificate: Uint8Array,
  pkcs8: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<Signer> {
  // A copy: the caller wipes the plaintext key, and R must outlive it.
  const vidRandom = getRandomNum(pkcs8)?.slice();
  const key = await importSigningKey(pkcs8, crypto);
  if (!(await certificateMatchesKey(certificate, key, crypto))) {
    throw new PkiError("key_mismatch", "the key file does not belong to the certificate");
  }
  const signer: Signer = {
    certificate,
    vidRandom,
    async signCms(content: Uint8Array, signingTime: Date = new Date()): Promise<Uint8Array> {
      const privateKey = takeSigningKey(signer);
      return signCms({ content, certificate, privateKey, detached: true, signingTime, crypto });
    },
  };
  keys.set(signer, { key });
  return signer;
}

/** Opens a stored certificate with its password. */
export async function openSigner(
  stored: Pick<StoredCertificate, "certificate" | "keyFile">,
  password: string,
  crypto: Crypto = globalThis.crypto,
): Promise<Signer> {
  const { pkcs8 } = await decryptKeyFile(stored.keyFile, password, crypto);
  try {
    return await signerFromPrivateKey(stored.certificate, pkcs8, crypto);
  } finally {
    pkcs8.fill(0);
  }
}

/** Opens a .pfx the member chose with its password (several keys: PkiError several_keys). */
export async function openPfxSigner(pfx: Uint8Array, password: string): Promise<Signer> {
  const { certificate, privateKey } = await readPfx(pfx, password);
  try {
    return await signerFromPrivateKey(certificate, privateKey);
  } finally {
    privateKey.fill(0);
  }
}
