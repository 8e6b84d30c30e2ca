// Password-based encryption of private keys: PBES2 (RFC 8018 §6.2) with PBKDF2 and AES-CBC or
// seedCBC, and the two Korean PBES1-style SEED schemes of KISA KCAC.TS.ENC. PBKDF2 and AES run on
// WebCrypto; PBKDF1 and SEED are ours, since WebCrypto has neither.
import { sha1 } from "@noble/hashes/legacy.js";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import {
  id_aes128_CBC,
  id_aes192_CBC,
  id_aes256_CBC,
  id_hmacWithSHA1,
  id_hmacWithSHA256,
  id_hmacWithSHA384,
  id_hmacWithSHA512,
  id_PBES2,
  id_PBKDF2,
  id_pbeWithSHA1AndSEED_CBC,
  id_seedCBC,
  PbeParameter,
  Pbes2Params,
  Pbkdf2Params,
} from "./asn1/pbe.ts";
import { concatBytes, toBytes, utf8 } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import { seedCbcDecrypt, seedCbcEncrypt } from "./seed.ts";

export type PbeCipher = "seed-cbc" | "aes-128-cbc" | "aes-192-cbc" | "aes-256-cbc";
export type PbePrf = "sha1" | "sha256" | "sha384" | "sha512";

/** One password-based encryption scheme with all of its parameters. */
export type PbeScheme =
  /** pbeWithSHA1AndSEED-CBC (1.2.410.200004.1.15): what most NPKI key files in the field use. */
  | { kind: "pbes1-seed"; salt: Uint8Array; iterations: number }
  /** The oldest form: seedCBC at the top level with {salt, iterations} and a fixed IV. */
  | { kind: "seedcbc-fixed-iv"; salt: Uint8Array; iterations: number }
  | { kind: "pbes2"; salt: Uint8Array; iterations: number; prf: PbePrf; cipher: PbeCipher; iv: Uint8Array };

/**
 * Bounds on the work one file may ask of us. Real NPKI files use 2048 iterations; anything past
 * these is an attack on the reader (a core tied up for minutes), not a key file.
 */
export const pbkdf1IterationsMax = 1_000_000;
export const pbkdf2IterationsMax = 10_000_000;
const saltBytesMax = 1024;

/** The fixed IV of the oldest KISA form (KCAC.TS.ENC): the ASCII digits "0123456789012345". */
const legacySeedIv = utf8("0123456789012345");

const prfOids: Record<PbePrf, string> = {
  sha1: id_hmacWithSHA1,
  sha256: id_hmacWithSHA256,
  sha384: id_hmacWithSHA384,
  sha512: id_hmacWithSHA512,
};
const prfHash: Record<PbePrf, string> = {
  sha1: "SHA-1",
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};
const cipherOids: Record<PbeCipher, string> = {
  "seed-cbc": id_seedCBC,
  "aes-128-cbc": id_aes128_CBC,
  "aes-192-cbc": id_aes192_CBC,
  "aes-256-cbc": id_aes256_CBC,
};
const cipherKeyBytes: Record<PbeCipher, number> = {
  "seed-cbc": 16,
  "aes-128-cbc": 16,
  "aes-192-cbc": 24,
  "aes-256-cbc": 32,
};

function byOid<T extends string>(table: Record<T, string>, oid: string): T | undefined {
  return (Object.keys(table) as T[]).find((k) => table[k] === oid);
}

function parseParams<T>(alg: AlgorithmIdentifier, type: new () => T, what: string): T {
  if (!alg.parameters) throw new PkiError("malformed", `${what}: parameters are missing`);
  try {
    return AsnConvert.parse(alg.parameters, type);
  } catch (e) {
    throw new PkiError("malformed", `${what}: parameters are not valid DER`, { cause: e });
  }
}

function checkBounds(salt: Uint8Array, iterations: number, max: number): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > max) {
    throw new PkiError("bad_parameters", `iteration count ${iterations} is outside 1..${max}`);
  }
  if (salt.length === 0 || salt.length > saltBytesMax) {
    throw new PkiError("bad_parameters", `salt of ${salt.length} bytes`);
  }
}

