// Transfer limits per member and security medium (DESIGN.md §3): defaults, a member's own lower
// choice, and the calendar day in Asia/Seoul over which the daily limit sums.
import { seoulDay, seoulDayBounds } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import { BankError } from "./errors.ts";

export type SecurityMedium = "otp" | "card";

export interface Limits {
  perTransfer: bigint;
  perDay: bigint;
}

export const defaultLimits: Record<SecurityMedium, Limits> = {
  otp: { perTransfer: 100_000_000n, perDay: 500_000_000n },
  card: { perTransfer: 10_000_000n, perDay: 50_000_000n },
};

export interface LimitRow {
  otp_per_transfer: bigint | null;
  otp_per_day: bigint | null;
  card_per_transfer: bigint | null;
  card_per_day: bigint | null;
}

/** The limits in force for the medium: the member's own where set, else the defaults. */
export function effective(row: LimitRow | undefined, medium: SecurityMedium): Limits {
  const d = defaultLimits[medium];
  const perTransfer = medium === "otp" ? row?.otp_per_transfer : row?.card_per_transfer;
  const perDay = medium === "otp" ? row?.otp_per_day : row?.card_per_day;
  return { perTransfer: perTransfer ?? d.perTransfer, perDay: perDay ?? d.perDay };
}

export async function getLimits(
  db: Queryable,
  cooperativeId: number,
  memberId: bigint,
): Promise<Record<SecurityMedium, Limits>> {
  const { rows } = await db.query<LimitRow>(
    "SELECT otp_per_transfer, otp_per_day, card_per_transfer, card_per_day FROM member_limits WHERE cooperative_id = $1 AND member_id = $2",
    [cooperativeId, memberId],
  );
  return { otp: effective(rows[0], "otp"), card: effective(rows[0], "card") };
}

/**
 * Locks the member's limit row for the rest of the transaction, adds `amount` to the day's running
 * total, and returns the limits in force with the total including this transfer. One statement:
 * it serialises the member's transfers and answers the daily-limit question at once.
 */
export async function chargeDailyTotal(
  tx: Queryable,
  options: { cooperativeId: number; memberId: bigint; medium: SecurityMedium; amount: bigint; at: Date },
): Promise<{ limits: Limits; dayTotal: bigint }> {
  const day = seoulDay(options.at);
  const { rows } = await tx.query<LimitRow & { day: string; day_total: bigint }>(
    `INSERT INTO member_limits AS l (cooperative_id, member_id, day, day_total) VALUES ($1, $2, $3::date, $4)
     ON CONFLICT (cooperative_id, member_id) DO UPDATE SET
       day_total = CASE WHEN l.day IS NULL OR EXCLUDED.day > l.day THEN EXCLUDED.day_total
                        WHEN EXCLUDED.day = l.day THEN l.day_total + EXCLUDED.day_total
                        ELSE l.day_total END,
       day = GREATEST(l.day, EXCLUDED.day)
     RETURNING otp_per_transfer, otp_per_day, card_per_transfer, card_per_day, to_char(day, 'YYYY-MM-DD') AS day, day_total`,
    [options.cooperativeId, options.memberId, day, options.amount],
  );
  const row = rows[0]!;
  // A transfer stamped with an earlier day than the row's (clocks of two servers either side of
  // midnight) is judged against that day's own sum; the row keeps counting the later day.
  const dayTotal =
    row.day === day
      ? row.day_total
      : (await transferredOnDay(tx, options.cooperativeId, options.memberId, options.at)) + options.amount;
  return { limits: effective(row, options.medium), dayTotal };
}

/** The sum of the member's successful transfers on the Seoul calendar day of `at`. */
export async function transferredOnDay(
  tx: Queryable,
  cooperativeId: number,
  memberId: bigint,
  at: Date,
): Promise<bigint> {
  const { start, end } = seoulDayBounds(at);
  const { rows } = await tx.query<{ total: bigint }>(
    `SELECT coalesce(sum(amount), 0)::bigint AS total FROM transfers
     WHERE cooperative_id = $1 AND member_id = $2 AND kind = 'transfer' AND created_at >= $3 AND created_at < $4`,
    [cooperativeId, memberId, start, end],
  );
  return rows[0]!.total;
}

/**
 * A member lowers a limit online; raising one (above their current value, up to the default)
 * takes a visit to a branch, which passes `atBranch`.
 */
export async function setLimits(
  tx: Queryable,
  options: {
    cooperativeId: number;
    memberId: bigint;
    medium: SecurityMedium;
    limits: Limits;
    atBranch: boolean;
  },
): Promise<void> {
  const d = defaultLimits[options.medium];
  const { perTransfer, perDay } = options.limits;
  // Online, a raise is refused as such before the amounts are judged: the member is told to
  // visit a branch, not that the amounts are wrong.
  const current = (await getLimits(tx, options.cooperativeId, options.memberId))[options.medium];
  if (!options.atBranch && (perTransfer > current.perTransfer || perDay > current.perDay)) {
    throw new BankError("limit_raise_needs_branch");
  }
  if (
    perTransfer <= 0n ||
    perDay <= 0n ||
    perTransfer > perDay ||
    perTransfer > d.perTransfer ||
    perDay > d.perDay
  ) {
    throw new BankError("amount_too_large");
  }
  const [a, b] =
    options.medium === "otp" ? ["otp_per_transfer", "otp_per_day"] : ["card_per_transfer", "card_per_day"];
  await tx.query(
    `INSERT INTO member_limits (cooperative_id, member_id, ${a}, ${b}) VALUES ($1, $2, $3, $4)
     ON CONFLICT (cooperative_id, member_id) DO UPDATE SET ${a} = $3, ${b} = $4`,
    [options.cooperativeId, options.memberId, perTransfer, perDay],
  );
}
