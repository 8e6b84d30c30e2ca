// Publishing the issuing CA's full CRL (RFC 5280 §5): every certificate on hold or revoked, signed
// with a CRL number that only rises, valid for a day, republished on every revocation and by the
// scheduler once half its life is gone, so relying parties never meet an expired one.
import type { Queryable } from "../db/db.ts";
import { toBytes } from "../pki/bytes.ts";
import { buildCrl, type CrlEntry, type RevocationReason } from "../pki/crl.ts";
import { type CaContext, issuingCa } from "./context.ts";

/** A CRL's nextUpdate is a day after its thisUpdate (DESIGN.md §4: at least daily). */
export const crlValidityMs = 24 * 3_600_000;
/** Republished when less than this is left of it: half its life. */
export const crlRefreshMarginMs = 12 * 3_600_000;
/** Old CRLs kept beside the newest (each can be megabytes); the newest carries the number on. */
const crlsKept = 10;
/** Every publisher takes this transaction lock, so numbers are handed out one after another. */
const crlLockId = 0x67636c72; // "gclr"

export interface PublishedCrl {
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: number;
  der: Uint8Array;
}

async function revokedEntries(tx: Queryable, issuerKeyId: number): Promise<CrlEntry[]> {
  const { rows } = await tx.query<{
    serial: Uint8Array;
    revoked_at: Date;
    revocation_reason: RevocationReason;
  }>(
    `SELECT serial, revoked_at, revocation_reason FROM certificates
      WHERE issuer_key_id = $1 AND status IN ('hold', 'revoked') ORDER BY revoked_at, serial`,
    [issuerKeyId],
  );
  return rows.map((r) => ({
    serialNumber: toBytes(r.serial),
    revokedAt: r.revoked_at,
    reason: r.revocation_reason,
  }));
}

/**
 * Builds, signs and records a new CRL. Publishers queue on a transaction-scoped advisory lock, and
 * each reads the certificates only once it holds the lock: so a later number never lists less than
 * an earlier one, and no number is used twice.
 */
export async function publishCrl(ca: CaContext): Promise<PublishedCrl> {
  const issuing = await issuingCa(ca);
  return ca.db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [crlLockId]);
    const last = await tx.query<{ n: bigint | null }>("SELECT max(crl_number) AS n FROM crls");
    const thisUpdate = ca.clock.now();
    // At least the time in seconds: a database restored without its crls table still numbers on
    // past every CRL it published before (RFC 5280 §5.2.3: the number only rises).
    const next = (last.rows[0]?.n ?? 0n) + 1n;
    const bySeconds = BigInt(Math.floor(thisUpdate.getTime() / 1000));
    const crlNumber = next > bySeconds ? next : bySeconds;
    const entries = await revokedEntries(tx, issuing.id);
    const nextUpdate = new Date(thisUpdate.getTime() + crlValidityMs);
    const der = await buildCrl({
      issuer: {
        certificate: issuing.certificate,
        privateKey: issuing.privateKey,
        algorithm: issuing.algorithm,
      },
      crlNumber: Number(crlNumber),
      thisUpdate,
      nextUpdate,
      entries,
    });
    await tx.query(
      `INSERT INTO crls (crl_number, issuer_key_id, this_update, next_update, entries, der)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [crlNumber, issuing.id, thisUpdate, nextUpdate, entries.length, der],
    );
    await tx.query(
      "DELETE FROM crls WHERE crl_number < (SELECT crl_number FROM crls ORDER BY crl_number DESC OFFSET $1 LIMIT 1)",
      [crlsKept - 1],
    );
    return { crlNumber, thisUpdate, nextUpdate, entries: entries.length, der };
  });
}

interface CrlHead {
  crl_number: bigint;
  this_update: Date;
  next_update: Date;
  entries: number;
}

async function latestHead(ca: CaContext, issuerKeyId: number): Promise<CrlHead | undefined> {
  const { rows } = await ca.db.query<CrlHead>(
    `SELECT crl_number, this_update, next_update, entries FROM crls
      WHERE issuer_key_id = $1 ORDER BY crl_number DESC LIMIT 1`,
    [issuerKeyId],
  );
  return rows[0];
}

/**
 * Whether a new CRL is due: there is none, the newest has less than half its life left, or it
 * plainly misses a change (another count of entries, or a revocation after it), as when a process
 * died between committing a revocation and republishing.
 */
export async function crlNeedsRefresh(ca: CaContext): Promise<boolean> {
  const issuing = await issuingCa(ca);
  const head = await latestHead(ca, issuing.id);
  if (!head || head.next_update.getTime() - ca.clock.now().getTime() < crlRefreshMarginMs) return true;
  const { rows } = await ca.db.query<{ n: bigint; latest: Date | null }>(
    `SELECT count(*) AS n, max(revoked_at) AS latest FROM certificates
      WHERE issuer_key_id = $1 AND status IN ('hold', 'revoked')`,
    [issuing.id],
  );
  const now = rows[0]!;
  return Number(now.n) !== head.entries || (now.latest !== null && now.latest > head.this_update);
}

/** Publishes a new CRL when one is due (for the scheduler); returns it, or undefined when none was due. */
export async function refreshCrlIfDue(ca: CaContext): Promise<PublishedCrl | undefined> {
  return (await crlNeedsRefresh(ca)) ? publishCrl(ca) : undefined;
}

/** The last CRL read per context: a CRL can be megabytes, and it changes only with its number. */
const lastRead = new WeakMap<CaContext, PublishedCrl>();

/**
 * The CRL to serve: the newest, or a new one when there is none yet or the newest has expired
 * (the scheduler was down), so a relying party is never handed a stale list.
 */
export async function currentCrl(ca: CaContext): Promise<PublishedCrl> {
  const issuing = await issuingCa(ca);
  const head = await latestHead(ca, issuing.id);
  if (!head || head.next_update.getTime() <= ca.clock.now().getTime()) {
    const fresh = await publishCrl(ca);
    lastRead.set(ca, fresh);
    return fresh;
  }
  const cached = lastRead.get(ca);
  if (cached && cached.crlNumber === head.crl_number) return cached;
  const { rows } = await ca.db.query<{ der: Uint8Array }>("SELECT der FROM crls WHERE crl_number = $1", [
    head.crl_number,
  ]);
  // Pruned between the two reads by a newer publication: read again.
  if (!rows[0]) return currentCrl(ca);
  const crl: PublishedCrl = {
    crlNumber: head.crl_number,
    thisUpdate: head.this_update,
    nextUpdate: head.next_update,
    entries: head.entries,
    der: toBytes(rows[0].der),
  };
  lastRead.set(ca, crl);
  return crl;
}
