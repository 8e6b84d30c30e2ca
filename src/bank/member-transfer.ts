// A member's transfer, start to end: a repeat of an earlier idempotency key answers with the first
// receipt and spends no code; a repeat while the first is still running is refused without checking
// any code (transfer-claims.ts); otherwise the precheck, the passbook PIN and the security medium's
// answer in one commit (made even when they refuse), the caller's signature check, and the posting
// with its notifications in one transaction. Round trips are what a transfer costs the server most
// (docs/benchmarks.md): each statement here is one the rules need.
// The bank knows nothing of certificates: whoever signs transfers supplies the check as a hook, and
// a second hook to keep its evidence in the posting's transaction.
import { type Db, isRetryable, type Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import type { SecurityMedium } from "./limits.ts";
import { type MemberRef, type TransferAccounts, transferAccounts } from "./member-accounts.ts";
import { notifyTransfer } from "./notifications.ts";
import { verifyPin } from "./passbook-pin.ts";
import { verifyMediumIn } from "./security-medium.ts";
import { findExisting, postTransfer, type TransferRequest } from "./transfer.ts";
import { type Claim, claimTransfer, releaseClaim } from "./transfer-claims.ts";
import { precheckAccounts, type TransferIntent } from "./transfer-precheck.ts";
import { type TransferReceipt, transferReceipt } from "./transfer-receipt.ts";

export interface MemberTransferInput extends TransferIntent {
  who: MemberRef;
  idempotencyKey: string;
  /** What the recipient's statement shows (받는 분 통장 표시), or null for the sender's name. */
  memo: string | null;
  /** The withdrawal account's passbook PIN. */
  pin: string;
  /**
   * The member's answer for the registered medium (an OTP code, or the card's four digits); the
   * caller throws its own refusal when the form lacks it.
   */
  mediumAnswer(medium: SecurityMedium): string;
}

export interface MemberTransferHooks {
  /**
   * Runs once the request is known to be new, before any code is checked (a rate limit, say), in
   * the transaction that judges the codes: it commits even when the transfer is refused.
   */
  beforeCodeCheck?(tx: Queryable): Promise<void>;
  /** Checks the transfer's signature before the money moves; throws to refuse it. */
  checkSignature?(transfer: TransferRequest): Promise<void>;
  /**
   * Keeps the caller's evidence of the transfer (its signature, say) in the posting's transaction,
   * once the new transfer's id is known; throws to roll the posting back. Not called for a repeat.
   */
  recordEvidence?(tx: Queryable, transferId: bigint): Promise<void>;
}

export interface MemberTransferResult {
  receipt: TransferReceipt;
  /** True when this request repeated an earlier one and got its receipt. */
  replayed: boolean;
}

/** A transfer already made under this key by this member: its id, when the request matches it. */
async function earlierTransfer(
  ctx: BankContext,
  input: MemberTransferInput,
  want: { from: { cooperativeId: number; id: bigint }; to: { cooperativeId: number; id: bigint } },
): Promise<bigint | undefined> {
  const existing = await findExisting(ctx.db, {
    from: { cooperativeId: input.who.cooperativeId },
    actor: { kind: "member", cooperativeId: input.who.cooperativeId, memberId: input.who.memberId },
    idempotencyKey: input.idempotencyKey,
  });
  if (!existing) return undefined;
  const t = existing.transfer;
  const same =
    t.from.accountId === want.from.id &&
    t.to.cooperativeId === want.to.cooperativeId &&
    t.to.accountId === want.to.id &&
    t.amount === input.amount &&
    existing.memoTo === input.memo;
  if (!same) throw new BankError("idempotency_key_reused");
  return t.id;
}

export async function memberTransfer(
  ctx: BankContext,
  input: MemberTransferInput,
  hooks: MemberTransferHooks = {},
): Promise<MemberTransferResult> {
  const { who } = input;
  const accounts = await transferAccounts(ctx.db, who, { from: input.fromAccount, to: input.toAccount });
  const { from, to } = accounts;
  const replay = async (id: bigint): Promise<MemberTransferResult> => ({
    receipt: await transferReceipt(ctx.db, { cooperativeId: who.cooperativeId, id }),
    replayed: true,
  });

  // A repeat (a retry after a lost answer) gets the first receipt without spending a code.
  const earlier = await earlierTransfer(ctx, input, { from, to });
  if (earlier !== undefined) return replay(earlier);

  // A repeat while the first is still running is refused here, before any code is looked at.
  const claim = await claimTransfer(ctx, {
    cooperativeId: who.cooperativeId,
    scope: { kind: "member", cooperativeId: who.cooperativeId, memberId: who.memberId },
    idempotencyKey: input.idempotencyKey,
    request: [
      from.cooperativeId,
      String(from.id),
      to.cooperativeId,
      String(to.id),
      String(input.amount),
      input.memo,
    ],
  });
  try {
    // The first may have finished between our look and our claim.
    const done = await earlierTransfer(ctx, input, { from, to });
    if (done !== undefined) {
      await releaseClaim(ctx.db, claim);
      return await replay(done);
    }
    // Posted, the claim went in the same transaction.
    return await claimedTransfer(ctx, input, hooks, { accounts, claim });
  } catch (e) {
    // A refused transfer leaves nothing, its claim included, so a retry is judged anew. A claim
    // that cannot be removed now (the database gone) goes stale and is taken over later.
    await releaseClaim(ctx.db, claim).catch(() => {});
    throw e;
  }
}

/**
 * Runs `fn` in a transaction that commits even when `fn` refuses, and throws the refusal after the
 * commit: a wrong PIN's or answer's count, and the rate limit's hit, must outlive the refusal. A
 * deadlock or serialization failure still rolls back, and `fn` runs again.
 */
export async function committingRefusals<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const r = await db.transaction(async (tx): Promise<{ value: T } | { refused: unknown }> => {
    try {
      return { value: await fn(tx) };
    } catch (e) {
      // A failed statement has aborted the transaction: its COMMIT rolls back, which is right too.
      if (isRetryable(e)) throw e;
      return { refused: e };
    }
  });
  if ("refused" in r) throw r.refused;
  return r.value;
}

