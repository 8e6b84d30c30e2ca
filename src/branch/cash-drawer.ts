// The teller's day at the cash drawer (시재): opened with a count, seen by the ledger, closed with a
// count. At the opening, cash the count finds beyond (or short of) what the drawer held at its last
// close came from (or went back to) the branch's vault, and is posted so; at the close, a
// difference is posted to the branch's over/short account (과부족) and shown, never hidden.

import type { AuditDetails } from "../audit/audit-log.ts";
import { TellerError } from "../auth/teller-errors.ts";
import { formatAccountNumber } from "../bank/account-number.ts";
import { branchCashAccounts, drawerOf, findDrawer, ledgerCash } from "../bank/cash.ts";
import type { BankContext } from "../bank/context.ts";
import { postTransfer, type TransferKind } from "../bank/transfer.ts";
import { seoulDay } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import { type DrawerDayRow, drawerDayColumns, lockOpenDay, parseCount, tellerScope } from "./cash-desk.ts";
import { audited, type DeskContext, type TellerActor } from "./desk.ts";

/** One day of a drawer, as the console shows it: won as decimal strings. */
export interface DrawerDayView {
  day: string;
  status: "open" | "closed";
  openedAt: string;
  openingCount: string;
  /** What the ledger said the drawer held when it was opened (carried from its last close). */
  openingLedger: string;
  /** Count less ledger at the opening: cash from the vault (+) or back to it (-). */
  fromVault: string;
  closedAt: string | null;
  closingCount: string | null;
  closingLedger: string | null;
  /** Count less ledger at the close, posted to over/short: over (+) or short (-). */
  difference: string | null;
}

/** A posting that moved the drawer's cash. */
export interface DrawerLine {
  at: string;
  kind: "cash_deposit" | "cash_withdrawal" | "vault_cash" | "over_short";
  /** Cash into the drawer (+) or out of it (-). */
  cash: string;
  /** The customer's account, for a deposit or withdrawal. */
  account: string | null;
  receipt: string | null;
}

export interface DrawerView {
  /** The drawer's own ledger account; null until the teller first opens it. */
  drawerAccount: string | null;
  /** The cash in the drawer by the ledger: the sum of its postings, negated (notes are debits). */
  cash: string;
  /** The day open now, or else today's closed one; null before the first opening of the day. */
  day: DrawerDayView | null;
  /** The day's postings on the drawer, oldest first. */
  lines: DrawerLine[];
}

function dayView(d: DrawerDayRow): DrawerDayView {
  return {
    day: d.business_day,
    status: d.status,
    openedAt: d.opened_at.toISOString(),
    openingCount: d.opening_count.toString(),
    openingLedger: d.opening_ledger.toString(),
    fromVault: (d.opening_count - d.opening_ledger).toString(),
    closedAt: d.closed_at?.toISOString() ?? null,
    closingCount: d.closing_count?.toString() ?? null,
    closingLedger: d.closing_ledger?.toString() ?? null,
    difference:
      d.closing_count !== null && d.closing_ledger !== null
        ? (d.closing_count - d.closing_ledger).toString()
        : null,
  };
}

/**
 * Moves `difference` won of notes into the drawer (+) or out of it (-), against `other` (the vault
 * or the over/short account). Notes in the drawer are a debit: notes coming in are a posting from
 * the drawer to the other account.
 */
async function moveCash(
  bank: BankContext,
  tx: Queryable,
  m: {
    teller: TellerActor;
    drawer: bigint;
    other: bigint;
    difference: bigint;
    kind: TransferKind;
    key: string;
    memo: { drawer: string; other: string };
  },
): Promise<bigint | null> {
  if (m.difference === 0n) return null;
  const coop = m.teller.cooperativeId;
  const drawer = { cooperativeId: coop, accountId: m.drawer };
  const other = { cooperativeId: coop, accountId: m.other };
  const inward = m.difference > 0n;
  const r = await postTransfer(bank, tx, {
    idempotencyKey: m.key,
    actor: tellerScope(m.teller),
    kind: m.kind,
    from: inward ? drawer : other,
    to: inward ? other : drawer,
    amount: inward ? m.difference : -m.difference,
    memoFrom: inward ? m.memo.drawer : m.memo.other,
    memoTo: inward ? m.memo.other : m.memo.drawer,
  });
  return r.transfer.id;
}

