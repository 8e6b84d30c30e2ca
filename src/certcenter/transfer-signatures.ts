// Transfer signatures (DESIGN §4 "Certificate use", §5 "Transfer signatures"): the member's
// certificate signs the transfer's canonical form (src/pki/transfer-form.ts) as CMS SignedData
// (RFC 5652, detached, with signingTime); here the server rebuilds the form from the request,
// checks the signature, the certificate (issued by our CA, in force in the CA's own records, the
// member's own), the times and the one-time nonce, and keeps the signature beside the posting in
// the posting's own transaction, through the hooks the bank's transfer calls. The bank knows
// nothing of certificates: this module supplies `checkSignature` and `recordEvidence`.
import { createHash } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import type { MemberTransferHooks } from "../bank/member-transfer.ts";
import type { Queryable } from "../db/db.ts";
import { equalBytes, toBytes } from "../pki/bytes.ts";
import { verifyCms } from "../pki/cms.ts";
import { parseSignedData, readSignedAttributes } from "../pki/cms-parse.ts";
import { isPkiError } from "../pki/errors.ts";
import { hashByOid } from "../pki/signature-algorithms.ts";
import { buildTransferForm, parseTransferFormTime, type TransferFormInput } from "../pki/transfer-form.ts";
import { X509Certificate } from "../pki/x509.ts";
import { holderOf } from "./authorize.ts";
import { CertcenterError } from "./errors.ts";
import { checkNonce, type NonceOwner } from "./transfer-nonces.ts";

/** How far the form's time and the signing time may be from the server's clock, either way. */
export const signatureTimeSkewMs = 5 * 60_000;

/** What a transfer request carries of its signature (POST /api/transfers). */
export interface TransferSignatureClaim {
  /** CMS SignedData, DER, detached, over the canonical form. */
  signature: Uint8Array;
  /** The form's time, as the form writes it. */
  signedAt: string;
  /** The challenge's signatureNonce, as the form carries it. */
  nonce: string;
}

/** The transfer as the request describes it: the form's fields other than time and nonce. */
export type TransferToCheck = Omit<TransferFormInput, "time" | "nonce">;

/** What is kept beside the posting once the signature has been checked. */
export interface TransferEvidence {
  cooperativeId: number;
  serial: Uint8Array;
  signature: Uint8Array;
  content: Uint8Array;
  signedAt: Date;
  signingTime: Date;
  nonceHash: Uint8Array;
}

/**
 * The interim policy (docs/api.md, "Transfer signatures"): a member who holds a certificate in
 * force (valid, within its dates) must sign every transfer; a member with none may still transfer
 * with PIN and OTP or security card until the browser signs everywhere. The day every member must
 * sign, this answers "required" for all and the rest stays as it is.
 */
export async function transferSignaturePolicy(
  db: Queryable,
  who: { cooperativeId: number; memberId: bigint },
  now: Date,
): Promise<"required" | "optional"> {
  const { rows } = await db.query(
    `SELECT 1 FROM certificates
      WHERE holder = $1 AND status = 'valid' AND not_before <= $2 AND not_after > $2 LIMIT 1`,
    [holderOf(who.cooperativeId, who.memberId), now],
  );
  return rows.length > 0 ? "required" : "optional";
}

/** The transfer hooks for one request: the check before the money moves, the record as it moves. */
export function transferSignatureHooks(
  ctx: { db: Queryable; clock: { now(): Date } },
  who: NonceOwner,
  transfer: TransferToCheck,
  claim: TransferSignatureClaim | undefined,
): Required<Pick<MemberTransferHooks, "checkSignature" | "recordEvidence">> {
  let evidence: TransferEvidence | undefined;
  return {
    async checkSignature() {
      evidence = await checkTransferSignature(ctx, who, transfer, claim);
    },
    async recordEvidence(tx, transferId) {
      if (evidence) await recordTransferEvidence(tx, evidence, transferId, ctx.clock.now());
    },
  };
}

function skewed(a: Date, now: Date): boolean {
  return Math.abs(a.getTime() - now.getTime()) > signatureTimeSkewMs;
}

/**
 * Checks a transfer's signature, or its absence against the policy; returns what to keep, or
 * undefined for an unsigned transfer the policy lets through. Refusals are CertcenterErrors:
 * signature_required, signature_time_skew, signature_nonce_expired / _used,
 * signature_form_mismatch, signature_invalid, certificate_other_member, certificate_revoked,
 * certificate_suspended, certificate_expired.
 */
