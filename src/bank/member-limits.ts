// A member's transfer limits as the member sees them: those of the registered medium with what
// today's transfers used, and lowering them online (raising takes a branch; setLimits says so).
import { seoulDay } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { effective, type LimitRow, type SecurityMedium, setLimits } from "./limits.ts";
import type { MemberRef } from "./member-accounts.ts";
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
  await ctx.db.transaction((tx) => setLimits(tx, { ...who, medium, limits, atBranch: false }));
  return memberLimits(ctx, who);
}