/** One opening or closing of this teller's drawer at a time. */
async function lockTeller(tx: Queryable, teller: TellerActor): Promise<void> {
  await tx.query("SELECT 1 FROM tellers WHERE cooperative_id = $1 AND teller_id = $2 FOR NO KEY UPDATE", [
    teller.cooperativeId,
    teller.tellerId,
  ]);
}

function drawerSubject(teller: TellerActor): string {
  return `drawer:${teller.cooperativeId}:${teller.tellerId}`;
}

/**
 * A count of the teller's drawer, at its opening or its close: one at a time for the teller, and
 * audited with the day as `count` leaves it and what `details` takes from it (count, ledger, moved).
 */
async function countDrawer(
  ctx: DeskContext,
  input: { count: string },
  action: string,
  count: (bank: BankContext, tx: Queryable, counted: bigint, now: Date) => Promise<DrawerDayRow>,
  details: (view: DrawerDayView) => AuditDetails,
): Promise<DrawerDayView> {
  const counted = parseCount(input.count);
  return audited(ctx, action, async (bank, tx) => {
    const now = bank.clock.now();
    await lockTeller(tx, ctx.teller);
    const view = dayView(await count(bank, tx, counted, now));
    return { result: view, subject: drawerSubject(ctx.teller), details: { day: view.day, ...details(view) } };
  });
}

/**
 * Opens the teller's drawer for today with the cash counted in it. Once a day: a drawer open
 * already, or closed today, is refused.
 */
export async function openDrawer(ctx: DeskContext, input: { count: string }): Promise<DrawerDayView> {
  const { teller } = ctx;
  return countDrawer(
    ctx,
    input,
    "teller.drawer_open",
    async (bank, tx, count, now) => {
      const open = await tx.query(
        "SELECT 1 FROM drawer_days WHERE cooperative_id = $1 AND teller_id = $2 AND status = 'open'",
        [teller.cooperativeId, teller.tellerId],
      );
      if (open.rows[0]) throw new TellerError("drawer_already_open");
      const today = await tx.query(
        "SELECT 1 FROM drawer_days WHERE cooperative_id = $1 AND teller_id = $2 AND business_day = $3",
        [teller.cooperativeId, teller.tellerId, seoulDay(now)],
      );
      if (today.rows[0]) throw new TellerError("drawer_closed");
      const drawer = await drawerOf(tx, teller.cooperativeId, teller.tellerId);
      const { vault } = await branchCashAccounts(tx, teller.cooperativeId, teller.branchId);
      const carried = await ledgerCash(tx, teller.cooperativeId, drawer.accountId);
      const inserted = await tx.query<{ id: bigint }>(
        `INSERT INTO drawer_days (cooperative_id, teller_id, branch_id, business_day, status, opened_at, opening_count, opening_ledger)
       VALUES ($1, $2, $3, $4, 'open', $5, $6, $7) RETURNING id`,
        [teller.cooperativeId, teller.tellerId, teller.branchId, seoulDay(now), now, count, carried],
      );
      const dayId = inserted.rows[0]!.id;
      const transferId = await moveCash(bank, tx, {
        teller,
        drawer: drawer.accountId,
        other: vault,
        difference: count - carried,
        kind: "vault_cash",
        key: `drawer-open:${dayId}`,
        memo: { drawer: "금고시재", other: "창구시재" },
      });
      const { rows } = await tx.query<DrawerDayRow>(
        `UPDATE drawer_days SET opening_transfer_id = $3 WHERE cooperative_id = $1 AND id = $2
       RETURNING ${drawerDayColumns}`,
        [teller.cooperativeId, dayId, transferId],
      );
      return rows[0]!;
    },
    (view) => ({ count: view.openingCount, ledger: view.openingLedger, fromVault: view.fromVault }),
  );
}

/**
 * Closes the teller's open drawer with the cash counted in it: waits for cash in flight, then
 * posts count less ledger to the branch's over/short account. Closed twice: refused.
 */
