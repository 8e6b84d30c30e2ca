// The delegated OCSP signer (RFC 6960 §4.2.2.2): a key pair the CA makes for itself, certified by
// the issuing CA for id-kp-OCSPSigning only, so the issuing key signs certificates and CRLs while
// a short-lived key signs the many OCSP responses. Its private key is sealed at rest like the CA
// keys; it is unsealed once per process (600,000 PBKDF2 iterations) and kept.

import { appendAudit } from "../audit/audit-log.ts";
import type { Queryable } from "../db/db.ts";
import { toBytes } from "../pki/bytes.ts";
import { type CaKeyAlgorithm, certificateFingerprint, generateCaKeyPair } from "../pki/ca-profile.ts";
import { issueOcspSignerCertificate } from "../pki/ocsp-signer-profile.ts";
import { X509Certificate } from "../pki/x509.ts";
import { sealKey, unsealKey } from "./ca-keys.ts";
import { type CaContext, issuingCa } from "./context.ts";

/** A signer lives a month: it carries ocsp-nocheck, so nothing but its expiry ends it. */
export const ocspSignerValidityDays = 30;
/** The scheduler replaces the active signer when less than this is left of it. */
export const ocspSignerRenewBeforeDays = 7;
/** Started an hour early, for relying parties whose clocks run behind. */
const notBeforeBackdateMs = 3_600_000;
/** Rotations queue on this transaction lock, so two processes never both install a signer. */
const signerLockId = 0x676f6373; // "gocs"
const dayMs = 86_400_000;

export interface OcspSigner {
  id: number;
  /**
   * The issuing CA's algorithm: a relying party that can check the chain can check the responses,
   * and the CA's own signing code (caSign) serves both.
   */
  algorithm: CaKeyAlgorithm;
  certificate: Uint8Array;
  privateKey: CryptoKey;
  notAfter: Date;
}

