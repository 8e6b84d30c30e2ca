// A statement (거래내역서) of one of the member's own accounts over whole Seoul days, as CSV or
// PDF. A statement covers at most a year (and lists at most statementRowsMax postings).
import { dayMs } from "../calendar/seoul-day.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { seoulDateRange } from "./history.ts";
import { type MemberRef, ownAccount } from "./member-accounts.ts";
import { statementCsv } from "./statement.ts";
import { statementPdf } from "./statement-pdf.ts";

export const statementDaysMax = 366;

export interface MemberStatementRequest {
  accountNumber: string;
  /** YYYY-MM-DD Seoul days, both included. */
  fromDay: string;
  toDay: string;
  format: "csv" | "pdf";
}

export type MemberStatement = { accountNumber: string } & (
  | { format: "csv"; csv: string }
  | { format: "pdf"; pdf: Uint8Array }
);

export async function memberStatement(
  ctx: BankContext,
  who: MemberRef,
  request: MemberStatementRequest,
): Promise<MemberStatement> {
  const account = await ownAccount(ctx.db, who, request.accountNumber);
  const range = seoulDateRange(request.fromDay, request.toDay);
  if (range.to.getTime() - range.from.getTime() > statementDaysMax * dayMs) {
    throw new BankError("bad_date_range");
  }
  const options = {
    cooperativeId: account.cooperativeId,
    accountId: account.id,
    ...range,
    issuedAt: ctx.clock.now(),
  };
  return request.format === "csv"
    ? { accountNumber: account.number, format: "csv", csv: await statementCsv(ctx, options) }
    : { accountNumber: account.number, format: "pdf", pdf: await statementPdf(ctx, options) };
}
