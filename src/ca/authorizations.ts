// Issuance authorisations (DESIGN §4): what the RA hands the CA after proving a member's identity:
// a reference number and a one-time authorisation code, with the subject, the VID inputs, the
// purpose and, for a reissue, the certificate it replaces. The CA keeps the code sealed (a
// password-based MAC needs the secret itself) and erases the resident registration number once the
// authorisation is used or ends.
import { randomInt } from "node:crypto";
import { appendAudit } from "../audit/audit-log.ts";
import type { Queryable } from "../db/db.ts";
import { isUniqueViolation } from "../db/db.ts";
import { fromHex, toBytes, toHex, utf8 } from "../pki/bytes.ts";
import type { CaContext } from "./context.ts";
import { CaInternalError } from "./errors.ts";
import { publishRevocationStatus, revokeInTransaction } from "./revocation.ts";

export type Purpose = "bank" | "universal";
export type Channel = "web" | "branch";

/** Wrong MACs against one reference number before the authorisation ends. */
export const macTriesMax = 5;

/**
 * Reference numbers drawn for one authorisation before giving up. Ten random digits meet a number
 * in use only when the table is nearly full: this many in a row means the random source or the
 * table is broken, and drawing on would spin for ever.
 */
export const referenceNumberDrawsMax = 5;

export interface AuthorizationRequest {
  holder: string;
  purpose: Purpose;
  channel: Channel;
  /** How long the authorisation lives from now (the RA's rule for the channel). */
  lifetimeMs: number;
  /** The subject Name (DER) the certificate will carry. */
  subjectName: Uint8Array;
  realName: string;
  /** 13 digits; sealed at rest, erased when the authorisation ends. */
  rrn: string;
  /** A reissue: the certificate it replaces and why (keyCompromise revokes it now). */
  replaces?: { serial: Uint8Array; reason: "keyCompromise" | "superseded"; notAfter: Date };
  actor: string;
}

export interface IssuedAuthorization {
  referenceNumber: string;
  authorizationCode: string;
  expiresAt: Date;
}

/** 10 digits: short enough to read out, and the code (not this) is the secret. */
function newReferenceNumber(): string {
  return String(randomInt(1_000_000_000, 10_000_000_000));
}

/** 16 digits (53 bits): typed from a slip or a screen, and the PBM's iteration count stands behind it. */
function newAuthorizationCode(): string {
  let code = "";
  for (let i = 0; i < 16; i++) code += String(randomInt(0, 10));
  return code;
}

const codeLabel = (ref: string) => `ca.authorization.code:${ref}`;
const rrnLabel = (ref: string) => `ca.authorization.rrn:${ref}`;

/**
 * What the RA records of an authorisation in the CA's transaction (the web session it is bound to):
 * if it fails, nothing is made, and a lost certificate is not revoked either.
 */
export type AlongsideAuthorization = (tx: Queryable, made: IssuedAuthorization) => Promise<void>;

