// A member's transfer limits as the member sees them: those of the registered medium with what
// today's transfers used, and changing them (lowered online, raised at a branch; setLimits says
// which), the member notified of every change.
import { seoulDay } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { effective, type LimitRow, type Limits, type SecurityMedium, setLimits } from "./limits.ts";
import type { MemberRef } from "./member-accounts.ts";
import { notifyLimitsChanged } from "./notifications.ts";
import { registeredMedium } from "./security-medium.ts";

export interface MemberLimits {
  /** The registered medium; with none, nothing can be sent (both limits are zero). */
  medium: SecurityMedium | null;
  perTransfer: bigint;
  perDay: bigint;
  usedToday: bigint;
}

/**
 * The limits in force for the member's medium, and what today's transfers used of them: the
 * medium, the member's limits and the day's running total kept on the limit row (counted only
 * when the row's day is today in Seoul) in one statement.
 */
export async function memberLimits(
  ctx: BankContext,
  who: MemberRef,
  db: Queryable = ctx.db,
): Promise<MemberLimits> {
  const { rows } = await db.query<
    LimitRow & { medium: SecurityMedium | null; day: string | null; day_total: bigint | null }
  >(
    `SELECT sm.kind AS medium, l.otp_per_transfer, l.otp_per_day, l.card_per_transfer, l.card_per_day,
            to_char(l.day, 'YYYY-MM-DD') AS day, l.day_total
       FROM (SELECT $1::int AS cooperative_id, $2::bigint AS member_id) w
       LEFT JOIN security_media sm ON sm.cooperative_id = w.cooperative_id AND sm.member_id = w.member_id
       LEFT JOIN member_limits l ON l.cooperative_id = w.cooperative_id AND l.member_id = w.member_id`,
    [who.cooperativeId, who.memberId],
  );
  const row = rows[0]!;
  const medium = row.medium;
  const usedToday = row.day === seoulDay(ctx.clock.now()) ? (row.day_total ?? 0n) : 0n;
  const limits = medium ? effective(row, medium) : { perTransfer: 0n, perDay: 0n };
  return { medium, perTransfer: limits.perTransfer, perDay: limits.perDay, usedToday };
}

/**
 * The member lowers the limits of the registered medium online; a raise is refused
 * (limit_raise_needs_branch), and so are amounts setLimits does not take (amount_too_large).
 */
export async function lowerMemberLimits(
  ctx: BankContext,
  who: MemberRef,
  limits: { perTransfer: bigint; perDay: bigint },
): Promise<MemberLimits> {
  const medium = await registeredMedium(ctx.db, who);
  if (!medium) throw new BankError("medium_not_registered");
  const at = ctx.clock.now();
  await ctx.db.transaction((tx) =>
    changeLimits(tx, { ...who, medium, limits, atBranch: false, branchName: null, at }),
  );
  return memberLimits(ctx, who);
}

/**
 * Sets the medium's limits under the lock of the member's limit row and notifies the member, in the
 * caller's transaction. Limits already as asked (a retried request) change nothing and notify no
 * one: the lock makes a concurrent duplicate see the first one's values.
 */
export async function changeLimits(
  tx: Queryable,
  c: MemberRef & {
    medium: SecurityMedium;
    limits: Limits;
    atBranch: boolean;
    /** The counter's branch, or null online. */
    branchName: string | null;
    at: Date;
    /** Judges the limits found under the lock before they change (throws to refuse). */
    judge?: (before: Limits) => void;
  },
): Promise<{ before: Limits; changed: boolean }> {
  await tx.query(
    "INSERT INTO member_limits (cooperative_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    [c.cooperativeId, c.memberId],
  );
  const { rows } = await tx.query<LimitRow>(
    `SELECT otp_per_transfer, otp_per_day, card_per_transfer, card_per_day FROM member_limits
     WHERE cooperative_id = $1 AND member_id = $2 FOR UPDATE`,
    [c.cooperativeId, c.memberId],
  );
  const before = effective(rows[0], c.medium);
  if (before.perTransfer === c.limits.perTransfer && before.perDay === c.limits.perDay) {
    return { before, changed: false };
  }
  c.judge?.(before);
  await setLimits(tx, c);
  await notifyLimitsChanged(tx, {
    cooperativeId: c.cooperativeId,
    memberId: c.memberId,
    medium: c.medium,
    perTransfer: c.limits.perTransfer,
    perDay: c.limits.perDay,
    branchName: c.branchName,
    at: c.at,
  });
  return { before, changed: true };
}
