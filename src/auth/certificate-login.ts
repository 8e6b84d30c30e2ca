// Certificate login (DESIGN §4 "Certificate use", §5): the server issues a
// single-use challenge (128 random bits, two minutes, kept as its SHA-256); the member's browser
// signs the login form over it and our origin (src/pki/login-form.ts) as detached CMS SignedData
// and sends R from its key file; here the challenge is spent, the signature checked over the form
// rebuilt with our own origin, the certificate chained to our issuing CA, found in the CA's records
// by issuer and serial and judged there (revoked, on hold, expired, never confirmed), its holder
// mapped to an enrolled internet-banking user, and the VID recomputed from R and the member's
// resident registration number. The CA's records and the number come through a port the server
// wires (src/server/context.ts): auth imports pki and db only. R and the number are never logged
// or stored; the number is held only for the one hash.
import { createHash, randomBytes } from "node:crypto";
import type { Queryable } from "../db/db.ts";
import { equalBytes } from "../pki/bytes.ts";
import { verifyCms } from "../pki/cms.ts";
import { PkiError } from "../pki/errors.ts";
import { certificateSerial, issuedBy, parseDerCertificate } from "../pki/issued-by.ts";
import { loginFormBytes } from "../pki/login-form.ts";
import { computeVid, readIdentifyData } from "../pki/vid.ts";
import { enrolmentDeadline } from "./business-days.ts";
import { AuthError } from "./errors.ts";
import { type AuthContext, type LoggedIn, loginFailuresMax, type MemberRef, recordLogin } from "./login.ts";

export const challengeLifetimeMs = 2 * 60_000;
/** 128 bits: more than anyone can guess in the challenge's two minutes. */
const challengeBytes = 16;
/** A spent or expired challenge is kept this long, so that a replay is told "used", not "unknown". */
export const challengeKeptMs = 60 * 60_000;

/** The CA's record of a certificate, as far as login needs it. */
export interface CaCertificateRecord {
  status: "signing" | "pending" | "valid" | "hold" | "revoked" | "rejected";
  /** The RA's name for the member: "<cooperative>:<member>". */
  holder: string;
  der: Uint8Array | null;
  notBefore: Date;
  notAfter: Date;
}

/**
 * What certificate login needs of the CA and the bank, wired by the server: auth may not import
 * either (DESIGN §1).
 */
export interface CertificateLoginPort {
  /** Every issuing CA certificate of ours (the active one and retired ones), DER, with its key id. */
  issuingCertificates(): Promise<{ keyId: number; certificate: Uint8Array }[]>;
  /** The record of the certificate with this serial issued under that CA key, if any. */
  certificateRecord(issuerKeyId: number, serial: Uint8Array): Promise<CaCertificateRecord | undefined>;
  /** The member's resident registration number, for the VID check only. Never log or keep it. */
  revealRrn(who: MemberRef): Promise<string>;
}

export interface CertificateLoginContext extends AuthContext {
  port: CertificateLoginPort;
  /** Our origin, from the configured public base URL (never the request's Host header). */
  origin: string;
}

export interface IssuedChallenge {
  /** base64url, no padding: what the browser puts in the form. */
  challenge: string;
  expiresAt: Date;
}

// The issuing CA certificates, parsed once: parsing costs about as much as the signature check, and
// they change only with a key ceremony. A handful at most; the map is cleared if it ever grows.
const parsedCas = new Map<string, ReturnType<typeof parseDerCertificate>>();

function parsedCaCertificate(der: Uint8Array): ReturnType<typeof parseDerCertificate> {
  const key = Buffer.from(der).toString("base64");
  let cert = parsedCas.get(key);
  if (!cert) {
    if (parsedCas.size >= 16) parsedCas.clear();
    cert = parseDerCertificate(der);
    parsedCas.set(key, cert);
  }
  return cert;
}

function challengeHash(challenge: string): Buffer {
  return createHash("sha256").update(challenge, "utf8").digest();
}

/** A new single-use challenge, stored as its hash. */
export async function issueLoginChallenge(ctx: {
  db: Queryable;
  clock: { now(): Date };
}): Promise<IssuedChallenge> {
  const now = ctx.clock.now();
  const challenge = randomBytes(challengeBytes).toString("base64url");
  const expiresAt = new Date(now.getTime() + challengeLifetimeMs);
  await ctx.db.query(
    "INSERT INTO login_challenges (challenge_hash, created_at, expires_at) VALUES ($1, $2, $3)",
    [challengeHash(challenge), now, expiresAt],
  );
  return { challenge, expiresAt };
}

/**
 * Spends the challenge in one statement: it is marked used only when unused and fresh, so of two
 * logins racing with it one passes. Otherwise says why not.
 */
async function spendChallenge(db: Queryable, challenge: string, now: Date): Promise<void> {
  const hash = challengeHash(challenge);
  const { rows } = await db.query<{ spent: boolean; expires_at: Date; used_at: Date | null }>(
    `WITH spent AS (
       UPDATE login_challenges SET used_at = $2
       WHERE challenge_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING challenge_hash)
     SELECT EXISTS (SELECT 1 FROM spent) AS spent, c.expires_at, c.used_at
     FROM (SELECT 1) AS one LEFT JOIN login_challenges c ON c.challenge_hash = $1`,
    [hash, now],
  );
  const r = rows[0]!;
  if (r.spent) return;
  // The SELECT sees the row as it was before the statement: unused and expired, or used.
  if (r.expires_at === null) throw new AuthError("challenge_unknown");
  if (r.used_at !== null) throw new AuthError("challenge_used");
  if (r.expires_at <= now) throw new AuthError("challenge_expired");
  // Unused and fresh in our snapshot, yet not spent by us: a concurrent login spent it first.
  throw new AuthError("challenge_used");
}

