// The key generation job (DESIGN §5 "Key generation"): a new key pair made with WebCrypto (RSA-2048
// with SHA-256 by default, ECDSA P-256 as the option), the VID random R (KCAC.TS.SIVID, 20 bytes =
// 160 bits) put into its PKCS#8 as the randomNum attribute, and the key file (signPri.key: PBES2 with
// PBKDF2-HMAC-SHA1 and seedCBC, the form other NPKI software reads) written under the certificate
// password. The private key is extractable only here, long enough to be written into the file; what
// leaves the job is the public key, a non-extractable copy of the private key (to sign the CMP
// request's proof of possession), the key file and R (which the enrolment carries sealed to the CA).
// It runs in keygen.worker.ts in the browser; Node runs it as it is in tests.
import { generateKeyPair } from "../../../src/pki/csr.ts";
import { PkiError } from "../../../src/pki/errors.ts";
import { encryptKeyFile } from "../../../src/pki/key-file.ts";
import { assertCertificatePassword } from "../../../src/pki/password-rules.ts";
import { importSigningKey, type KeyAlgorithm, setRandomNum } from "../../../src/pki/private-key.ts";

/**
 * PBKDF2 iterations of the key files the browser writes: at least 600,000, our floor (OWASP's
 * figure for PBKDF2-HMAC-SHA1 is higher still, but every NPKI reader must open the file in a few
 * seconds on an old PC; the password rules carry the rest).
 */
export const browserKeyFileIterations = 600_000;

/** R's length: KCAC.TS.SIVID's 160 bits, our floor for the VID random. */
export const vidRandomBytes = 20;

export interface KeygenRequest {
  algorithm?: KeyAlgorithm;
  /** The certificate password, already checked against the rules by the page; checked again here. */
  password: string;
  /** For tests only; at least browserKeyFileIterations otherwise. */
  iterations?: number;
  /**
   * R to carry over (a renewal keeps the VID, so the new key file holds the old R); a fresh one of
   * vidRandomBytes when absent.
   */
  vidRandom?: Uint8Array;
}

export type KeygenStage = "generate" | "encrypt" | "done";

export interface KeygenProgress {
  stage: KeygenStage;
  /** Milliseconds since the job began. */
  elapsedMs: number;
}

export interface KeygenResult {
  publicKey: CryptoKey;
  /** Non-extractable: it can sign the request, never be read. */
  privateKey: CryptoKey;
  /** signPri.key, encrypted under the certificate password, with R inside. */
  keyFile: Uint8Array;
  vidRandom: Uint8Array;
  algorithm: KeyAlgorithm;
  /** How long each part took, for the benchmark and the progress display. */
  timings: { generateMs: number; encryptMs: number; totalMs: number };
}

export async function runKeygenJob(
  request: KeygenRequest,
  onProgress: (p: KeygenProgress) => void = () => {},
  crypto: Crypto = globalThis.crypto,
): Promise<KeygenResult> {
  assertCertificatePassword(request.password);
  const algorithm = request.algorithm ?? "RSA";
  const start = performance.now();
  const since = () => performance.now() - start;
  onProgress({ stage: "generate", elapsedMs: 0 });
  const keys = await generateKeyPair({ algorithm }, crypto);
  const generateMs = since();
  onProgress({ stage: "encrypt", elapsedMs: generateMs });
  const bare = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  let pkcs8: Uint8Array | undefined;
  try {
    // Inside the try: a refusal here wipes the exported key as every other way out does.
    if (request.vidRandom && request.vidRandom.length < vidRandomBytes) {
      throw new PkiError(
        "bad_parameters",
        `an R of ${request.vidRandom.length} bytes (at least ${vidRandomBytes})`,
      );
    }
    const vidRandom = request.vidRandom?.slice() ?? crypto.getRandomValues(new Uint8Array(vidRandomBytes));
    pkcs8 = setRandomNum(bare, vidRandom);
    const keyFile = await encryptKeyFile(
      pkcs8,
      request.password,
      { prf: "sha1", cipher: "seed-cbc", iterations: request.iterations ?? browserKeyFileIterations },
      crypto,
    );
    const privateKey = await importSigningKey(pkcs8, crypto);
    const totalMs = since();
    onProgress({ stage: "done", elapsedMs: totalMs });
    return {
      publicKey: keys.publicKey,
      privateKey,
      keyFile,
      vidRandom,
      algorithm,
      timings: { generateMs, encryptMs: totalMs - generateMs, totalMs },
    };
  } finally {
    // The plaintext key leaves no copy of ours behind (the engine's own copies are beyond reach).
    bare.fill(0);
    pkcs8?.fill(0);
  }
}
