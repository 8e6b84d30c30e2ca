// Account statements (거래내역서): every posting in a period, oldest first, with the period's
// opening and closing balances and totals; and the statement as CSV. statement-pdf.ts prints it.
import { dayMs, formatSeoulDateTime, isSeoulMidnight } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import { cooperativeCodeOf, formatAccountNumber } from "./account-number.ts";
import { type Account, type AccountKind, getAccount } from "./accounts.ts";
import type { BankContext } from "./context.ts";
import { assert, BankError } from "./errors.ts";
import { findCooperativeByCode } from "./federation.ts";
import { accountHistory, type HistoryEntry, historyPageSizeMax } from "./history.ts";
import { getMember } from "./members.ts";

export interface StatementOptions {
  cooperativeId: number;
  accountId: bigint;
  /** Inclusive start and exclusive end instants, e.g. from seoulDateRange. */
  from: Date;
  to: Date;
  issuedAt: Date;
  /** At most this many rows are listed (the newest ones); default statementRowsMax. */
  rowsMax?: number;
}

/** Beyond this a statement stops listing rows and says so; the totals still cover the whole period. */
export const statementRowsMax = 10_000;

export interface StatementTotals {
  /** Postings in the period, including any left out of the listing. */
  count: number;
  totalIn: bigint;
  totalOut: bigint;
  /** The balance just before the period's first posting (or at its start when it has none). */
  opening: bigint;
  /** The balance after the period's last posting (equal to opening when it has none). */
  closing: bigint;
}

export interface Statement {
  cooperativeName: string;
  holderName: string;
  /** Formatted, 9002-1234-5678-9. */
  accountNumber: string;
  accountKindName: string;
  /** The product's own name when it differs from the kind's (a savings plan's name, say). */
  accountName: string;
  from: Date;
  to: Date;
  issuedAt: Date;
  /** Oldest first. When `truncated`, the newest `rowsMax` of the period. */
  entries: HistoryEntry[];
  truncated: boolean;
  totals: StatementTotals;
}

const accountKindNames: Record<AccountKind, string> = {
  demand: "보통예금",
  savings: "정기적금",
  fee: "수수료 수입",
  clearing: "중앙회 결제",
  funding: "출자금",
  cash: "창구시재",
  vault: "금고시재",
  over_short: "현금과부족",
};

/**
 * The period as a person reads it: whole Seoul days as "first ~ last" (the exclusive end shown as
 * the day before it), anything else as exact times with the end marked exclusive.
 */
export function formatPeriod(from: Date, to: Date): string {
  if (isSeoulMidnight(from) && isSeoulMidnight(to)) {
    const lastDay = new Date(to.getTime() - dayMs);
    return `${formatSeoulDateTime(from).slice(0, 10)} ~ ${formatSeoulDateTime(lastDay).slice(0, 10)}`;
  }
  return `${formatSeoulDateTime(from)} ~ ${formatSeoulDateTime(to)} (미포함)`;
}

/**
 * Everything a statement shows, read in one REPEATABLE READ snapshot so that the pages of history,
 * the totals and the balance before the period agree even while transfers keep posting.
 */
export async function loadStatement(ctx: BankContext, options: StatementOptions): Promise<Statement> {
  const rowsMax = options.rowsMax ?? statementRowsMax;
  assert(Number.isInteger(rowsMax) && rowsMax > 0 && rowsMax <= statementRowsMax, "statement rowsMax");
  if (!(options.from < options.to)) throw new BankError("bad_date_range");
  const { cooperativeId, accountId, from, to } = options;

  const read = await ctx.db.transaction(
    async (tx) => {
      const account = await getAccount(tx, cooperativeId, accountId);
      const cooperative = await findCooperativeByCode(tx, cooperativeCodeOf(account.number));
      // History comes newest first; walk back page by page until the period's start or the cap.
      const newestFirst: HistoryEntry[] = [];
      let before: bigint | undefined;
      do {
        const page = await accountHistory(tx, {
          cooperativeId,
          accountId,
          from,
          to,
          ...(before === undefined ? {} : { before }),
          limit: historyPageSizeMax,
        });
        newestFirst.push(...page.entries);
        before = page.nextCursor;
      } while (before !== undefined && newestFirst.length < rowsMax);
      const truncated = before !== undefined || newestFirst.length > rowsMax;
      const listed = newestFirst.slice(0, rowsMax).reverse();
      const totals = await periodTotals(tx, { account, from, to, listed, truncated });
      return { account, cooperativeName: cooperative.name, listed, truncated, totals };
    },
    { isolation: "repeatable read" },
  );

  const { account } = read;
  // A member account shows its holder; the cooperative's own accounts show the cooperative.
  const holderName =
    account.memberId === null
      ? read.cooperativeName
      : (await getMember(ctx, cooperativeId, account.memberId)).realName;
  return {
    cooperativeName: read.cooperativeName,
    holderName,
    accountNumber: formatAccountNumber(account.number),
    accountKindName: accountKindNames[account.kind],
    accountName: account.name,
    from,
    to,
    issuedAt: options.issuedAt,
    entries: read.listed,
    truncated: read.truncated,
    totals: read.totals,
  };
}

/**
 * The period's totals. The ledger's order is the entry id (each balance_after follows from the one
 * before it by id), so the opening balance is the first posting's balance_after less its amount.
 * With no posting in the period, it is the balance after the last posting before the period (0 for
 * an account with none), and the closing balance equals it. When the listing was cut short, the
 * count and sums come from the database over the whole period, and the opening balance follows
 * from the closing one, which the newest listed row still gives exactly.
 */