export async function closeDrawer(ctx: DeskContext, input: { count: string }): Promise<DrawerDayView> {
  const { teller } = ctx;
  return countDrawer(
    ctx,
    input,
    "teller.drawer_close",
    async (bank, tx, count, now) => {
      const day = await lockOpenDay(tx, teller, "update", now);
      const drawer = await drawerOf(tx, teller.cooperativeId, teller.tellerId);
      const { overShort } = await branchCashAccounts(tx, teller.cooperativeId, day.branch_id);
      const ledger = await ledgerCash(tx, teller.cooperativeId, drawer.accountId);
      const transferId = await moveCash(bank, tx, {
        teller,
        drawer: drawer.accountId,
        other: overShort,
        difference: count - ledger,
        kind: "over_short",
        key: `drawer-close:${day.id}`,
        memo: { drawer: "현금과부족", other: "창구시재 과부족" },
      });
      const { rows } = await tx.query<DrawerDayRow>(
        `UPDATE drawer_days SET status = 'closed', closed_at = $3, closing_count = $4, closing_ledger = $5,
         closing_transfer_id = $6
       WHERE cooperative_id = $1 AND id = $2 RETURNING ${drawerDayColumns}`,
        [teller.cooperativeId, day.id, now, count, ledger, transferId],
      );
      return rows[0]!;
    },
    (view) => ({ count: view.closingCount, ledger: view.closingLedger, difference: view.difference }),
  );
}

type LineRow = {
  kind: DrawerLine["kind"];
  created_at: Date;
  amount: bigint;
  receipt: string | null;
  account: string | null;
};

/** The teller's drawer now: its cash by the ledger, the day open (or today's closed one), its postings. */
export async function drawerDay(ctx: DeskContext): Promise<DrawerView> {
  return audited(ctx, "teller.drawer_view", async (bank, tx) => {
    const { teller } = ctx;
    const drawer = await findDrawer(tx, teller.cooperativeId, teller.tellerId);
    if (!drawer) {
      return {
        result: { drawerAccount: null, cash: "0", day: null, lines: [] },
        subject: drawerSubject(teller),
      };
    }
    const { rows: days } = await tx.query<DrawerDayRow>(
      `SELECT ${drawerDayColumns} FROM drawer_days
       WHERE cooperative_id = $1 AND teller_id = $2 AND (status = 'open' OR business_day = $3)
       ORDER BY status = 'open' DESC, id DESC LIMIT 1`,
      [teller.cooperativeId, teller.tellerId, seoulDay(bank.clock.now())],
    );
    const day = days[0];
    const lines = day
      ? await tx.query<LineRow>(
          `SELECT t.kind, t.created_at, e.amount, r.number AS receipt, a.number AS account
           FROM entries e
           JOIN transfers t ON t.cooperative_id = e.transfer_cooperative_id AND t.id = e.transfer_id
           LEFT JOIN cash_receipts r ON r.cooperative_id = t.cooperative_id AND r.transfer_id = t.id
           LEFT JOIN accounts a ON a.cooperative_id = r.cooperative_id AND a.id = r.account_id
           WHERE e.cooperative_id = $1 AND e.account_id = $2
             AND (r.drawer_day_id = $3 OR t.id = ANY ($4::bigint[]))
           ORDER BY e.id`,
          [
            teller.cooperativeId,
            drawer.accountId,
            day.id,
            [day.opening_transfer_id, day.closing_transfer_id].filter((x) => x !== null).map(String),
          ],
        )
      : { rows: [] };
    const result: DrawerView = {
      drawerAccount: formatAccountNumber(drawer.accountNumber),
      cash: (await ledgerCash(tx, teller.cooperativeId, drawer.accountId)).toString(),
      day: day ? dayView(day) : null,
      lines: lines.rows.map((l) => ({
        at: l.created_at.toISOString(),
        kind: l.kind,
        cash: (-l.amount).toString(),
        account: l.account ? formatAccountNumber(l.account) : null,
        receipt: l.receipt,
      })),
    };
    return { result, subject: drawerSubject(teller), details: { day: day?.business_day ?? null } };
  });
}
