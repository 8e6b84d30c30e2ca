// The NPKI private key file, signPri.key: a PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) under one
// of the schemes in pbe.ts. Reading takes every scheme found in the field; writing defaults to
// PBES2 with PBKDF2-HMAC-SHA1 and seedCBC, the form other NPKI software reads (DESIGN.md §6).
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { toBytes } from "./bytes.ts";
import { isPkiError, PkiError } from "./errors.ts";
import {
  encodePbeAlgorithm,
  newPbes2Scheme,
  type PbeCipher,
  type PbePrf,
  type PbeScheme,
  parsePbeAlgorithm,
  pbeDecrypt,
  pbeEncrypt,
} from "./pbe.ts";
import { parsePrivateKeyInfo } from "./private-key.ts";

export interface KeyFileWriteOptions {
  prf?: PbePrf;
  cipher?: PbeCipher;
  iterations?: number;
}

/** A key file's scheme and ciphertext, read without the password (for `npki inspect`). */
export function parseKeyFile(file: Uint8Array): { scheme: PbeScheme; encryptedData: Uint8Array } {
  let epki: EncryptedPrivateKeyInfo;
  try {
    epki = AsnConvert.parse(toBytes(file), EncryptedPrivateKeyInfo);
  } catch (e) {
    throw new PkiError("malformed", "not an encrypted private key file (PKCS#8 EncryptedPrivateKeyInfo)", {
      cause: e,
    });
  }
  if (AsnConvert.serialize(epki).byteLength !== file.length) {
    throw new PkiError("malformed", "trailing bytes after the encrypted private key");
  }
  return { scheme: parsePbeAlgorithm(epki.encryptionAlgorithm), encryptedData: toBytes(epki.encryptedData) };
}

/**
 * Decrypts a key file to its PKCS#8 PrivateKeyInfo, byte for byte as it was encrypted (R and any
 * other attribute included).
 */
export async function decryptKeyFile(
  file: Uint8Array,
  password: string | Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<{ pkcs8: Uint8Array; scheme: PbeScheme }> {
  const { scheme, encryptedData } = parseKeyFile(file);
  const pkcs8 = await pbeDecrypt(scheme, password, encryptedData, crypto);
  try {
    parsePrivateKeyInfo(pkcs8);
  } catch (e) {
    // With a wrong password the padding still checks out about once in 256 tries; what comes out
    // is then noise, not a key.
    if (isPkiError(e, "malformed")) throw new PkiError("bad_password", "decryption failed (wrong password?)");
    throw e;
  }
  return { pkcs8, scheme };
}

export async function encryptKeyFile(
  pkcs8: Uint8Array,
  password: string | Uint8Array,
  options: KeyFileWriteOptions = {},
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  parsePrivateKeyInfo(pkcs8);
  const scheme = newPbes2Scheme(options, crypto);
  const encryptedData = await pbeEncrypt(scheme, password, pkcs8, crypto);
  const epki = new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: encodePbeAlgorithm(scheme),
    encryptedData: new OctetString(encryptedData),
  });
  return new Uint8Array(AsnConvert.serialize(epki));
}

/**
 * Re-encrypts a key file under a new password, in the current default form. The plaintext, and so
 * R, is carried over byte for byte. Checking the new password against the rules is the caller's
 * job (password-rules.ts), since only the caller knows whether to enforce them.
 */
export async function changeKeyFilePassword(
  file: Uint8Array,
  oldPassword: string | Uint8Array,
  newPassword: string | Uint8Array,
  options: KeyFileWriteOptions = {},
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  const { pkcs8 } = await decryptKeyFile(file, oldPassword, crypto);
  return encryptKeyFile(pkcs8, newPassword, options, crypto);
}
