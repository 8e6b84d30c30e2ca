// The signer the selection window hands back (DESIGN §5): the certificate and a one-shot signing
// function, never the key. Opening decrypts the key file with the certificate password (a wrong
// one is PkiError "bad_password", found here in the browser, never by the server), checks that the
// key is the certificate's (PkiError "key_mismatch"), reads R for the VID check at login, imports
// the key non-extractable and drops the plaintext. signCms makes one CMS SignedData (RFC 5652:
// detached, signingTime, the certificate included) and then forgets the key.
import { certificateMatchesKey, signCms } from "../../../src/pki/cms.ts";
import { PkiError } from "../../../src/pki/errors.ts";
import { decryptKeyFile } from "../../../src/pki/key-file.ts";
import { getRandomNum, importSigningKey } from "../../../src/pki/private-key.ts";
import { readPfx } from "./storage/archive.ts";
import { CertStoreError } from "./storage/errors.ts";
import type { Signer, StoredCertificate } from "./storage/types.ts";

/** From a certificate and its plaintext PKCS#8 (a .pfx just read, say): the same checks, the same one shot. */
export async function signerFromPrivateKey(
  certificate: Uint8Array,
  pkcs8: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<Signer> {
  // A copy: the caller wipes the plaintext key, and R must outlive it.
  const vidRandom = getRandomNum(pkcs8)?.slice();
  let key: CryptoKey | undefined = await importSigningKey(pkcs8, crypto);
  if (!(await certificateMatchesKey(certificate, key, crypto))) {
    throw new PkiError("key_mismatch", "the key file does not belong to the certificate");
  }
  return {
    certificate,
    vidRandom,
    async signCms(content: Uint8Array): Promise<Uint8Array> {
      const privateKey = key;
      if (!privateKey) throw new CertStoreError("signer_used", "this signer has already signed once");
      key = undefined;
      return signCms({ content, certificate, privateKey, detached: true, signingTime: new Date(), crypto });
    },
  };
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
