// Members of a cooperative: real name, resident registration number (encrypted, indexed, masked),
// contact details. A member's number never leaves this module whole.
import type { Queryable } from "../db/db.ts";
import { isForeignKeyViolation, isUniqueViolation } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import { type Cooperative, getCooperative } from "./federation.ts";
import { decryptRrn, encryptRrn, maskRrn, normalizeRrn, rrnIndex } from "./rrn-vault.ts";

export interface Member {
  cooperativeId: number;
  id: bigint;
  branchId: number;
  realName: string;
  /** 900101-1******: the only form a read path gives. */
  rrnMasked: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  createdAt: Date;
}

export interface NewMember {
  cooperativeId: number;
  branchId: number;
  realName: string;
  rrn: string;
  phone?: string;
  email?: string;
  address?: string;
}

interface MemberRow {
  cooperative_id: number;
  id: bigint;
  branch_id: number;
  real_name: string;
  rrn_ciphertext: Uint8Array;
  phone: string | null;
  email: string | null;
  address: string | null;
  created_at: Date;
}

const memberColumns =
  "cooperative_id, id, branch_id, real_name, rrn_ciphertext, phone, email, address, created_at";

function toMember(ctx: BankContext, row: MemberRow): Member {
  return {
    cooperativeId: row.cooperative_id,
    id: row.id,
    branchId: row.branch_id,
    realName: row.real_name,
    rrnMasked: maskRrn(decryptRrn(ctx.rrnKeys, row.rrn_ciphertext)),
    phone: row.phone,
    email: row.email,
    address: row.address,
    createdAt: row.created_at,
  };
}

export async function createMember(ctx: BankContext, m: NewMember, tx: Queryable = ctx.db): Promise<Member> {
  const rrn = normalizeRrn(m.rrn);
  try {
    const { rows } = await tx.query<MemberRow>(
      `INSERT INTO members (cooperative_id, branch_id, real_name, rrn_ciphertext, rrn_index, phone, email, address, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${memberColumns}`,
      [
        m.cooperativeId,
        m.branchId,
        m.realName,
        encryptRrn(ctx.rrnKeys, rrn),
        rrnIndex(ctx.rrnKeys, rrn),
        m.phone ?? null,
        m.email ?? null,
        m.address ?? null,
        ctx.clock.now(),
      ],
    );
    return toMember(ctx, rows[0]!);
  } catch (e) {
    if (isUniqueViolation(e)) throw new BankError("member_exists");
    if (isForeignKeyViolation(e)) throw new BankError("branch_not_found");
    throw e;
  }
}

export async function getMember(ctx: BankContext, cooperativeId: number, id: bigint): Promise<Member> {
  const { rows } = await ctx.db.query<MemberRow>(
    `SELECT ${memberColumns} FROM members WHERE cooperative_id = $1 AND id = $2`,
    [cooperativeId, id],
  );
  if (!rows[0]) throw new BankError("member_not_found");
  return toMember(ctx, rows[0]);
}

/** The member's own record with the cooperative, as "my information" shows it. */
export async function memberProfile(
  ctx: BankContext,
  who: { cooperativeId: number; memberId: bigint },
): Promise<{ member: Member; cooperative: Cooperative }> {
  const member = await getMember(ctx, who.cooperativeId, who.memberId);
  return { member, cooperative: await getCooperative(ctx.db, who.cooperativeId) };
}

/** The member's real name, or undefined for no such member (cheaper than getMember: nothing to decrypt). */
export async function memberName(
  db: Queryable,
  who: { cooperativeId: number; memberId: bigint },
): Promise<string | undefined> {
  const { rows } = await db.query<{ real_name: string }>(
    "SELECT real_name FROM members WHERE cooperative_id = $1 AND id = $2",
    [who.cooperativeId, who.memberId],
  );
  return rows[0]?.real_name;
}

/** The member with this number in this cooperative, or undefined. */
export async function findMemberByRrn(
  ctx: BankContext,
  cooperativeId: number,
  rrn: string,
): Promise<Member | undefined> {
  const { rows } = await ctx.db.query<MemberRow>(
    `SELECT ${memberColumns} FROM members WHERE cooperative_id = $1 AND rrn_index = $2`,
    [cooperativeId, rrnIndex(ctx.rrnKeys, normalizeRrn(rrn))],
  );
  return rows[0] ? toMember(ctx, rows[0]) : undefined;
}

/**
 * Whether the number given is the member's: for identity proofing (a teller checking an ID card,
 * the certificate centre). Answers yes or no; the number itself is never returned.
 */
export async function memberRrnMatches(
  ctx: BankContext,
  cooperativeId: number,
  id: bigint,
  rrn: string,
): Promise<boolean> {
  const { rows } = await ctx.db.query<{ rrn_index: Uint8Array }>(
    "SELECT rrn_index FROM members WHERE cooperative_id = $1 AND id = $2",
    [cooperativeId, id],
  );
  if (!rows[0]) throw new BankError("member_not_found");
  return Buffer.from(rows[0].rrn_index).equals(Buffer.from(rrnIndex(ctx.rrnKeys, normalizeRrn(rrn))));
}

/**
 * The whole number, for the one use that needs it: the CA's VID computation at issuance. Callers
 * must not log or store it.
 */
export async function revealRrnForVid(ctx: BankContext, cooperativeId: number, id: bigint): Promise<string> {
  const { rows } = await ctx.db.query<{ rrn_ciphertext: Uint8Array }>(
    "SELECT rrn_ciphertext FROM members WHERE cooperative_id = $1 AND id = $2",
    [cooperativeId, id],
  );
  if (!rows[0]) throw new BankError("member_not_found");
  return decryptRrn(ctx.rrnKeys, rows[0].rrn_ciphertext);
}

/** The parts of a member's record the counter may change (src/branch/change-member-details.ts). */
export interface MemberDetails {
  realName: string;
  phone: string | null;
  email: string | null;
  address: string | null;
}

/**
 * The member's changeable details, the row locked for the caller's transaction: two tellers
 * changing the same member one after the other each see what the other wrote.
 */
export async function lockMemberDetails(
  tx: Queryable,
  who: { cooperativeId: number; memberId: bigint },
): Promise<MemberDetails> {
  const { rows } = await tx.query<{
    real_name: string;
    phone: string | null;
    email: string | null;
    address: string | null;
  }>(
    "SELECT real_name, phone, email, address FROM members WHERE cooperative_id = $1 AND id = $2 FOR UPDATE",
    [who.cooperativeId, who.memberId],
  );
  const r = rows[0];
  if (!r) throw new BankError("member_not_found");
  return { realName: r.real_name, phone: r.phone, email: r.email, address: r.address };
}

/** Writes the given details over the member's (the others stay). */
export async function updateMemberDetails(
  tx: Queryable,
  who: { cooperativeId: number; memberId: bigint },
  change: Partial<MemberDetails>,
): Promise<void> {
  const columns = { realName: "real_name", phone: "phone", email: "email", address: "address" } as const;
  const set = (Object.keys(columns) as (keyof MemberDetails)[]).filter((k) => change[k] !== undefined);
  if (set.length === 0) return;
  await tx.query(
    `UPDATE members SET ${set.map((k, i) => `${columns[k]} = $${i + 3}`).join(", ")}
     WHERE cooperative_id = $1 AND id = $2`,
    [who.cooperativeId, who.memberId, ...set.map((k) => change[k])],
  );
}