/** Reads the scheme from an EncryptedPrivateKeyInfo's (or a PKCS#12 bag's) encryptionAlgorithm. */
export function parsePbeAlgorithm(alg: AlgorithmIdentifier): PbeScheme {
  switch (alg.algorithm) {
    case id_pbeWithSHA1AndSEED_CBC:
    case id_seedCBC: {
      const p = parseParams(alg, PbeParameter, "SEED PBE");
      const salt = toBytes(p.salt);
      checkBounds(salt, p.iterationCount, pbkdf1IterationsMax);
      const kind = alg.algorithm === id_seedCBC ? "seedcbc-fixed-iv" : "pbes1-seed";
      return { kind, salt, iterations: p.iterationCount };
    }
    case id_PBES2: {
      const p = parseParams(alg, Pbes2Params, "PBES2");
      if (p.keyDerivationFunc.algorithm !== id_PBKDF2) {
        throw new PkiError("unsupported_algorithm", `PBES2 key derivation ${p.keyDerivationFunc.algorithm}`);
      }
      const kdf = parseParams(p.keyDerivationFunc, Pbkdf2Params, "PBKDF2");
      const prf = kdf.prf ? byOid(prfOids, kdf.prf.algorithm) : "sha1";
      if (!prf) throw new PkiError("unsupported_algorithm", `PBKDF2 PRF ${kdf.prf?.algorithm}`);
      const cipher = byOid(cipherOids, p.encryptionScheme.algorithm);
      if (!cipher) {
        throw new PkiError("unsupported_algorithm", `PBES2 encryption ${p.encryptionScheme.algorithm}`);
      }
      if (kdf.keyLength !== undefined && kdf.keyLength !== cipherKeyBytes[cipher]) {
        throw new PkiError("bad_parameters", `PBKDF2 key length ${kdf.keyLength} does not fit ${cipher}`);
      }
      const iv = toBytes(parseParams(p.encryptionScheme, OctetString, "PBES2 IV"));
      if (iv.length !== 16) throw new PkiError("bad_parameters", `IV of ${iv.length} bytes`);
      const salt = toBytes(kdf.salt);
      checkBounds(salt, kdf.iterationCount, pbkdf2IterationsMax);
      return { kind: "pbes2", salt, iterations: kdf.iterationCount, prf, cipher, iv };
    }
    default:
      throw new PkiError("unsupported_algorithm", `key encryption algorithm ${alg.algorithm}`);
  }
}

export function encodePbeAlgorithm(scheme: PbeScheme): AlgorithmIdentifier {
  if (scheme.kind !== "pbes2") {
    const params = new PbeParameter({
      salt: new OctetString(scheme.salt),
      iterationCount: scheme.iterations,
    });
    return new AlgorithmIdentifier({
      algorithm: scheme.kind === "pbes1-seed" ? id_pbeWithSHA1AndSEED_CBC : id_seedCBC,
      parameters: AsnConvert.serialize(params),
    });
  }
  const kdf = new Pbkdf2Params({
    salt: new OctetString(scheme.salt),
    iterationCount: scheme.iterations,
    // hmacWithSHA1 is the DEFAULT, and DER leaves a default out; the NPKI readers expect exactly that.
    ...(scheme.prf === "sha1"
      ? {}
      : { prf: new AlgorithmIdentifier({ algorithm: prfOids[scheme.prf], parameters: null }) }),
  });
  const params = new Pbes2Params({
    keyDerivationFunc: new AlgorithmIdentifier({
      algorithm: id_PBKDF2,
      parameters: AsnConvert.serialize(kdf),
    }),
    encryptionScheme: new AlgorithmIdentifier({
      algorithm: cipherOids[scheme.cipher],
      parameters: AsnConvert.serialize(new OctetString(scheme.iv)),
    }),
  });
  return new AlgorithmIdentifier({ algorithm: id_PBES2, parameters: AsnConvert.serialize(params) });
}

/**
 * PBKDF1 with SHA-1 (RFC 8018 §5.1): T1 = SHA1(P || S), Ti = SHA1(Ti-1); 20 bytes out. WebCrypto
 * has no PBKDF1, and thousands of awaited one-block digests cost ~25 µs each, so the chain runs on
 * @noble/hashes' synchronous SHA-1 (about 30× faster here).
 */
function pbkdf1Sha1(password: Uint8Array, salt: Uint8Array, iterations: number): Uint8Array {
  let t = sha1(concatBytes(password, salt));
  for (let i = 1; i < iterations; i++) t = sha1(t);
  return t;
}

async function pbkdf2(
  crypto: Crypto,
  password: Uint8Array,
  scheme: Extract<PbeScheme, { kind: "pbes2" }>,
): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey("raw", toBytes(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: prfHash[scheme.prf], salt: toBytes(scheme.salt), iterations: scheme.iterations },
    base,
    cipherKeyBytes[scheme.cipher] * 8,
  );
  return new Uint8Array(bits);
}