/** Sweeps challenges an hour past their expiry (the scheduler's job, src/server/jobs.ts). */
export async function purgeLoginChallenges(db: Queryable, now: Date): Promise<number> {
  return (
    await db.query("DELETE FROM login_challenges WHERE expires_at <= $1", [
      new Date(now.getTime() - challengeKeptMs),
    ])
  ).rowCount;
}

export interface CertificateLoginInput {
  challenge: string;
  /** signCert.der */
  certificate: Uint8Array;
  /** CMS SignedData, detached, over the login form. */
  signature: Uint8Array;
  /** R from the member's key file; empty when the key file has none. */
  vidRandom: Uint8Array;
}

/** "<cooperative>:<member>", the RA's holder name (src/certcenter/authorize.ts holderOf). */
function memberOfHolder(holder: string): MemberRef | undefined {
  const m = /^(\d{1,9}):(\d{1,19})$/.exec(holder);
  return m ? { cooperativeId: Number(m[1]), memberId: BigInt(m[2]!) } : undefined;
}

interface UserRow {
  user_id: string;
  must_change_password: boolean;
  failed_logins: number;
  enrolled_at: Date;
  real_name: string;
}

/**
 * Logs in with a certificate: every check named at the top of this file, in the order that spends the
 * challenge first (a replay costs nothing) and the costly signature check before any record is
 * read. The password's lock applies (a locked login stays locked until a teller unlocks it) but the
 * count of wrong passwords is neither raised nor reset: a certificate proves nothing of the password.
 */
export async function certificateLogin(
  ctx: CertificateLoginContext,
  input: CertificateLoginInput,
): Promise<LoggedIn> {
  const now = ctx.clock.now();
  await spendChallenge(ctx.db, input.challenge, now);

  // The form as we issued it: our challenge at our origin.
  const form = loginFormBytes({ challenge: input.challenge, origin: ctx.origin });
  let cert: ReturnType<typeof parseDerCertificate>;
  try {
    const verified = await verifyCms({ signature: input.signature, content: form });
    // The certificate sent must be the one that signed, byte for byte.
    if (!equalBytes(verified.signer, input.certificate)) throw new AuthError("signature_invalid");
    cert = parseDerCertificate(input.certificate);
  } catch (e) {
    if (e instanceof PkiError) throw new AuthError("signature_invalid");
    throw e;
  }

  // Chained to an issuing CA of ours, then found in that CA's records.
  let issuer: number | undefined;
  for (const ca of await ctx.port.issuingCertificates()) {
    if (await issuedBy(cert, parsedCaCertificate(ca.certificate))) {
      issuer = ca.keyId;
      break;
    }
  }
  if (issuer === undefined) throw new AuthError("certificate_not_ours");
  const record = await ctx.port.certificateRecord(issuer, certificateSerial(cert));
  if (!record || record.der === null || !equalBytes(record.der, input.certificate)) {
    throw new AuthError("certificate_unknown");
  }
  if (record.status === "revoked" || record.status === "rejected") throw new AuthError("certificate_revoked");
  if (record.status === "hold") throw new AuthError("certificate_on_hold");
  if (record.status === "pending") throw new AuthError("certificate_pending");
  if (record.status !== "valid") throw new AuthError("certificate_unknown");
  if (now < record.notBefore || now >= record.notAfter) throw new AuthError("certificate_expired");

  // The certificate names its member; the member must be an internet-banking user.
  const who = memberOfHolder(record.holder);
  const { rows } = who
    ? await ctx.db.query<UserRow>(
        `SELECT u.user_id, u.must_change_password, u.failed_logins, u.enrolled_at, m.real_name
         FROM users u JOIN members m ON m.cooperative_id = u.cooperative_id AND m.id = u.member_id
         WHERE u.cooperative_id = $1 AND u.member_id = $2`,
        [who.cooperativeId, who.memberId],
      )
    : { rows: [] as UserRow[] };
  const user = rows[0];
  if (!who || !user) throw new AuthError("certificate_no_user");
  if (user.failed_logins >= loginFailuresMax) throw new AuthError("login_locked");
  if (user.must_change_password && now >= enrolmentDeadline(user.enrolled_at)) {
    throw new AuthError("enrolment_lapsed");
  }

  // The VID: R from the key file against the member's number (verifyVid's computation, with the
  // identifyData read once).
  let identity: ReturnType<typeof readIdentifyData>;
  try {
    identity = readIdentifyData(input.certificate);
  } catch (e) {
    // identifyData we cannot read (our CA writes none such) checks nothing.
    if (e instanceof PkiError) throw new AuthError("no_identify_data");
    throw e;
  }
  if (input.vidRandom.length === 0 || identity === undefined) throw new AuthError("no_identify_data");
  const vid = await computeVid({
    rrn: await ctx.port.revealRrn(who),
    random: input.vidRandom,
    hash: identity.hash,
  });
  if (!equalBytes(vid, identity.vid)) throw new AuthError("vid_mismatch");

  // A lock that landed meanwhile still wins; wrong passwords stay counted.
  return recordLogin(ctx.db, who, user, now, { clearFailures: false });
}