async function claimedTransfer(
  ctx: BankContext,
  input: MemberTransferInput,
  hooks: MemberTransferHooks,
  held: { accounts: TransferAccounts; claim: Claim },
): Promise<MemberTransferResult> {
  const { who } = input;
  const { from, to, fromName, toName } = held.accounts;
  // The codes are judged in a commit of their own, never the posting's: that one rolls back when
  // the transfer is refused, and a miss must count all the same.
  const proven = await committingRefusals(ctx.db, async (tx) => {
    await hooks.beforeCodeCheck?.(tx);
    const { medium } = await precheckAccounts(ctx, who, { from, to, amount: input.amount }, tx);
    await verifyPin(ctx, from.cooperativeId, from.id, input.pin, tx);
    const answer = input.mediumAnswer(medium);
    return verifyMediumIn(ctx, tx, { cooperativeId: who.cooperativeId, memberId: who.memberId, answer });
  });

  const transfer: TransferRequest = {
    idempotencyKey: input.idempotencyKey,
    actor: { kind: "member", cooperativeId: who.cooperativeId, memberId: who.memberId, medium: proven },
    from: { cooperativeId: from.cooperativeId, accountId: from.id },
    to: { cooperativeId: to.cooperativeId, accountId: to.id },
    amount: input.amount,
    ...(input.memo !== null ? { memoTo: input.memo } : {}),
  };
  await hooks.checkSignature?.(transfer);
  const result = await ctx.db.transaction(async (tx) => {
    const r = await postTransfer(ctx, tx, transfer);
    if (!r.replayed) {
      await hooks.recordEvidence?.(tx, r.transfer.id);
      await notifyTransfer(tx, {
        transferId: r.transfer.id,
        cooperativeId: r.transfer.cooperativeId,
        at: r.transfer.createdAt,
        amount: input.amount,
        from: {
          ...from,
          memberId: who.memberId,
          name: fromName,
          balanceAfter: r.transfer.fromBalanceAfter,
        },
        to: { ...to, name: toName },
      });
    }
    // The transfer appears as the claim goes: a duplicate sees one or the other, never neither.
    await releaseClaim(tx, held.claim);
    return r;
  });
  if (result.replayed) {
    return { receipt: await transferReceipt(ctx.db, result.transfer), replayed: true };
  }
  // What transferReceipt would read back, known already: the posting wrote it.
  const t = result.transfer;
  const receipt: TransferReceipt = {
    id: t.id,
    at: t.createdAt,
    fromAccount: from.number,
    toAccount: to.number,
    recipientName: toName,
    amount: t.amount,
    balanceAfter: t.fromBalanceAfter,
    memo: input.memo,
  };
  return { receipt, replayed: false };
}