/** Derives the cipher key and IV that a scheme implies for a password. */
async function deriveKeyAndIv(crypto: Crypto, scheme: PbeScheme, password: Uint8Array) {
  switch (scheme.kind) {
    case "pbes1-seed": {
      const dk = pbkdf1Sha1(password, scheme.salt, scheme.iterations);
      return { cipher: "seed-cbc" as const, key: dk.slice(0, 16), iv: sha1(dk.slice(16, 20)).slice(0, 16) };
    }
    case "seedcbc-fixed-iv": {
      const dk = pbkdf1Sha1(password, scheme.salt, scheme.iterations);
      return { cipher: "seed-cbc" as const, key: dk.slice(0, 16), iv: legacySeedIv };
    }
    case "pbes2":
      return { cipher: scheme.cipher, key: await pbkdf2(crypto, password, scheme), iv: scheme.iv };
  }
}

export async function pbeDecrypt(
  scheme: PbeScheme,
  password: string | Uint8Array,
  ciphertext: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  // Checked before the key derivation, which may be hundreds of thousands of iterations.
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new PkiError("malformed", `encrypted data of ${ciphertext.length} bytes is not whole blocks`);
  }
  const pw = typeof password === "string" ? utf8(password) : password;
  const { cipher, key, iv } = await deriveKeyAndIv(crypto, scheme, pw);
  if (cipher === "seed-cbc") return seedCbcDecrypt(key, iv, ciphertext);
  const k = await crypto.subtle.importKey("raw", toBytes(key), "AES-CBC", false, ["decrypt"]);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt({ name: "AES-CBC", iv: toBytes(iv) }, k, toBytes(ciphertext)),
    );
  } catch (e) {
    // WebCrypto reports bad padding as a bare OperationError: after PBE, that is a wrong password.
    throw new PkiError("bad_password", "decryption failed (wrong password?)", { cause: e });
  }
}

export async function pbeEncrypt(
  scheme: PbeScheme,
  password: string | Uint8Array,
  plaintext: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  const pw = typeof password === "string" ? utf8(password) : password;
  const { cipher, key, iv } = await deriveKeyAndIv(crypto, scheme, pw);
  if (cipher === "seed-cbc") return seedCbcEncrypt(key, iv, plaintext);
  const k = await crypto.subtle.importKey("raw", toBytes(key), "AES-CBC", false, ["encrypt"]);
  return new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-CBC", iv: toBytes(iv) }, k, toBytes(plaintext)),
  );
}

/** Defaults for new key files: the form other NPKI software reads (see DESIGN.md §6). */
export const pbeWriteDefaults = { prf: "sha1", cipher: "seed-cbc", iterations: 300_000 } as const;

/** A fresh PBES2 scheme with random salt and IV. */
export function newPbes2Scheme(
  options: { prf?: PbePrf; cipher?: PbeCipher; iterations?: number } = {},
  crypto: Crypto = globalThis.crypto,
): PbeScheme {
  const iterations = options.iterations ?? pbeWriteDefaults.iterations;
  // 8 bytes, as NPKI files in the field have (RFC 8018's minimum): a reader written for the field's
  // files need meet nothing new in ours.
  const salt = crypto.getRandomValues(new Uint8Array(8));
  checkBounds(salt, iterations, pbkdf2IterationsMax);
  return {
    kind: "pbes2",
    salt,
    iterations,
    prf: options.prf ?? pbeWriteDefaults.prf,
    cipher: options.cipher ?? pbeWriteDefaults.cipher,
    iv: crypto.getRandomValues(new Uint8Array(16)),
  };
}

/** A scheme name for people: what `npki inspect` prints. */
export function describePbeScheme(scheme: PbeScheme): string {
  switch (scheme.kind) {
    case "pbes1-seed":
      return `pbeWithSHA1AndSEED-CBC, ${scheme.iterations} iterations`;
    case "seedcbc-fixed-iv":
      return `SEED-CBC with PBKDF1-SHA1 and a fixed IV (oldest KISA form), ${scheme.iterations} iterations`;
    case "pbes2":
      return `PBES2: PBKDF2-HMAC-${scheme.prf.toUpperCase()}, ${scheme.iterations} iterations, ${scheme.cipher.toUpperCase()}`;
  }
}

/**
 * Whether a key file should be re-encrypted: PBKDF1 and the fixed IV are outdated by RFC 8018 and
 * KISA alike, and a few thousand iterations no longer slow a password search.
 */
export function isPbeSchemeOutdated(scheme: PbeScheme): boolean {
  return scheme.kind !== "pbes2" || scheme.iterations < 10_000;
}
