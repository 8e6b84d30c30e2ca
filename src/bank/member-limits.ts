// A member's transfer limits as the member sees them: those of the registered medium with what
// today's transfers used, and lowering them online (raising takes a branch; setLimits says so).
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { getLimits, type SecurityMedium, setLimits, usedOnDay } from "./limits.ts";
import type { MemberRef } from "./member-accounts.ts";
import { registeredMedium } from "./security-medium.ts";

export interface MemberLimits {
  /** The registered medium; with none, nothing can be sent (both limits are zero). */
  medium: SecurityMedium | null;
  perTransfer: bigint;
  perDay: bigint;
  usedToday: bigint;
}

/** The limits in force for the member's medium, and what today's transfers used of them. */
export async function memberLimits(ctx: BankContext, who: MemberRef): Promise<MemberLimits> {
  const medium = await registeredMedium(ctx.db, who);
  const all = await getLimits(ctx.db, who.cooperativeId, who.memberId);
  const usedToday = await usedOnDay(ctx.db, who, ctx.clock.now());
  const limits = medium ? all[medium] : { perTransfer: 0n, perDay: 0n };
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
