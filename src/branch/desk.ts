// The branch desk: what every counter use case shares. A use case checks that the member belongs
// to the teller's cooperative (anyone else's is "not found"), runs in one transaction, and appends
// its audit entry in that transaction (actor `teller:<tellerId>`; never a resident registration
// number, password or code). The use cases themselves live one to a file beside this one.

import { type AuditDetails, appendAudit } from "../audit/audit-log.ts";
import { TellerError } from "../auth/teller-errors.ts";
import type { BankContext } from "../bank/context.ts";
import { isBankError } from "../bank/errors.ts";
import { getMember, type Member } from "../bank/members.ts";
import type { CaContext } from "../certcenter/context.ts";
import type { Db, Queryable } from "../db/db.ts";
import type { IdDocument } from "./cash-receipt.ts";

/** The teller acting, as the session names them. */
export interface TellerActor {
  cooperativeId: number;
  branchId: number;
  tellerId: string;
}

export interface DeskContext {
  bank: BankContext;
  /** Handed on to the certificate centre, never used by the desk itself. */
  ca: CaContext;
  teller: TellerActor;
}

/** The person at the counter, as the teller saw them: the ID document looked at, and the tick that they did. */
export interface IdCheck {
  document: IdDocument;
  checked: boolean;
}

/** The name of the teller's branch, for what the member is told (본점, 서부지점). */
export async function branchName(tx: Queryable, teller: TellerActor): Promise<string> {
  const { rows } = await tx.query<{ name: string }>(
    "SELECT name FROM branches WHERE cooperative_id = $1 AND id = $2",
    [teller.cooperativeId, teller.branchId],
  );
  return rows[0]!.name;
}

export function tellerActor(tellerId: string): string {
  return `teller:${tellerId}`;
}

/**
 * The caller's transaction as a Db, for bank functions that take a context rather than a
 * transaction: their statements join this transaction (a nested `transaction` runs in it too).
 */
function transactionDb(tx: Queryable, kind: Db["kind"]): Db {
  return {
    kind,
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(tx),
    close: () => Promise.reject(new Error("a transaction is not closed by its users")),
  };
}

/** What a use case returns: its answer, and the audit entry's subject and details. */
export type Audited<T> = { result: T; subject?: string; details?: AuditDetails };

/**
 * Runs `work` in one transaction with the bank context bound to it, and appends the audit entry
 * it returns in the same transaction.
 */
export async function audited<T>(
  ctx: DeskContext,
  action: string,
  work: (bank: BankContext, tx: Queryable) => Promise<Audited<T>>,
): Promise<T> {
  return ctx.bank.db.transaction(async (tx) => {
    const bank: BankContext = { ...ctx.bank, db: transactionDb(tx, ctx.bank.db.kind) };
    const { result, subject, details } = await work(bank, tx);
    await appendAudit(
      tx,
      {
        actor: tellerActor(ctx.teller.tellerId),
        action,
        subject,
        details: { branchId: ctx.teller.branchId, ...details },
      },
      ctx.bank.clock.now(),
    );
    return result;
  });
}

/** The member, if they belong to the teller's cooperative; anyone else's is not found. */
export async function memberOfCooperative(
  bank: BankContext,
  teller: TellerActor,
  memberId: bigint,
): Promise<Member> {
  try {
    return await getMember(bank, teller.cooperativeId, memberId);
  } catch (e) {
    if (isBankError(e, "member_not_found")) throw new TellerError("member_not_found");
    throw e;
  }
}