async function periodTotals(
  tx: Queryable,
  p: { account: Account; from: Date; to: Date; listed: HistoryEntry[]; truncated: boolean },
): Promise<StatementTotals> {
  const first = p.listed[0];
  const last = p.listed[p.listed.length - 1];
  if (!first || !last) {
    const earlier = await accountHistory(tx, {
      cooperativeId: p.account.cooperativeId,
      accountId: p.account.id,
      to: p.from,
      limit: 1,
    });
    const balance = earlier.entries[0]?.balanceAfter ?? 0n;
    return { count: 0, totalIn: 0n, totalOut: 0n, opening: balance, closing: balance };
  }
  let count = p.listed.length;
  let totalIn = 0n;
  let totalOut = 0n;
  if (p.truncated) {
    const { rows } = await tx.query<{ n: bigint; money_in: bigint; money_out: bigint }>(
      `SELECT count(*)::bigint AS n,
              coalesce(sum(amount) FILTER (WHERE amount > 0), 0)::bigint AS money_in,
              coalesce(-sum(amount) FILTER (WHERE amount < 0), 0)::bigint AS money_out
       FROM entries
       WHERE cooperative_id = $1 AND account_id = $2 AND created_at >= $3 AND created_at < $4`,
      [p.account.cooperativeId, p.account.id, p.from, p.to],
    );
    const r = rows[0]!;
    count = Number(r.n);
    totalIn = r.money_in;
    totalOut = r.money_out;
  } else {
    for (const e of p.listed) {
      if (e.amount > 0n) totalIn += e.amount;
      else totalOut -= e.amount;
    }
  }
  const closing = last.balanceAfter;
  const opening = p.truncated ? closing - totalIn + totalOut : first.balanceAfter - first.amount;
  // The running balances must carry the opening balance to the closing one through the postings.
  assert(opening + totalIn - totalOut === closing, "statement balances follow the postings");
  return { count, totalIn, totalOut, opening, closing };
}

// --- CSV ---------------------------------------------------------------------------------------

/** Makes Excel on Korean Windows read the file as UTF-8 rather than the ANSI code page (CP949). */
const utf8Bom = "\uFEFF";
const csvColumns = 5;

/**
 * A text field as RFC 4180 wants it, after the formula-injection defence: a spreadsheet runs a
 * cell that starts with = + - @ (or tab or CR, which some strip first) as a formula, so such text
 * gets a leading apostrophe, which Excel shows as plain text (OWASP's advice for CSV injection).
 */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Amounts as plain integers, so a spreadsheet sums them; a zero is left blank. */
function csvAmount(value: bigint, blankIfZero = false): string {
  return blankIfZero && value === 0n ? "" : value.toString();
}

function csvRecord(fields: string[]): string {
  // Every record has the same number of fields (RFC 4180 §2.4), so any CSV reader takes the file.
  assert(fields.length <= csvColumns, "csv record width");
  return [...fields, ...Array<string>(csvColumns - fields.length).fill("")].join(",");
}

export function renderStatementCsv(s: Statement): string {
  const t = s.totals;
  const records: string[][] = [
    [csvText("거래내역서 (Statement of transactions)")],
    [csvText("금고"), csvText(s.cooperativeName)],
    [csvText("예금주"), csvText(s.holderName)],
    [csvText("계좌번호"), csvText(s.accountNumber)],
    [csvText("예금종류"), csvText(kindLabel(s))],
    [csvText("조회기간"), csvText(formatPeriod(s.from, s.to))],
    [csvText("발급일시"), csvText(formatSeoulDateTime(s.issuedAt))],
  ];
  if (s.truncated) records.push([csvText("비고"), csvText(truncationNote(s))]);
  records.push([], ["거래일시", "적요", "출금", "입금", "잔액"].map(csvText));
  for (const e of s.entries) {
    records.push([
      formatSeoulDateTime(e.at),
      csvText(e.description),
      csvAmount(e.amount < 0n ? -e.amount : 0n, true),
      csvAmount(e.amount > 0n ? e.amount : 0n, true),
      csvAmount(e.balanceAfter),
    ]);
  }
  records.push(
    [],
    [csvText("거래건수"), String(t.count)],
    [csvText("입금합계"), csvAmount(t.totalIn)],
    [csvText("출금합계"), csvAmount(t.totalOut)],
    [csvText("기초잔액"), csvAmount(t.opening)],
    [csvText("기말잔액"), csvAmount(t.closing)],
  );
  return `${utf8Bom}${records.map(csvRecord).join("\r\n")}\r\n`;
}

/** "보통예금", or "적금 (우리아이 적금)" when the product has a name of its own. */
export function kindLabel(s: Statement): string {
  return s.accountName && s.accountName !== s.accountKindName
    ? `${s.accountKindName} (${s.accountName})`
    : s.accountKindName;
}

export function truncationNote(s: Statement): string {
  return `기간 중 거래 ${s.totals.count.toLocaleString("en-US")}건 가운데 최근 ${s.entries.length.toLocaleString("en-US")}건만 표시합니다. 합계와 잔액은 기간 전체 기준입니다. 기간을 나누어 발급하세요.`;
}

export async function statementCsv(ctx: BankContext, options: StatementOptions): Promise<string> {
  return renderStatementCsv(await loadStatement(ctx, options));
}
