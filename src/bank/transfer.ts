// Moving money: one transfer is one database transaction of double-entry postings that sum to zero.
//
// Locking: the accounts a transfer touches are locked with SELECT … FOR NO KEY UPDATE in one
// statement, sorted by (cooperative_id, id), so two transfers never wait on each other in a cycle;
// a member's transfers also lock that member's limit row, so the daily sum cannot go stale. NO KEY:
// the foreign keys of transfers and entries take KEY SHARE locks on the accounts they name, and
// plain FOR UPDATE would conflict with those and deadlock (seen under load; NO KEY does not).
// READ COMMITTED suffices under those locks. Picked by measurement (docs/benchmarks.md, 20
// callers on PostgreSQL): the same postings under SERIALIZABLE with retries ran at a quarter of
// the rate on 2 hot accounts (113 against 439 a second) and 70% of it on 10,000 (1,107 against
// 1,542); locking rows in the order a request names them deadlocked nearly every transfer on hot
// accounts.
//
// Idempotency: the transfer row, with its (scope, key) unique, is written first; a concurrent
// repeat waits on that index entry and then finds the first result. A repeat with other content is
// refused. Only successes are recorded: a refused transfer leaves nothing, so a retry is judged anew.
//
// Between cooperatives, money goes through each one's clearing account with the federation, as
// settlement does, so each leg stays within one cooperative's data (DESIGN.md §2).
import { createHash } from "node:crypto";
import { isForeignKeyViolation, type Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { assert, BankError } from "./errors.ts";
import { chargeDailyTotal, type SecurityMedium } from "./limits.ts";

export interface AccountRef {
  cooperativeId: number;
  accountId: bigint;
}

export type TransferActor =
  | { kind: "member"; cooperativeId: number; memberId: bigint; medium: SecurityMedium }
  | TellerScope
  | { kind: "system" };

/** A teller at the counter: cash in and out of their drawer, under their own idempotency keys. */
export interface TellerScope {
  kind: "teller";
  cooperativeId: number;
  tellerId: string;
}

export type TransferKind =
  | "transfer"
  | "fee"
  | "deposit"
  | "hold_capture"
  | "cash_deposit"
  | "cash_withdrawal"
  | "vault_cash"
  | "over_short";

export interface TransferRequest {
  idempotencyKey: string;
  actor: TransferActor;
  from: AccountRef;
  to: AccountRef;
  amount: bigint;
  kind?: TransferKind;
  /** What the recipient's statement shows (받는 분 통장 표시); default: the sender's name. */
  memoTo?: string;
  /** What the sender's statement shows (내 통장 표시); default: the recipient's name. */
  memoFrom?: string;
}

export interface Transfer {
  cooperativeId: number;
  id: bigint;
  kind: TransferKind;
  from: AccountRef;
  to: AccountRef;
  amount: bigint;
  memberId: bigint | null;
  createdAt: Date;
  /** The sender's balance right after this transfer. */
  fromBalanceAfter: bigint;
}

export interface TransferResult {
  transfer: Transfer;
  /** True when this request repeated an earlier one and got its result. */
  replayed: boolean;
}

/** Larger than any real amount (one quadrillion won); smaller than bigint trouble anywhere. */
export const transferAmountMax = 1_000_000_000_000_000n;
export const memoLengthMax = 20;
export const idempotencyKeyLengthMax = 100;

/** Whose idempotency keys a request's key is one of: a member's own, or the system's. */
export type IdempotencyScope =
  | { kind: "member"; cooperativeId: number; memberId: bigint }
  | TellerScope
  | { kind: "system" };

/** The scope's name as the transfers (and transfer_claims) tables store it. */
export function scopeOf(actor: IdempotencyScope): string {
  if (actor.kind === "member") return `member:${actor.cooperativeId}:${actor.memberId}`;
  if (actor.kind === "teller") return `teller:${actor.cooperativeId}:${actor.tellerId}`;
  return "system";
}

function requestHash(r: TransferRequest): Uint8Array {
  const canonical = JSON.stringify([
    r.kind ?? "transfer",
    r.from.cooperativeId,
    String(r.from.accountId),
    r.to.cooperativeId,
    String(r.to.accountId),
    String(r.amount),
    r.memoTo ?? null,
    r.memoFrom ?? null,
    r.actor.kind === "member" ? r.actor.medium : null,
  ]);
  return new Uint8Array(createHash("sha256").update(canonical).digest());
}

interface LockedAccount {
  cooperative_id: number;
  id: bigint;
  member_id: bigint | null;
  kind: string;
  status: string;
  name: string;
  balance: bigint;
  held: bigint;
  overdraft_limit: bigint;
  owner_name: string | null;
}

interface Posting {
  ref: AccountRef;
  amount: bigint;
  description: string;
}

function key(ref: AccountRef): string {
  return `${ref.cooperativeId}:${ref.accountId}`;
}

async function lockAccounts(tx: Queryable, refs: AccountRef[]): Promise<Map<string, LockedAccount>> {
  const unique = [...new Map(refs.map((r) => [key(r), r])).values()];
  const coops = unique.map((r) => r.cooperativeId);
  const ids = unique.map((r) => r.accountId.toString());
  const { rows } = await tx.query<LockedAccount>(
    `SELECT a.cooperative_id, a.id, a.member_id, a.kind, a.status, a.name, a.balance, a.held, a.overdraft_limit,
            m.real_name AS owner_name
     FROM accounts a
     JOIN unnest($1::int[], $2::bigint[]) AS want (cooperative_id, id) ON want.cooperative_id = a.cooperative_id AND want.id = a.id
     LEFT JOIN members m ON m.cooperative_id = a.cooperative_id AND m.id = a.member_id
     ORDER BY a.cooperative_id, a.id
     FOR NO KEY UPDATE OF a`,
    [coops, ids],
  );
  return new Map(rows.map((r) => [key({ cooperativeId: r.cooperative_id, accountId: r.id }), r]));
}

function validate(r: TransferRequest): void {
  if (r.amount <= 0n) throw new BankError("amount_must_be_positive");
  if (r.amount > transferAmountMax) throw new BankError("amount_too_large");
  if (r.from.cooperativeId === r.to.cooperativeId && r.from.accountId === r.to.accountId) {
    throw new BankError("same_account");
  }
  if ((r.memoTo?.length ?? 0) > memoLengthMax || (r.memoFrom?.length ?? 0) > memoLengthMax) {
    throw new BankError("memo_too_long");
  }
  assert(
    r.idempotencyKey.length > 0 && r.idempotencyKey.length <= idempotencyKeyLengthMax,
    "idempotency key length",
  );
}

/**
 * The transfer made earlier under this idempotency key in this scope, with its request hash and
 * the recipient's memo (a caller that compares requests before the medium is known needs it).
 */
export async function findExisting(
  db: Queryable,
  r: { from: { cooperativeId: number }; actor: IdempotencyScope; idempotencyKey: string },
): Promise<{ transfer: Transfer; hash: Uint8Array; memoTo: string | null } | undefined> {
  const { rows } = await db.query<{
    cooperative_id: number;
    id: bigint;
    kind: TransferKind;
    from_account_id: bigint;
    to_cooperative_id: number;
    to_account_id: bigint;
    amount: bigint;
    member_id: bigint | null;
    created_at: Date;
    request_hash: Uint8Array;
    memo_to: string | null;
    balance_after: bigint;
  }>(
    `SELECT t.*, e.balance_after FROM transfers t
     JOIN entries e ON e.transfer_cooperative_id = t.cooperative_id AND e.transfer_id = t.id
       AND e.cooperative_id = t.cooperative_id AND e.account_id = t.from_account_id
     WHERE t.cooperative_id = $1 AND t.idempotency_scope = $2 AND t.idempotency_key = $3`,
    [r.from.cooperativeId, scopeOf(r.actor), r.idempotencyKey],
  );
  const t = rows[0];
  if (!t) return undefined;
  return {
    hash: t.request_hash,
    memoTo: t.memo_to,
    transfer: {
      cooperativeId: t.cooperative_id,
      id: t.id,
      kind: t.kind,
      from: { cooperativeId: t.cooperative_id, accountId: t.from_account_id },
      to: { cooperativeId: t.to_cooperative_id, accountId: t.to_account_id },
      amount: t.amount,
      memberId: t.member_id,
      createdAt: t.created_at,
      fromBalanceAfter: t.balance_after,
    },
  };
}

function replayOrRefuse(
  existing: { transfer: Transfer; hash: Uint8Array },
  hash: Uint8Array,
): TransferResult {
  if (!Buffer.from(existing.hash).equals(Buffer.from(hash))) throw new BankError("idempotency_key_reused");
  return { transfer: existing.transfer, replayed: true };
}

/** Posts the transfer inside the caller's transaction (holds capture through here too). */
export async function postTransfer(
  ctx: BankContext,
  tx: Queryable,
  r: TransferRequest,
): Promise<TransferResult> {
  validate(r);
  const hash = requestHash(r);
  const now = ctx.clock.now();
  const kind = r.kind ?? "transfer";
  const actor = r.actor;

  // Written first: a concurrent repeat now waits on this key until we commit or roll back, and a
  // repeat of a committed request finds the key taken and answers with the first result.
  const created = await tx
    .query<{ id: bigint }>(
      `INSERT INTO transfers (cooperative_id, idempotency_scope, idempotency_key, request_hash, kind, member_id,
       from_account_id, to_cooperative_id, to_account_id, amount, medium, memo_from, memo_to, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (cooperative_id, idempotency_scope, idempotency_key) DO NOTHING
     RETURNING id`,
      [
        r.from.cooperativeId,
        scopeOf(actor),
        r.idempotencyKey,
        hash,
        kind,
        actor.kind === "member" ? actor.memberId : null,
        r.from.accountId,
        r.to.cooperativeId,
        r.to.accountId,
        r.amount,
        actor.kind === "member" ? actor.medium : null,
        r.memoFrom ?? null,
        r.memoTo ?? null,
        now,
      ],
    )
    .catch((e: unknown) => {
      // Foreign keys name the accounts: a missing one is the caller's mistake, not ours.
      if (isForeignKeyViolation(e)) throw new BankError("account_not_found");
      throw e;
    });
  if (!created.rows[0]) {
    const existing = await findExisting(tx, r);
    assert(existing, "a taken idempotency key names a transfer");
    return replayOrRefuse(existing, hash);
  }
  const transferId = created.rows[0].id;

  const crossing = r.from.cooperativeId !== r.to.cooperativeId;
  let clearingFrom: AccountRef | undefined;
  let clearingTo: AccountRef | undefined;
  if (crossing) {
    const { rows } = await tx.query<{ cooperative_id: number; id: bigint }>(
      "SELECT cooperative_id, id FROM accounts WHERE kind = 'clearing' AND cooperative_id IN ($1, $2)",
      [r.from.cooperativeId, r.to.cooperativeId],
    );
    const of = (coop: number) => rows.find((x) => x.cooperative_id === coop);
    const f = of(r.from.cooperativeId);
    const t = of(r.to.cooperativeId);
    if (!f || !t) throw new BankError("account_not_found");
    clearingFrom = { cooperativeId: f.cooperative_id, accountId: f.id };
    clearingTo = { cooperativeId: t.cooperative_id, accountId: t.id };
  }

  if (actor.kind === "member") {
    // The limit row first: it serialises this member's transfers before any account lock is taken.
    const { limits, dayTotal } = await chargeDailyTotal(tx, {
      cooperativeId: actor.cooperativeId,
      memberId: actor.memberId,
      medium: actor.medium,
      amount: r.amount,
      at: now,
    });
    if (r.amount > limits.perTransfer)
      throw new BankError("exceeds_transfer_limit", { limit: limits.perTransfer });
    if (dayTotal > limits.perDay) {
      throw new BankError("exceeds_daily_limit", { limit: limits.perDay, used: dayTotal - r.amount });
    }
  }

  const locked = await lockAccounts(tx, [
    r.from,
    r.to,
    ...(clearingFrom ? [clearingFrom] : []),
    ...(clearingTo ? [clearingTo] : []),
  ]);
  const from = locked.get(key(r.from));
  const to = locked.get(key(r.to));
  if (!from || !to) throw new BankError("account_not_found");
  if (
    actor.kind === "member" &&
    (from.member_id !== actor.memberId || from.cooperative_id !== actor.cooperativeId)
  ) {
    throw new BankError("not_account_owner");
  }
  if (from.status !== "active") throw new BankError("account_not_active", { account: "from" });
  if (to.status === "closed") throw new BankError("account_closed", { account: "to" });
  // Funding and clearing stand for money outside the ledger. Cash accounts keep their notes as a
  // negative balance (migration 0030): a posting out of a drawer is notes coming into it.
  const floorFree = ["funding", "clearing", "cash", "vault", "over_short"].includes(from.kind);
  if (!floorFree && from.balance - from.held + from.overdraft_limit < r.amount) {
    throw new BankError("insufficient_funds");
  }
  // A drawer cannot hand out more notes than it holds.
  if (to.kind === "cash" && to.balance + r.amount > 0n) {
    throw new BankError("cash_insufficient", { cash: -to.balance });
  }

  const senderName = from.owner_name ?? from.name;
  const recipientName = to.owner_name ?? to.name;
  const postings: Posting[] = [
    { ref: r.from, amount: -r.amount, description: r.memoFrom ?? recipientName },
    ...(clearingFrom ? [{ ref: clearingFrom, amount: r.amount, description: recipientName }] : []),
    ...(clearingTo ? [{ ref: clearingTo, amount: -r.amount, description: senderName }] : []),
    { ref: r.to, amount: r.amount, description: r.memoTo ?? senderName },
  ];
  assert(postings.reduce((s, p) => s + p.amount, 0n) === 0n, "postings sum to zero");

  // All postings in two statements: the balances, then the entries with the balances they left.
  const { rows: balances } = await tx.query<{ cooperative_id: number; id: bigint; balance: bigint }>(
    `UPDATE accounts a SET balance = a.balance + p.amount
     FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS p (cooperative_id, id, amount)
     WHERE a.cooperative_id = p.cooperative_id AND a.id = p.id
     RETURNING a.cooperative_id, a.id, a.balance`,
    [
      postings.map((p) => p.ref.cooperativeId),
      postings.map((p) => p.ref.accountId),
      postings.map((p) => p.amount),
    ],
  );
  assert(balances.length === postings.length, "every posting updated one account");
  const after = new Map(
    balances.map((b) => [key({ cooperativeId: b.cooperative_id, accountId: b.id }), b.balance]),
  );
  const balanceAfter = postings.map((p) => after.get(key(p.ref))!);
  await tx.query(
    `INSERT INTO entries (cooperative_id, account_id, transfer_cooperative_id, transfer_id, amount, balance_after, description, created_at)
     SELECT p.cooperative_id, p.account_id, $7, $8, p.amount, p.balance_after, p.description, $9
     FROM unnest($1::int[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::int[])
       AS p (cooperative_id, account_id, amount, balance_after, description, ord)
     ORDER BY p.ord`,
    [
      postings.map((p) => p.ref.cooperativeId),
      postings.map((p) => p.ref.accountId),
      postings.map((p) => p.amount),
      balanceAfter,
      postings.map((p) => p.description),
      postings.map((_, i) => i),
      r.from.cooperativeId,
      transferId,
      now,
    ],
  );
  const fromBalanceAfter = balanceAfter[0]!;

  return {
    replayed: false,
    transfer: {
      cooperativeId: r.from.cooperativeId,
      id: transferId,
      kind,
      from: r.from,
      to: r.to,
      amount: r.amount,
      memberId: actor.kind === "member" ? actor.memberId : null,
      createdAt: now,
      fromBalanceAfter,
    },
  };
}

/** A transfer in its own transaction; a repeat of the same request returns the first result. */
export async function transfer(ctx: BankContext, r: TransferRequest): Promise<TransferResult> {
  validate(r);
  return ctx.db.transaction((tx) => postTransfer(ctx, tx, r));
}