export async function createAuthorization(
  ca: CaContext,
  req: AuthorizationRequest,
  alongside?: AlongsideAuthorization,
): Promise<IssuedAuthorization> {
  const now = ca.clock.now();
  const expiresAt = new Date(now.getTime() + req.lifetimeMs);
  for (let draw = 1; ; draw++) {
    const referenceNumber = newReferenceNumber();
    const authorizationCode = newAuthorizationCode();
    let renewalsEnded: Uint8Array[] = [];
    // Only the reference number's insert can clash with one drawn before; a unique violation after
    // it (the RA's own rows) is a failure to pass on, not a reason to draw again.
    let drawn = false;
    try {
      await ca.db.transaction(async (tx) => {
        renewalsEnded = [];
        drawn = false;
        await tx.query(
          `INSERT INTO ca_authorizations (reference_number, code_sealed, holder, purpose, channel, subject_name,
             real_name, rrn_sealed, not_after, replaces, replace_reason, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            referenceNumber,
            ca.sealer.seal(codeLabel(referenceNumber), utf8(authorizationCode)),
            req.holder,
            req.purpose,
            req.channel,
            req.subjectName,
            req.realName,
            ca.sealer.seal(rrnLabel(referenceNumber), utf8(req.rrn)),
            req.replaces?.notAfter ?? null,
            req.replaces?.serial ?? null,
            req.replaces?.reason ?? null,
            now,
            expiresAt,
          ],
        );
        drawn = true;
        if (req.replaces?.reason === "keyCompromise") {
          // A lost certificate is revoked the moment the reissue is authorised (DESIGN §4), and
          // with it any renewal pending under its key.
          const revoked = await revokeInTransaction(tx, {
            serial: req.replaces.serial,
            reason: "keyCompromise",
            actor: req.actor,
            at: now,
          });
          renewalsEnded = (revoked.renewalsEnded ?? []).map(fromHex);
        }
        await appendAudit(
          tx,
          {
            actor: req.actor,
            action: "ra.authorize",
            subject: req.holder,
            details: {
              referenceNumber,
              purpose: req.purpose,
              channel: req.channel,
              expiresAt: expiresAt.toISOString(),
              replaces: req.replaces ? toHex(req.replaces.serial) : null,
              replaceReason: req.replaces?.reason ?? null,
            },
          },
          now,
        );
        if (alongside) await alongside(tx, { referenceNumber, authorizationCode, expiresAt });
      });
    } catch (e) {
      if (drawn || !isUniqueViolation(e)) throw e;
      // A reference number drawn twice: draw again, a bounded number of times.
      if (draw >= referenceNumberDrawsMax) {
        throw new CaInternalError("reference_number_draws_exhausted", { cause: e });
      }
      continue;
    }
    if (req.replaces?.reason === "keyCompromise") {
      await publishRevocationStatus(ca, [req.replaces.serial, ...renewalsEnded]);
    }
    return { referenceNumber, authorizationCode, expiresAt };
  }
}

/** An authorisation as enrolment (enrolment.ts) reads it. */
export interface Authorization {
  referenceNumber: string;
  holder: string;
  purpose: Purpose;
  subjectName: Uint8Array;
  realName: string;
  notAfter: Date | null;
  replaces: Uint8Array | null;
  replaceReason: "keyCompromise" | "superseded" | null;
  expiresAt: Date;
  failedMacs: number;
  state: "open" | "used" | "locked";
}

interface AuthorizationRow {
  reference_number: string;
  holder: string;
  purpose: Purpose;
  subject_name: Uint8Array;
  real_name: string;
  not_after: Date | null;
  replaces: Uint8Array | null;
  replace_reason: "keyCompromise" | "superseded" | null;
  expires_at: Date;
  failed_macs: number;
  state: "open" | "used" | "locked";
}

const columns = `reference_number, holder, purpose, subject_name, real_name, not_after, replaces, replace_reason,
  expires_at, failed_macs, state`;

/** The columns again, of the row an UPDATE ... FROM returns (`a`, beside the locked `old`). */
const updatedColumns = columns
  .split(",")
  .map((c) => `a.${c.trim()}`)
  .join(", ");

function fromRow(r: AuthorizationRow): Authorization {
  return {
    referenceNumber: r.reference_number,
    holder: r.holder,
    purpose: r.purpose,
    subjectName: toBytes(r.subject_name),
    realName: r.real_name,
    notAfter: r.not_after,
    replaces: r.replaces ? toBytes(r.replaces) : null,
    replaceReason: r.replace_reason,
    expiresAt: r.expires_at,
    failedMacs: r.failed_macs,
    state: r.state,
  };
}

export async function findAuthorization(
  db: Queryable,
  referenceNumber: string,
  lock = false,
): Promise<Authorization | undefined> {
  const { rows } = await db.query<AuthorizationRow>(
    `SELECT ${columns} FROM ca_authorizations WHERE reference_number = $1${lock ? " FOR UPDATE" : ""}`,
    [referenceNumber],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/**
 * Uses an open, unexpired authorisation, in the caller's transaction: marks it used and erases
 * its resident registration number, returning both the authorisation and the number (read this
 * once, here). One statement: the row is locked first, so of two requests on one code the second
 * waits, then finds it used and gets nothing. Undefined when it is not open or has expired (the
 * caller asks `findAuthorization` why).
 */
export async function takeAuthorization(
  ca: CaContext,
  tx: Queryable,
  referenceNumber: string,
  now: Date,
): Promise<{ authorization: Authorization; rrn: string | undefined } | undefined> {
  const { rows } = await tx.query<AuthorizationRow & { old_rrn: Uint8Array | null }>(
    `WITH old AS (
       SELECT reference_number, rrn_sealed FROM ca_authorizations WHERE reference_number = $1 FOR UPDATE)
     UPDATE ca_authorizations a SET state = 'used', used_at = $2, rrn_sealed = NULL
       FROM old
      WHERE a.reference_number = old.reference_number AND a.state = 'open' AND a.expires_at > $2
     RETURNING ${updatedColumns}, old.rrn_sealed AS old_rrn`,
    [referenceNumber, now],
  );
  const row = rows[0];
  if (!row) return undefined;
  const rrn = row.old_rrn
    ? new TextDecoder().decode(ca.sealer.unseal(rrnLabel(referenceNumber), toBytes(row.old_rrn)))
    : undefined;
  return { authorization: fromRow(row), rrn };
}

/**
 * Ends the holder's open authorisations now, in the caller's transaction (the holder has left the
 * service they were for): each runs out as an unused one does, its resident registration number
 * erased; a code typed later is refused as expired. Returns their reference numbers, which the
 * caller's audit entry names (it takes its row locks first and appends to the audit log last).
 */
export async function endOpenAuthorizations(
  tx: Queryable,
  input: { holder: string; at: Date },
): Promise<string[]> {
  const { rows } = await tx.query<{ reference_number: string }>(
    `UPDATE ca_authorizations SET expires_at = $2, rrn_sealed = NULL
      WHERE holder = $1 AND state = 'open' AND expires_at > $2
     RETURNING reference_number`,
    [input.holder, input.at],
  );
  return rows.map((r) => r.reference_number).sort();
}

/**
 * PBM rounds one reference number may have derived per second, summed over every server process
 * (five keys at `pbmIterationsMax`, about 18 ms of a core here): requests racing on one
 * authorisation, each admitted before the others' wrong MACs lock it, cannot multiply the work.
 */
export const pbmRoundsPerSecond = 10_000;

/**
 * Which MAC an authorisation may still key: an ir/cr's while it is open and unexpired; a certConf's
 * (after the ir took it) while fewer than `macTriesMax` wrong MACs were counted against it.
 */
export type PbmUse = "enrol" | "confirm";

export type PbmSpend =
  | { admitted: true; code: string }
  | { admitted: false; why: "unknown" | "expired" | "used" | "locked" | "ended" | "rate" };

/**
 * Before any PBM work: whether this authorisation may key a MAC now, and if so the code, with the
 * rounds spent from its one-second budget. One statement under the row's lock, so that of
 * concurrent requests on one reference number (in any process) no more than the budget derive.
 * The window follows the CA's clock; a window that starts after `now` (another process's clock
 * ahead, or a clock set back) starts again.
 */
export async function spendPbmRounds(
  ca: CaContext,
  referenceNumber: string,
  rounds: number,
  use: PbmUse,
): Promise<PbmSpend> {
  const now = ca.clock.now();
  const admissible =
    use === "enrol"
      ? "state = 'open' AND expires_at > $2::timestamptz"
      : "state = 'used' AND failed_macs < $6::integer";
  const params: unknown[] = [
    referenceNumber,
    now,
    new Date(now.getTime() - 1000),
    rounds,
    pbmRoundsPerSecond,
  ];
  if (use === "confirm") params.push(macTriesMax);
  const { rows } = await ca.db.query<{
    state: Authorization["state"];
    code_sealed: Uint8Array;
    admissible: boolean;
    admitted: boolean;
  }>(
    `WITH old AS (
       SELECT reference_number, state, code_sealed, pbm_window_start, pbm_rounds, ${admissible} AS admissible,
              (pbm_window_start IS NULL OR pbm_window_start <= $3::timestamptz
                OR pbm_window_start > $2::timestamptz) AS new_window
         FROM ca_authorizations WHERE reference_number = $1 FOR UPDATE),
     spent AS (
       UPDATE ca_authorizations a
          SET pbm_window_start = CASE WHEN old.new_window THEN $2::timestamptz ELSE old.pbm_window_start END,
              pbm_rounds = CASE WHEN old.new_window THEN 0 ELSE old.pbm_rounds END + $4::integer
         FROM old
        WHERE a.reference_number = old.reference_number AND old.admissible
          AND CASE WHEN old.new_window THEN 0 ELSE old.pbm_rounds END + $4::integer <= $5::integer
       RETURNING a.reference_number)
     SELECT old.state, old.code_sealed, old.admissible, EXISTS (SELECT 1 FROM spent) AS admitted FROM old`,
    params,
  );
  const row = rows[0];
  if (!row) return { admitted: false, why: "unknown" };
  if (!row.admissible) {
    if (use === "confirm") return { admitted: false, why: "ended" };
    return { admitted: false, why: row.state === "open" ? "expired" : row.state };
  }
  if (!row.admitted) return { admitted: false, why: "rate" };
  const code = new TextDecoder().decode(
    ca.sealer.unseal(codeLabel(referenceNumber), toBytes(row.code_sealed)),
  );
  return { admitted: true, code };
}

/** What a counted wrong MAC did: `endedNow` when it was the one that reached the limit. */
export interface WrongMacCount {
  failedMacs: number;
  /** The authorisation's state before this count. */
  before: Authorization["state"];
  endedNow: boolean;
  /** The certificate awaiting confirmation that this count revoked (a certConf's wrong MAC). */
  revoked?: Uint8Array;
}

/**
 * Counts a wrong MAC in its own transaction (it must stick although the request fails). The fifth
 * ends the authorisation: an open one is locked; after its ir, the certificate still awaiting
 * confirmation in `pending` (a certConf's transaction) is revoked (cessationOfOperation, as for a
 * holder's refusal: the ip handed it out) and never becomes good. Undefined for an unknown number.
 */
export async function recordWrongMac(
  ca: CaContext,
  referenceNumber: string,
  pending?: Uint8Array,
): Promise<WrongMacCount | undefined> {
  const now = ca.clock.now();
  const counted = await ca.db.transaction(async (tx) => {
    // The certificate's row before the authorisation's and the audit head, in the order a
    // confirmation and the scheduler take them.
    const cert = pending
      ? (
          await tx.query<{ status: string }>(
            "SELECT status FROM certificates WHERE serial = $1 FOR NO KEY UPDATE",
            [pending],
          )
        ).rows[0]
      : undefined;
    const { rows } = await tx.query<{
      failed_macs: number;
      state: Authorization["state"];
      old_state: Authorization["state"];
      holder: string;
    }>(
      `WITH old AS (SELECT reference_number, state FROM ca_authorizations WHERE reference_number = $1 FOR UPDATE)
       UPDATE ca_authorizations a
          SET failed_macs = a.failed_macs + 1,
              state = CASE WHEN a.state = 'open' AND a.failed_macs + 1 >= $2 THEN 'locked' ELSE a.state END,
              rrn_sealed = CASE WHEN a.state = 'open' AND a.failed_macs + 1 >= $2 THEN NULL ELSE a.rrn_sealed END
         FROM old
        WHERE a.reference_number = old.reference_number
       RETURNING a.failed_macs, a.state, old.state AS old_state, a.holder`,
      [referenceNumber, macTriesMax],
    );
    const row = rows[0];
    if (!row) return undefined;
    const revoke = pending !== undefined && cert?.status === "pending" && row.failed_macs >= macTriesMax;
    const endedNow = (row.old_state === "open" && row.state === "locked") || revoke;
    await appendAudit(
      tx,
      {
        actor: "cmp",
        action: endedNow ? "ra.authorization.locked" : "cmp.wrong_mac",
        subject: row.holder,
        details: { referenceNumber, failedMacs: row.failed_macs },
      },
      now,
    );
    if (revoke) {
      await revokeInTransaction(tx, {
        serial: pending,
        reason: "cessationOfOperation",
        actor: "cmp:wrong_mac",
        at: now,
      });
    }
    const result: WrongMacCount = { failedMacs: row.failed_macs, before: row.old_state, endedNow };
    if (revoke) result.revoked = pending;
    return result;
  });
  if (counted?.revoked) await publishRevocationStatus(ca, [counted.revoked]);
  return counted;
}
