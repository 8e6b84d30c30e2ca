// The CA's keys at rest and in use: the key ceremony that makes the root and the issuing CA, and
// loading the issuing CA's key for signing. Private keys are stored only encrypted under the CA
// passphrase, in the same PKCS#8 form as NPKI key files but with PBKDF2-SHA256 and AES-256.

import { appendAudit } from "../audit/audit-log.ts";
import type { Db, Queryable } from "../db/db.ts";
import { toBytes } from "../pki/bytes.ts";
import {
  type CaKeyAlgorithm,
  caKeyParams,
  certificateFingerprint,
  generateCaKeyPair,
  issueCaCertificate,
} from "../pki/ca-profile.ts";
import { decryptKeyFile, encryptKeyFile } from "../pki/key-file.ts";
import type { CaKeyErrorCode } from "./errors.ts";

export type CaRole = "root" | "issuing";

export interface CaKey {
  role: CaRole;
  algorithm: CaKeyAlgorithm;
  certificate: Uint8Array;
  fingerprint: string;
}

export interface LoadedCa extends CaKey {
  privateKey: CryptoKey;
}

/** The CA passphrase guards every CA key: work per guess well past what member key files use. */
const caKeyIterations = 600_000;
const rootValidityYears = 20;
const issuingValidityYears = 10;

export class CaError extends Error {
  override readonly name = "CaError";
  constructor(readonly code: CaKeyErrorCode) {
    super(code);
  }
}

function yearsAfter(at: Date, years: number): Date {
  const d = new Date(at);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** A CA-side private key sealed under the passphrase (the CA keys, the OCSP signer). */
export async function sealKey(key: CryptoKey, passphrase: string): Promise<Uint8Array> {
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", key));
  return encryptKeyFile(pkcs8, passphrase, {
    prf: "sha256",
    cipher: "aes-256-cbc",
    iterations: caKeyIterations,
  });
}

export async function activeCaKeys(db: Queryable): Promise<CaKey[]> {
  const { rows } = await db.query<{
    role: CaRole;
    algorithm: CaKeyAlgorithm;
    certificate: Uint8Array;
    fingerprint: string;
  }>("SELECT role, algorithm, certificate, fingerprint FROM ca_keys WHERE active ORDER BY role = 'root', id");
  return rows.map((r) => ({
    role: r.role,
    algorithm: r.algorithm,
    certificate: toBytes(r.certificate),
    fingerprint: r.fingerprint,
  }));
}

/**
 * The key ceremony: a new root CA and an issuing CA under it, recorded together. Refused when a CA
 * exists already (rotation is its own operation).
 */
export async function createCaHierarchy(
  db: Db,
  options: { organization: string; algorithm: CaKeyAlgorithm; passphrase: string; now: Date; actor?: string },
): Promise<CaKey[]> {
  if ((await activeCaKeys(db)).length > 0) throw new CaError("ca_exists");
  const o = options.organization.replace(/[,+="\\<>;#]/g, " ");
  const rootKeys = await generateCaKeyPair(options.algorithm);
  const root = await issueCaCertificate({
    subject: `C=KR, O=${o}, CN=${o} Root CA`,
    keys: rootKeys,
    algorithm: options.algorithm,
    notBefore: options.now,
    notAfter: yearsAfter(options.now, rootValidityYears),
    pathLength: 1,
  });
  const issuingKeys = await generateCaKeyPair(options.algorithm);
  const issuing = await issueCaCertificate({
    subject: `C=KR, O=${o}, CN=${o} CA 1`,
    keys: issuingKeys,
    algorithm: options.algorithm,
    notBefore: options.now,
    notAfter: yearsAfter(options.now, issuingValidityYears),
    issuer: { certificate: root, privateKey: rootKeys.privateKey, algorithm: options.algorithm },
    pathLength: 0,
  });
  const keys: (CaKey & { sealed: Uint8Array })[] = [
    {
      role: "root",
      algorithm: options.algorithm,
      certificate: root,
      fingerprint: await certificateFingerprint(root),
      sealed: await sealKey(rootKeys.privateKey, options.passphrase),
    },
    {
      role: "issuing",
      algorithm: options.algorithm,
      certificate: issuing,
      fingerprint: await certificateFingerprint(issuing),
      sealed: await sealKey(issuingKeys.privateKey, options.passphrase),
    },
  ];
  await db.transaction(async (tx) => {
    for (const k of keys) {
      await tx.query(
        `INSERT INTO ca_keys (role, algorithm, certificate, private_key_encrypted, fingerprint, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [k.role, k.algorithm, k.certificate, k.sealed, k.fingerprint, options.now],
      );
    }
    await appendAudit(
      tx,
      {
        actor: options.actor ?? "operator",
        action: "ca.ceremony",
        details: { algorithm: options.algorithm, root: keys[0]!.fingerprint, issuing: keys[1]!.fingerprint },
      },
      options.now,
    );
  });
  return keys.map(({ sealed: _, ...k }) => k);
}

/** A key sealed by `sealKey`, for signing; bad_passphrase when it does not open. */
export async function unsealKey(
  sealed: Uint8Array,
  algorithm: CaKeyAlgorithm,
  passphrase: string,
): Promise<CryptoKey> {
  let pkcs8: Uint8Array;
  try {
    pkcs8 = (await decryptKeyFile(sealed, passphrase)).pkcs8;
  } catch {
    throw new CaError("bad_passphrase");
  }
  return crypto.subtle.importKey("pkcs8", toBytes(pkcs8), caKeyParams(algorithm), false, ["sign"]);
}

/** The active key of a role, unsealed for signing. */
export async function loadCaKey(db: Queryable, role: CaRole, passphrase: string): Promise<LoadedCa> {
  const { rows } = await db.query<{
    algorithm: CaKeyAlgorithm;
    certificate: Uint8Array;
    private_key_encrypted: Uint8Array;
    fingerprint: string;
  }>(
    "SELECT algorithm, certificate, private_key_encrypted, fingerprint FROM ca_keys WHERE role = $1 AND active",
    [role],
  );
  const row = rows[0];
  if (!row) throw new CaError("ca_missing");
  const privateKey = await unsealKey(toBytes(row.private_key_encrypted), row.algorithm, passphrase);
  return {
    role,
    algorithm: row.algorithm,
    certificate: toBytes(row.certificate),
    fingerprint: row.fingerprint,
    privateKey,
  };
}
