// Cooperatives (금고) and their branches, and each cooperative's own accounts: fees it earns, its
// clearing account with the federation (중앙회), and the funding account that stands for capital.
import type { Queryable } from "../db/db.ts";
import { makeAccountNumber } from "./account-number.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";

export type InternalAccountKind = "fee" | "clearing" | "funding";

export interface Cooperative {
  id: number;
  code: string;
  name: string;
  /** The customer-centre number members are sent to (02-1234-5678); null until the cooperative sets it. */
  customerCentrePhone: string | null;
}

const cooperativeColumns = "id, code, name, customer_centre_phone";
type CooperativeRow = { id: number; code: string; name: string; customer_centre_phone: string | null };
const toCooperative = (r: CooperativeRow): Cooperative => ({
  id: r.id,
  code: r.code,
  name: r.name,
  customerCentrePhone: r.customer_centre_phone,
});

const internalAccounts: { kind: InternalAccountKind; serial: number; name: string }[] = [
  { kind: "funding", serial: 1, name: "출자금" },
  { kind: "clearing", serial: 2, name: "중앙회 결제" },
  { kind: "fee", serial: 3, name: "수수료 수입" },
];

/** Member accounts start past the cooperative's own serials. */
export const firstMemberAccountSerial = 1000;

export async function createCooperative(
  ctx: BankContext,
  options: { id: number; code: string; name: string },
): Promise<Cooperative> {
  return ctx.db.transaction(async (tx) => {
    await tx.query("INSERT INTO cooperatives (id, code, name) VALUES ($1, $2, $3)", [
      options.id,
      options.code,
      options.name,
    ]);
    await tx.query("INSERT INTO account_serials (cooperative_id, next_serial) VALUES ($1, $2)", [
      options.id,
      firstMemberAccountSerial,
    ]);
    for (const a of internalAccounts) {
      await tx.query("INSERT INTO accounts (cooperative_id, number, kind, name) VALUES ($1, $2, $3, $4)", [
        options.id,
        makeAccountNumber(options.code, a.serial),
        a.kind,
        a.name,
      ]);
    }
    return { id: options.id, code: options.code, name: options.name, customerCentrePhone: null };
  });
}

export async function createBranch(
  ctx: BankContext,
  options: { cooperativeId: number; id: number; code: string; name: string },
): Promise<void> {
  await ctx.db.query("INSERT INTO branches (cooperative_id, id, code, name) VALUES ($1, $2, $3, $4)", [
    options.cooperativeId,
    options.id,
    options.code,
    options.name,
  ]);
}

export async function findCooperativeByCode(db: Queryable, code: string): Promise<Cooperative> {
  const { rows } = await db.query<CooperativeRow>(
    `SELECT ${cooperativeColumns} FROM cooperatives WHERE code = $1`,
    [code],
  );
  const row = rows[0];
  if (!row) throw new BankError("cooperative_not_found");
  return toCooperative(row);
}

export async function getCooperative(db: Queryable, id: number): Promise<Cooperative> {
  const { rows } = await db.query<CooperativeRow>(
    `SELECT ${cooperativeColumns} FROM cooperatives WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new BankError("cooperative_not_found");
  return toCooperative(row);
}

/** The id of one of a cooperative's own accounts. */
export async function internalAccountId(
  db: Queryable,
  cooperativeId: number,
  kind: InternalAccountKind,
): Promise<bigint> {
  const { rows } = await db.query<{ id: bigint }>(
    "SELECT id FROM accounts WHERE cooperative_id = $1 AND kind = $2 ORDER BY id LIMIT 1",
    [cooperativeId, kind],
  );
  if (!rows[0]) throw new BankError("account_not_found");
  return rows[0].id;
}