export async function checkTransferSignature(
  ctx: { db: Queryable; clock: { now(): Date } },
  who: NonceOwner,
  transfer: TransferToCheck,
  claim: TransferSignatureClaim | undefined,
): Promise<TransferEvidence | undefined> {
  const now = ctx.clock.now();
  if (!claim) {
    if ((await transferSignaturePolicy(ctx.db, who, now)) === "required") {
      throw new CertcenterError("signature_required");
    }
    return undefined;
  }
  let signedAt: Date;
  let content: Uint8Array;
  try {
    signedAt = parseTransferFormTime(claim.signedAt);
    content = buildTransferForm({ ...transfer, time: claim.signedAt, nonce: claim.nonce });
  } catch (e) {
    if (isPkiError(e, "bad_transfer_form")) throw new CertcenterError("signature_form_mismatch");
    throw e;
  }
  if (skewed(signedAt, now)) throw new CertcenterError("signature_time_skew");
  const nonceHash = await checkNonce(ctx.db, who, claim.nonce, now);

  const verified = await verifySignatureOver(claim.signature, content);
  if (!verified.signingTime) throw new CertcenterError("signature_invalid");
  if (skewed(verified.signingTime, now)) throw new CertcenterError("signature_time_skew");
  const serial = await checkSignerCertificate(ctx.db, who, verified.signer, now);
  return {
    cooperativeId: who.cooperativeId,
    serial,
    signature: claim.signature,
    content,
    signedAt,
    signingTime: verified.signingTime,
    nonceHash,
  };
}

/**
 * The CMS check against the rebuilt form. A messageDigest that is not the form's digest means the
 * member signed some other form (another amount, account, nonce): signature_form_mismatch; any
 * other failure, or bytes that are not a SignedData, is signature_invalid. The SignedData is read
 * once on the way that succeeds (reading it is most of a check's cost); a second time only to say
 * why it failed.
 */
async function verifySignatureOver(
  signature: Uint8Array,
  content: Uint8Array,
): Promise<{ signer: Uint8Array; signingTime: Date | undefined }> {
  try {
    const result = await verifyCms({ signature, content });
    return { signer: result.signer, signingTime: result.signingTime };
  } catch (e) {
    if (!isPkiError(e)) throw e;
    if (isPkiError(e, "bad_signature") && (await signedOtherContent(signature, content))) {
      throw new CertcenterError("signature_form_mismatch");
    }
    throw new CertcenterError("signature_invalid");
  }
}

/** Whether the one SignerInfo's messageDigest is a digest of something other than `content`. */
async function signedOtherContent(signature: Uint8Array, content: Uint8Array): Promise<boolean> {
  try {
    const parsed = parseSignedData(signature);
    const info = parsed.signerInfos.length === 1 ? parsed.signerInfos[0] : undefined;
    const hash = info ? hashByOid(info.digestAlgorithm.oid) : undefined;
    if (!info?.signedAttrsDer || !hash) return false;
    const claimed = readSignedAttributes(info.signedAttrsDer).messageDigest;
    const digest = new Uint8Array(await crypto.subtle.digest(hash, toBytes(content)));
    return !equalBytes(claimed, digest);
  } catch {
    return false;
  }
}

interface SignerRow {
  holder: string;
  status: string;
  der: Uint8Array | null;
  not_before: Date;
  not_after: Date;
  issuer_certificate: Uint8Array;
}

/**
 * Issuing CA public keys, imported once per process and found by the certificate's hash (not by
 * its row id, which another database may give another CA).
 */
const issuerKeys = new Map<string, Promise<CryptoKey>>();

function issuerKey(certificate: Uint8Array): Promise<CryptoKey> {
  const id = sha256(certificate);
  let key = issuerKeys.get(id);
  if (!key) {
    key = new X509Certificate(toBytes(certificate)).publicKey.export();
    key.catch(() => issuerKeys.delete(id));
    issuerKeys.set(id, key);
  }
  return key;
}

/**
 * Member certificates already found signed by their issuing CA, by the hashes of both, with the
 * serial: a certificate's bytes never change, so its signature need not be checked on every
 * transfer (its status and dates are, from the CA's records, each time). Bounded: cleared when full.
 */
const chained = new Map<string, Uint8Array>();
const chainedMax = 100_000;

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/**
 * The signer's certificate must be one our CA issued (in its records by serial, byte for byte, and
 * signed by the issuing key that record names), the member's own, and in force now. Returns its serial.
 */
async function checkSignerCertificate(
  db: Queryable,
  who: { cooperativeId: number; memberId: bigint },
  der: Uint8Array,
  now: Date,
): Promise<Uint8Array> {
  const derHash = sha256(der);
  const serial =
    chained.get(derHash) ??
    new Uint8Array(AsnConvert.parse(toBytes(der), Certificate).tbsCertificate.serialNumber);
  const { rows } = await db.query<SignerRow>(
    `SELECT c.holder, c.status, c.der, c.not_before, c.not_after, k.certificate AS issuer_certificate
       FROM certificates c JOIN ca_keys k ON k.id = c.issuer_key_id
      WHERE c.serial = $1`,
    [serial],
  );
  const row = rows[0];
  if (!row?.der || !equalBytes(toBytes(row.der), der)) throw new CertcenterError("signature_invalid");
  const issuerCertificate = toBytes(row.issuer_certificate);
  const chainKey = `${derHash}:${sha256(issuerCertificate)}`;
  if (!chained.has(chainKey)) {
    const publicKey = await issuerKey(issuerCertificate);
    const cert = new X509Certificate(toBytes(der));
    if (!(await cert.verify({ publicKey, signatureOnly: true })))
      throw new CertcenterError("signature_invalid");
    if (chained.size >= chainedMax) chained.clear();
    chained.set(chainKey, serial);
    chained.set(derHash, serial);
  }

  if (row.holder !== holderOf(who.cooperativeId, who.memberId)) {
    throw new CertcenterError("certificate_other_member");
  }
  if (row.status === "revoked") throw new CertcenterError("certificate_revoked");
  if (row.status === "hold") throw new CertcenterError("certificate_suspended");
  // Signing, pending (never confirmed by its holder) or rejected: not a certificate in force.
  if (row.status !== "valid") throw new CertcenterError("signature_invalid");
  if (now < row.not_before || now >= row.not_after) throw new CertcenterError("certificate_expired");
  return serial;
}

