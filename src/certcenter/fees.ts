// The universal certificate's fee (DESIGN §4: 4,400 won a year, VAT included; bank use is free): held
// on the account the member picks when the RA authorises an issuance or a renewal, captured into
// the cooperative's fee account in the very transaction that confirms the certificate (the CA calls
// the hooks below), released when the authorisation or renewal hold runs out unused or the
// certificate is refused or never confirmed (the scheduler's sweep). The capture is the member's
// receipt: a transfer in the account's history.
import type { BankContext } from "../bank/context.ts";
import { internalAccountId } from "../bank/federation.ts";
import { captureHoldIn, placeHoldIn, releaseHoldIn } from "../bank/holds.ts";
import type { MemberRef } from "../bank/member-accounts.ts";
import type { CertificateHooks, HookedCertificate } from "../ca/context.ts";
import { confirmWaitMs } from "../ca/issuance.ts";
import type { Queryable } from "../db/db.ts";
import type { CertificatePurposeName } from "./authorize.ts";

/** The universal certificate's fee for one year, in won, VAT included. */
export const universalCertificateFee = 4_400n;

/** What an issuance or renewal of the purpose costs. */
export function feeOf(purpose: CertificatePurposeName): bigint {
  return purpose === "universal" ? universalCertificateFee : 0n;
}

/** What the member's statement shows for the fee (적요), and the fee account's. */
const memoFrom = "범용인증서 수수료";
const memoTo = "인증서 수수료";

/**
 * The bank's hold outlives the fee's own end by the CA's confirmation wait and a day: the RA's sweep
 * settles every fee well before, and a hold the bank would let lapse first could free money a
 * certificate being confirmed still needs.
 */
const holdMarginMs = confirmWaitMs + 86_400_000;

export interface HeldFee {
  id: bigint;
  amount: bigint;
  expiresAt: Date;
}

/**
 * Holds the fee on the member's account and records what it is for, in the caller's transaction.
 * Refused `insufficient_funds` (and the bank's other refusals) before anything is written.
 */
