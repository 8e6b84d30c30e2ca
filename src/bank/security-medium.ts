// A member's security medium, kept: registering an OTP device or handing out a security card at a
// branch, asking for and checking an answer before a transfer, and the lock after five wrong
// answers in a row, which only a re-verification at a branch lifts (DESIGN.md §3).
import type { Queryable } from "../db/db.ts";
import type { BankContext } from "./context.ts";
import { BankError } from "./errors.ts";
import type { SecurityMedium } from "./limits.ts";
import { seal, unseal } from "./seal.ts";
import {
  newChallenge,
  newSecurityCard,
  type SecurityCard,
  type SecurityCardChallenge,
  verifyChallenge,
} from "./security-card.ts";
import { newTotpSecret, totpUri, verifyTotp } from "./totp.ts";

export const mediumFailuresMax = 5;

interface MediumRow {
  kind: SecurityMedium;
  secret_sealed: Uint8Array;
  last_used_step: bigint | null;
  challenge_first: number | null;
  challenge_second: number | null;
  failures: number;
}

async function store(
  ctx: BankContext,
  who: { cooperativeId: number; memberId: bigint },
  kind: SecurityMedium,
  secret: Uint8Array,
  cardSerial: string | null,
): Promise<void> {
  await ctx.db.query(
    `INSERT INTO security_media (cooperative_id, member_id, kind, secret_sealed, card_serial, registered_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (cooperative_id, member_id) DO UPDATE SET kind = $3, secret_sealed = $4, card_serial = $5,
       registered_at = $6, failures = 0, last_used_step = NULL, challenge_first = NULL, challenge_second = NULL`,
    [
      who.cooperativeId,
      who.memberId,
      kind,
      seal(ctx.rrnKeys.encryption, `medium:${kind}`, secret),
      cardSerial,
      ctx.clock.now(),
    ],
  );
}

/** Registers a new OTP device; the secret is returned once, for the device (or its QR code). */
export async function registerOtp(
  ctx: BankContext,
  who: { cooperativeId: number; memberId: bigint; account: string; issuer: string },
): Promise<{ secret: Uint8Array; uri: string }> {
  const secret = newTotpSecret();
  await store(ctx, who, "otp", secret, null);
  return { secret, uri: totpUri({ secret, account: who.account, issuer: who.issuer }) };
}

/** Hands out a new security card (the old one stops working); returned once, to print. */
export async function issueSecurityCard(
  ctx: BankContext,
  who: { cooperativeId: number; memberId: bigint },
): Promise<SecurityCard> {
  const card = newSecurityCard();
  await store(ctx, who, "card", Buffer.from(JSON.stringify(card), "utf8"), card.serial);
  return card;
}

/** The kind of medium the member has registered, or null with none. */
export async function registeredMedium(
  db: Queryable,
  who: { cooperativeId: number; memberId: bigint },
): Promise<SecurityMedium | null> {
  const { rows } = await db.query<{ kind: SecurityMedium }>(
    "SELECT kind FROM security_media WHERE cooperative_id = $1 AND member_id = $2",
    [who.cooperativeId, who.memberId],
  );
  return rows[0]?.kind ?? null;
}

async function lockRow(tx: Queryable, cooperativeId: number, memberId: bigint): Promise<MediumRow> {
  const { rows } = await tx.query<MediumRow>(
    `SELECT kind, secret_sealed, last_used_step, challenge_first, challenge_second, failures
     FROM security_media WHERE cooperative_id = $1 AND member_id = $2 FOR UPDATE`,
    [cooperativeId, memberId],
  );
  if (!rows[0]) throw new BankError("medium_not_registered");
  return rows[0];
}

/**
 * What the transfer form asks for: nothing more for OTP (the member reads the device), or the two
 * code numbers of the security card, remembered until answered.
 */
export async function mediumChallenge(
  ctx: BankContext,
  who: { cooperativeId: number; memberId: bigint },
): Promise<{ kind: "otp" } | { kind: "card"; challenge: SecurityCardChallenge }> {
  return ctx.db.transaction(async (tx) => {
    const row = await lockRow(tx, who.cooperativeId, who.memberId);
    if (row.failures >= mediumFailuresMax) throw new BankError("medium_locked");
    if (row.kind === "otp") return { kind: "otp" as const };
    const challenge =
      row.challenge_first && row.challenge_second
        ? { first: row.challenge_first, second: row.challenge_second }
        : newChallenge();
    await tx.query(
      "UPDATE security_media SET challenge_first = $3, challenge_second = $4 WHERE cooperative_id = $1 AND member_id = $2",
      [who.cooperativeId, who.memberId, challenge.first, challenge.second],
    );
    return { kind: "card" as const, challenge };
  });
}