export interface OcspSignerInfo {
  id: number;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

/** Unsealed signers per context, by id: a rotation elsewhere shows as a new id. */
const loaded = new WeakMap<CaContext, Map<number, Promise<OcspSigner>>>();

function cacheOf(ca: CaContext): Map<number, Promise<OcspSigner>> {
  let m = loaded.get(ca);
  if (!m) {
    m = new Map();
    loaded.set(ca, m);
  }
  return m;
}

async function loadSigner(ca: CaContext, id: number): Promise<OcspSigner> {
  const { rows } = await ca.db.query<{
    algorithm: CaKeyAlgorithm;
    certificate: Uint8Array;
    private_key_encrypted: Uint8Array;
    not_after: Date;
  }>("SELECT algorithm, certificate, private_key_encrypted, not_after FROM ocsp_signers WHERE id = $1", [id]);
  const row = rows[0];
  if (!row) throw new Error(`OCSP signer ${id} vanished`);
  const privateKey = await unsealKey(toBytes(row.private_key_encrypted), row.algorithm, ca.passphrase);
  return {
    id,
    algorithm: row.algorithm,
    certificate: toBytes(row.certificate),
    privateKey,
    notAfter: row.not_after,
  };
}

async function activeRow(
  db: Queryable,
  issuerKeyId: number,
): Promise<{ id: number; not_after: Date } | undefined> {
  const { rows } = await db.query<{ id: number; not_after: Date }>(
    "SELECT id, not_after FROM ocsp_signers WHERE issuer_key_id = $1 AND active",
    [issuerKeyId],
  );
  return rows[0];
}

function due(row: { not_after: Date } | undefined, now: Date): boolean {
  return !row || row.not_after.getTime() - now.getTime() < ocspSignerRenewBeforeDays * dayMs;
}

/** Whether there is no active signer, or it has less than a week left. */
export async function ocspSignerRotationDue(ca: CaContext): Promise<boolean> {
  const issuing = await issuingCa(ca);
  return due(await activeRow(ca.db, issuing.id), ca.clock.now());
}

/**
 * Makes a new signer and makes it the active one, with an audit entry. With `onlyIfDue`, does
 * nothing (returns undefined) unless a rotation is due, checked again under the lock so that
 * processes racing to rotate install one signer. Re-signing the responses is the caller's next step.
 */
export async function newOcspSigner(
  ca: CaContext,
  options: { actor: string; onlyIfDue?: boolean },
): Promise<OcspSignerInfo | undefined> {
  const issuing = await issuingCa(ca);
  if (options.onlyIfDue && !(await ocspSignerRotationDue(ca))) return undefined;
  const now = ca.clock.now();
  const issuerCert = new X509Certificate(toBytes(issuing.certificate));
  const notBefore = new Date(now.getTime() - notBeforeBackdateMs);
  const notAfter = new Date(
    Math.min(now.getTime() + ocspSignerValidityDays * dayMs, issuerCert.notAfter.getTime()),
  );
  const keys = await generateCaKeyPair(issuing.algorithm);
  const certificate = await issueOcspSignerCertificate({
    issuer: {
      certificate: issuing.certificate,
      privateKey: issuing.privateKey,
      algorithm: issuing.algorithm,
    },
    publicKey: keys.publicKey,
    subject: ocspSignerSubject(issuerCert.subject),
    notBefore,
    notAfter,
  });
  const fingerprint = await certificateFingerprint(certificate);
  const sealed = await sealKey(keys.privateKey, ca.passphrase);
  const id = await ca.db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [signerLockId]);
    if (options.onlyIfDue && !due(await activeRow(tx, issuing.id), now)) return undefined;
    const old = await tx.query<{ fingerprint: string }>(
      "UPDATE ocsp_signers SET active = false WHERE issuer_key_id = $1 AND active RETURNING fingerprint",
      [issuing.id],
    );
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO ocsp_signers (issuer_key_id, algorithm, certificate, private_key_encrypted, fingerprint,
                                 not_before, not_after, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [issuing.id, issuing.algorithm, certificate, sealed, fingerprint, notBefore, notAfter, now],
    );
    const newId = rows[0]!.id;
    await appendAudit(
      tx,
      {
        actor: options.actor,
        action: "ocsp.signer.rotate",
        subject: fingerprint,
        details: {
          signer: newId,
          previous: old.rows[0]?.fingerprint ?? null,
          algorithm: issuing.algorithm,
          notAfter: notAfter.toISOString(),
        },
      },
      now,
    );
    return newId;
  });
  if (id === undefined) return undefined;
  // The key is at hand already: spare this process the unsealing.
  const signer: OcspSigner = {
    id,
    algorithm: issuing.algorithm,
    certificate,
    privateKey: keys.privateKey,
    notAfter,
  };
  const cache = cacheOf(ca);
  cache.clear();
  cache.set(id, Promise.resolve(signer));
  return { id, fingerprint, notBefore, notAfter };
}

/** The issuing CA's subject with " OCSP signer" after its common name. */
function ocspSignerSubject(issuerSubject: string): string {
  const named = issuerSubject.replace(/(CN=)([^,]+)$/, "$1$2 OCSP signer");
  return named === issuerSubject ? `${issuerSubject}, CN=OCSP signer` : named;
}

/** The active signer, unsealed (once per process and signer); the first one is made on first use. */
export async function activeOcspSigner(ca: CaContext): Promise<OcspSigner> {
  const issuing = await issuingCa(ca);
  let row = await activeRow(ca.db, issuing.id);
  if (!row) {
    await newOcspSigner(ca, { actor: "system", onlyIfDue: true });
    row = await activeRow(ca.db, issuing.id);
    if (!row) throw new Error("no active OCSP signer after creating one");
  }
  const cache = cacheOf(ca);
  let p = cache.get(row.id);
  if (!p) {
    // A new active signer: the retired ones are not needed in this process any more.
    cache.clear();
    p = loadSigner(ca, row.id);
    p.catch(() => cache.delete(row.id));
    cache.set(row.id, p);
  }
  return p;
}