export async function holdFee(
  bank: BankContext,
  tx: Queryable,
  fee: {
    who: MemberRef;
    accountId: bigint;
    kind: "issuance" | "renewal";
    renews?: Uint8Array;
    expiresAt: Date;
    idempotencyKey: string;
  },
): Promise<HeldFee> {
  const amount = universalCertificateFee;
  const hold = await placeHoldIn(bank, tx, {
    account: { cooperativeId: fee.who.cooperativeId, accountId: fee.accountId },
    amount,
    reason: fee.kind === "issuance" ? "universal certificate fee" : "universal certificate renewal fee",
    idempotencyKey: fee.idempotencyKey,
    expiresAt: new Date(fee.expiresAt.getTime() + holdMarginMs),
  });
  const { rows } = await tx.query<{ id: bigint }>(
    `INSERT INTO certcenter_fees (cooperative_id, member_id, hold_id, amount, kind, renews, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      fee.who.cooperativeId,
      fee.who.memberId,
      hold.id,
      amount,
      fee.kind,
      fee.renews ?? null,
      fee.expiresAt,
      bank.clock.now(),
    ],
  );
  return { id: rows[0]!.id, amount, expiresAt: fee.expiresAt };
}

/** Ties an issuance fee to the authorisation the CA made for it, with the authorisation's end. */
export async function attachAuthorization(
  tx: Queryable,
  feeId: bigint,
  authorization: { referenceNumber: string; expiresAt: Date },
): Promise<void> {
  await tx.query("UPDATE certcenter_fees SET authorization_ref = $2, expires_at = $3 WHERE id = $1", [
    feeId,
    authorization.referenceNumber,
    authorization.expiresAt,
  ]);
}

interface FeeRow {
  id: bigint;
  cooperative_id: number;
  hold_id: bigint;
  status: "held" | "captured" | "released";
}

/** Releases the fee's hold and marks it released, in the caller's transaction (the row locked). */
async function releaseFee(bank: BankContext, tx: Queryable, fee: FeeRow, now: Date): Promise<void> {
  await releaseHoldIn(bank, tx, { cooperativeId: fee.cooperative_id, holdId: fee.hold_id });
  await tx.query("UPDATE certcenter_fees SET status = 'released', settled_at = $2 WHERE id = $1", [
    fee.id,
    now,
  ]);
}

/**
 * Releases every fee still held for the member (an issuance or renewal under way), in the caller's
 * transaction: when the member leaves internet banking, nothing they started online can be paid for.
 */
export async function releaseMemberFees(
  bank: BankContext,
  tx: Queryable,
  member: { cooperativeId: number; memberId: bigint },
): Promise<number> {
  const { rows } = await tx.query<FeeRow>(
    `SELECT id, cooperative_id, hold_id, status FROM certcenter_fees
      WHERE cooperative_id = $1 AND member_id = $2 AND status = 'held' ORDER BY id FOR UPDATE`,
    [member.cooperativeId, member.memberId],
  );
  for (const fee of rows) await releaseFee(bank, tx, fee, bank.clock.now());
  return rows.length;
}

/** The fee paying for this certificate, locked: an issuance's by its authorisation, a renewal's by serial. */
async function feeFor(tx: Queryable, cert: HookedCertificate): Promise<FeeRow | undefined> {
  const { rows } = await tx.query<FeeRow>(
    cert.authorizationRef !== null
      ? "SELECT id, cooperative_id, hold_id, status FROM certcenter_fees WHERE authorization_ref = $1 FOR UPDATE"
      : "SELECT id, cooperative_id, hold_id, status FROM certcenter_fees WHERE certificate = $1 FOR UPDATE",
    [cert.authorizationRef ?? cert.serial],
  );
  return rows[0];
}

/** A fee that can no longer be captured where a certificate is confirmed: a broken invariant. */
export class FeeNotHeldError extends Error {
  override readonly name = "FeeNotHeldError";
}

/**
 * The fee's hooks the CA runs (src/ca/context.ts, composed in ca-hooks.ts): a universal renewal claims its held fee with the
 * reservation of the new serial; a confirmation captures the certificate's fee in its transaction;
 * a refusal at certConf releases it. A certificate with no fee row (bank use, or a branch's slip,
 * paid at the counter) passes untouched.
 */
export function feeHooks(bank: BankContext): Omit<CertificateHooks, "mayEnrol"> {
  return {
    async beforeRenewal(tx, renewal, now) {
      if (feeOf(renewal.purpose) === 0n) return true;
      const { rows } = await tx.query(
        `UPDATE certcenter_fees SET certificate = $2
          WHERE renews = $1 AND status = 'held' AND certificate IS NULL AND expires_at > $3 RETURNING id`,
        [renewal.replaces, renewal.serial, now],
      );
      return rows.length === 1;
    },

    async confirmed(tx, cert, now) {
      const fee = await feeFor(tx, cert);
      if (!fee || fee.status === "captured") return;
      // Released by the sweep: the certificate's time to be confirmed had passed. Never valid unpaid.
      if (fee.status === "released") throw new FeeNotHeldError(`fee ${fee.id} was released`);
      const to = {
        cooperativeId: fee.cooperative_id,
        accountId: await internalAccountId(tx, fee.cooperative_id, "fee"),
      };
      const result = await captureHoldIn(bank, tx, {
        cooperativeId: fee.cooperative_id,
        holdId: fee.hold_id,
        to,
        memoFrom,
        memoTo,
      });
      await tx.query(
        `UPDATE certcenter_fees SET status = 'captured', settled_at = $2, certificate = $3, transfer_id = $4
          WHERE id = $1`,
        [fee.id, now, cert.serial, result.transfer.id],
      );
    },

    async refused(tx, cert, now) {
      const fee = await feeFor(tx, cert);
      if (fee?.status === "held") await releaseFee(bank, tx, fee, now);
    },
  };
}

/** The certificates a fee row `f` pays for (at most one), as an SQL condition on `c`. */
const paidBy = `(c.serial = f.certificate
  OR (f.certificate IS NULL AND f.authorization_ref IS NOT NULL AND c.authorization_ref = f.authorization_ref))`;

/**
 * A held fee that can no longer be captured: no certificate of it is live or on its way, and either
 * its time ran out or its certificate was revoked before its holder confirmed it (a confirmed
 * certificate's fee was captured with the confirmation, so a held fee beside a revoked certificate
 * was never paid for). `$1` is now.
 */
const unusable = `f.status = 'held'
  AND NOT EXISTS (SELECT 1 FROM certificates c WHERE ${paidBy} AND c.status NOT IN ('revoked', 'rejected'))
  AND (f.expires_at <= $1 OR EXISTS (SELECT 1 FROM certificates c WHERE ${paidBy}))`;

/**
 * The scheduler's sweep: releases every held fee that can no longer be captured (`unusable`);
 * returns how many. Each fee in a transaction of its own, judged again under its row's lock after
 * its certificate's, in the order a confirmation takes them.
 */
export async function releaseUnusedFees(bank: BankContext): Promise<number> {
  const now = bank.clock.now();
  const { rows } = await bank.db.query<{ id: bigint; serial: Uint8Array | null }>(
    `SELECT f.id, (SELECT c.serial FROM certificates c WHERE ${paidBy} LIMIT 1) AS serial
       FROM certcenter_fees f WHERE ${unusable} ORDER BY f.id LIMIT 1000`,
    [now],
  );
  let released = 0;
  for (const candidate of rows) {
    const done = await bank.db.transaction(async (tx) => {
      if (candidate.serial) {
        await tx.query("SELECT 1 FROM certificates WHERE serial = $1 FOR SHARE", [candidate.serial]);
      }
      const { rows: fees } = await tx.query<FeeRow>(
        `SELECT f.id, f.cooperative_id, f.hold_id, f.status FROM certcenter_fees f
          WHERE f.id = $2 AND ${unusable} FOR UPDATE`,
        [now, candidate.id],
      );
      const fee = fees[0];
      if (!fee) return false;
      await releaseFee(bank, tx, fee, now);
      return true;
    });
    if (done) released++;
  }
  return released;
}

/** Gives back a fee held for an authorisation that was then not made (the RA's own undo). */
export async function cancelFee(bank: BankContext, feeId: bigint): Promise<void> {
  await bank.db.transaction(async (tx) => {
    const { rows } = await tx.query<FeeRow>(
      "SELECT id, cooperative_id, hold_id, status FROM certcenter_fees WHERE id = $1 FOR UPDATE",
      [feeId],
    );
    if (rows[0]?.status === "held") await releaseFee(bank, tx, rows[0], bank.clock.now());
  });
}