/**
 * Checks the member's answer and returns the medium it proves, for the transfer's limits. A wrong
 * answer counts (and is written even though the call fails); the fifth in a row locks. An OTP code
 * of a step already used is refused `otp_reused` and not counted.
 */
export async function verifyMedium(
  ctx: BankContext,
  who: { cooperativeId: number; memberId: bigint; answer: string },
): Promise<SecurityMedium> {
  // Judged and committed first, refused after: a wrong answer's count must outlive the refusal.
  return verdict(await ctx.db.transaction((tx) => judgeMedium(ctx, tx, who)));
}

/**
 * verifyMedium in the caller's transaction, which must commit even when this throws (a wrong
 * answer counts): member-transfer.ts judges the PIN and the medium in one such commit.
 */
export async function verifyMediumIn(
  ctx: BankContext,
  tx: Queryable,
  who: { cooperativeId: number; memberId: bigint; answer: string },
): Promise<SecurityMedium> {
  return verdict(await judgeMedium(ctx, tx, who));
}

type Judged =
  | { error: undefined; kind: SecurityMedium }
  | { error: "medium_locked"; kind: undefined }
  | { error: "otp_reused"; kind: undefined }
  | { error: "medium_wrong"; kind: undefined; remaining: number };

function verdict(outcome: Judged): SecurityMedium {
  if (outcome.error === "medium_wrong") throw new BankError("medium_wrong", { remaining: outcome.remaining });
  if (outcome.error === "medium_locked") throw new BankError("medium_locked");
  if (outcome.error === "otp_reused") throw new BankError("otp_reused");
  return outcome.kind;
}

async function judgeMedium(
  ctx: BankContext,
  tx: Queryable,
  who: { cooperativeId: number; memberId: bigint; answer: string },
): Promise<Judged> {
  const row = await lockRow(tx, who.cooperativeId, who.memberId);
  if (row.failures >= mediumFailuresMax) return { error: "medium_locked" as const, kind: undefined };
  let ok = false;
  let replayed = false;
  let step: number | undefined;
  const secret = unseal(ctx.rrnKeys.encryption, `medium:${row.kind}`, row.secret_sealed);
  if (row.kind === "otp") {
    const v = verifyTotp({
      secret,
      code: who.answer,
      at: ctx.clock.now(),
      ...(row.last_used_step !== null ? { lastUsedStep: Number(row.last_used_step) } : {}),
    });
    ok = v.ok;
    if (v.ok) step = v.step;
    else replayed = v.reason === "replayed";
  } else if (row.challenge_first && row.challenge_second) {
    const card = JSON.parse(Buffer.from(secret).toString("utf8")) as SecurityCard;
    ok = verifyChallenge(card, { first: row.challenge_first, second: row.challenge_second }, who.answer);
  }
  if (ok) {
    // A card challenge is good for one answer: the next transfer gets new numbers.
    await tx.query(
      `UPDATE security_media SET failures = 0, last_used_step = coalesce($3, last_used_step),
           challenge_first = NULL, challenge_second = NULL WHERE cooperative_id = $1 AND member_id = $2`,
      [who.cooperativeId, who.memberId, step ?? null],
    );
    return { kind: row.kind, error: undefined };
  }
  // The right code of a step already spent is the member's own, typed again before the device
  // moved on (or a double send): not a guess, so it is neither counted nor called wrong.
  if (replayed) return { error: "otp_reused" as const, kind: undefined };
  const { rows } = await tx.query<{ failures: number }>(
    "UPDATE security_media SET failures = failures + 1 WHERE cooperative_id = $1 AND member_id = $2 RETURNING failures",
    [who.cooperativeId, who.memberId],
  );
  const failures = rows[0]!.failures;
  return failures >= mediumFailuresMax
    ? { error: "medium_locked" as const, kind: undefined }
    : { error: "medium_wrong" as const, kind: undefined, remaining: mediumFailuresMax - failures };
}

/** A teller lifts the lock after re-verifying the member in person. */
export async function unlockMedium(
  ctx: BankContext,
  who: { cooperativeId: number; memberId: bigint },
): Promise<void> {
  const r = await ctx.db.query(
    "UPDATE security_media SET failures = 0 WHERE cooperative_id = $1 AND member_id = $2",
    [who.cooperativeId, who.memberId],
  );
  if (r.rowCount === 0) throw new BankError("medium_not_registered");
}