/**
 * Keeps the signature beside the transfer, in the posting's transaction, and spends its nonce in
 * the same statement: when another transfer spent it first (two sent at once with one nonce), this
 * throws signature_nonce_used and the posting rolls back with it; when the nonce's time ran out
 * and the maintenance swept it since the check, signature_nonce_expired.
 */
export async function recordTransferEvidence(
  tx: Queryable,
  evidence: TransferEvidence,
  transferId: bigint,
  now: Date,
): Promise<void> {
  const { rows } = await tx.query(
    `WITH spent AS (
       UPDATE transfer_signature_nonces SET spent_at = $8
        WHERE cooperative_id = $1 AND nonce_hash = $7 AND spent_at IS NULL
        RETURNING cooperative_id
     )
     INSERT INTO transfer_signatures (cooperative_id, transfer_id, certificate_serial, signature,
                                      signed_content, signed_at, signing_time, nonce_hash, recorded_at)
     SELECT cooperative_id, $2, $3, $4, $5, $6, $9, $7, $8 FROM spent
     RETURNING transfer_id`,
    [
      evidence.cooperativeId,
      transferId,
      evidence.serial,
      evidence.signature,
      evidence.content,
      evidence.signedAt,
      evidence.nonceHash,
      now,
      evidence.signingTime,
    ],
  );
  if (rows.length === 0) throw await unspendableNonce(tx, evidence);
}

/**
 * Why a nonce checked a moment ago could not be spent: another transfer spent it (its signature is
 * kept under the nonce's hash), or it ran past its time and the maintenance swept it in between,
 * which is no use of it: the member needs a new challenge, not to hear the signature was used.
 */
async function unspendableNonce(tx: Queryable, evidence: TransferEvidence): Promise<CertcenterError> {
  const { rows } = await tx.query(
    "SELECT 1 FROM transfer_signatures WHERE cooperative_id = $1 AND nonce_hash = $2",
    [evidence.cooperativeId, evidence.nonceHash],
  );
  return new CertcenterError(rows.length > 0 ? "signature_nonce_used" : "signature_nonce_expired");
}

/** A kept signature: the SignedData, the form it covers and its certificate's serial. */
export interface KeptSignature {
  transferId: bigint;
  serial: Uint8Array;
  signature: Uint8Array;
  content: Uint8Array;
  signedAt: Date;
}

/**
 * The signature kept for a transfer. With `memberId`, only a transfer that member sent (the member's
 * download); without, any of the cooperative (the auditor's). transfer_signature_not_found otherwise.
 */
export async function keptTransferSignature(
  db: Queryable,
  where: { cooperativeId: number; transferId: bigint; memberId?: bigint },
): Promise<KeptSignature> {
  const { rows } = await db.query<{
    certificate_serial: Uint8Array;
    signature: Uint8Array;
    signed_content: Uint8Array;
    signed_at: Date;
  }>(
    `SELECT s.certificate_serial, s.signature, s.signed_content, s.signed_at
       FROM transfer_signatures s JOIN transfers t ON t.cooperative_id = s.cooperative_id AND t.id = s.transfer_id
      WHERE s.cooperative_id = $1 AND s.transfer_id = $2 AND ($3::bigint IS NULL OR t.member_id = $3)`,
    [where.cooperativeId, where.transferId, where.memberId ?? null],
  );
  const row = rows[0];
  if (!row) throw new CertcenterError("transfer_signature_not_found");
  return {
    transferId: where.transferId,
    serial: toBytes(row.certificate_serial),
    signature: toBytes(row.signature),
    content: toBytes(row.signed_content),
    signedAt: row.signed_at,
  };
}

/** The CA certificates that chain a kept signature's certificate: its issuing CA, then our roots. */
export async function signatureChain(db: Queryable, serial: Uint8Array): Promise<Uint8Array[]> {
  const { rows } = await db.query<{ certificate: Uint8Array }>(
    `SELECT k.certificate FROM certificates c JOIN ca_keys k ON k.id = c.issuer_key_id WHERE c.serial = $1
     UNION ALL
     SELECT certificate FROM (SELECT certificate, id FROM ca_keys WHERE role = 'root' ORDER BY id) roots`,
    [serial],
  );
  return rows.map((r) => toBytes(r.certificate));
}

/** A short fingerprint of a signature for logs (never the signature or the form). */
export function signatureFingerprint(signature: Uint8Array): string {
  return createHash("sha256").update(signature).digest("hex").slice(0, 16);
}
