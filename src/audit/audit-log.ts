// The audit log: append an entry inside the transaction whose action it records, and verify the
// whole chain. Each hash is SHA-256(previous hash ‖ seq as 8 bytes ‖ payload), payload being the
// canonical JSON of the entry, so verification needs nothing but the rows. The database computes
// the hash as it moves the head (one statement an append, under the head's row lock); this module
// computes it again to verify.
import { createHash } from "node:crypto";
import type { Queryable } from "../db/db.ts";

export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

export interface AuditEntry {
  actor: string;
  action: string;
  subject?: string | undefined;
  details?: AuditDetails;
}

const zeroHash = new Uint8Array(32);

/** JSON with object keys sorted, so the same entry always yields the same bytes. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function chainHash(prev: Uint8Array, seq: bigint, payload: string): Uint8Array {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(seq);
  return new Uint8Array(createHash("sha256").update(prev).update(seqBytes).update(payload, "utf8").digest());
}

/** The canonical payload of an entry: exactly the bytes the chain hashes. */
function payloadOf(entry: AuditEntry, at: Date): string {
  return canonical({
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? null,
    details: entry.details ?? {},
  });
}

/**
 * One append as two WITH items (audit_next, audit_entry), with its parameters from $`first` on,
 * for a statement that also makes the change the entry records: both or neither, in one round
 * trip. `guard`, SQL over the statement's other WITH items, says whether the entry is written
 * (say, `EXISTS (SELECT 1 FROM target)`). The head's UPDATE takes its row lock, so concurrent
 * appends queue there and form one sequence; its SET reads the old row, hence prev_hash.
 */
export function auditAppendCtes(
  entry: AuditEntry,
  at: Date,
  first: number,
  guard = "true",
): { sql: string; params: unknown[] } {
  const p = (i: number) => `$${first + i}`;
  return {
    sql: `audit_next AS (
        UPDATE audit_head SET prev_hash = hash, seq = seq + 1,
          hash = sha256(hash || int8send(seq + 1) || convert_to(${p(0)}::text, 'UTF8'))
        WHERE ${guard}
        RETURNING seq, prev_hash, hash),
      audit_entry AS (
        INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash)
        SELECT seq, ${p(1)}::timestamptz, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text, ${p(0)}::text, prev_hash, hash
          FROM audit_next
        RETURNING seq)`,
    params: [payloadOf(entry, at), at, entry.actor, entry.action, entry.subject ?? null],
  };
}

/** Appends one entry in the caller's transaction (or as a statement of its own); returns its sequence number. */
export async function appendAudit(tx: Queryable, entry: AuditEntry, at: Date): Promise<bigint> {
  const audit = auditAppendCtes(entry, at, 1);
  const { rows } = await tx.query<{ seq: bigint }>(
    `WITH ${audit.sql} SELECT seq FROM audit_entry`,
    audit.params,
  );
  return rows[0]!.seq;
}

export type AuditVerification =
  | { ok: true; entries: number; head: string }
  | { ok: false; seq: bigint; problem: "gap" | "link" | "hash" | "columns" | "head" };

/** Walks the chain from the first entry; reports the first entry where it breaks. */
export async function verifyAudit(db: Queryable, pageSize = 5000): Promise<AuditVerification> {
  let prev: Uint8Array = zeroHash;
  let expected = 1n;
  for (;;) {
    const { rows } = await db.query<{
      seq: bigint;
      at: Date;
      actor: string;
      action: string;
      subject: string | null;
      payload: string;
      prev_hash: Uint8Array;
      hash: Uint8Array;
    }>(
      "SELECT seq, at, actor, action, subject, payload, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2",
      [expected, pageSize],
    );
    for (const r of rows) {
      if (r.seq !== expected) return { ok: false, seq: expected, problem: "gap" };
      if (!Buffer.from(r.prev_hash).equals(Buffer.from(prev)))
        return { ok: false, seq: r.seq, problem: "link" };
      if (!Buffer.from(chainHash(prev, r.seq, r.payload)).equals(Buffer.from(r.hash))) {
        return { ok: false, seq: r.seq, problem: "hash" };
      }
      const p = JSON.parse(r.payload) as {
        at: string;
        actor: string;
        action: string;
        subject: string | null;
      };
      if (
        p.at !== r.at.toISOString() ||
        p.actor !== r.actor ||
        p.action !== r.action ||
        p.subject !== r.subject
      ) {
        return { ok: false, seq: r.seq, problem: "columns" };
      }
      prev = new Uint8Array(r.hash);
      expected++;
    }
    if (rows.length < pageSize) break;
  }
  const head = await db.query<{ seq: bigint; hash: Uint8Array }>("SELECT seq, hash FROM audit_head");
  const h = head.rows[0]!;
  // The head names the last entry: entries cut off the end show here.
  if (h.seq !== expected - 1n || !Buffer.from(h.hash).equals(Buffer.from(prev))) {
    return { ok: false, seq: expected, problem: "head" };
  }
  return { ok: true, entries: Number(expected - 1n), head: Buffer.from(prev).toString("hex") };
}
