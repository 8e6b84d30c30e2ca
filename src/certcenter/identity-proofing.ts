// Online identity proofing for a logged-in member (DESIGN §4; the certificate centre's 본인확인,
// before a web issuance and, later, a reissue): the resident registration number (compared through
// the bank's blind index, never read back), an account of the member's own with its passbook PIN,
// and the registered security medium (OTP or security card). The bank's lockouts apply to the PIN
// and the medium; wrong numbers are counted here, five in a row lock online proofing for a day.
// Each wrong answer says how many tries remain ({ remaining, max }), as a transfer's do.
import type { Account } from "../bank/accounts.ts";
import type { BankContext } from "../bank/context.ts";
import { BankError, isBankError } from "../bank/errors.ts";
import type { SecurityMedium } from "../bank/limits.ts";
import { type MemberRef, ownAccount } from "../bank/member-accounts.ts";
import { memberRrnMatches } from "../bank/members.ts";
import { verifyPin } from "../bank/passbook-pin.ts";
import { mediumFailuresMax, registeredMedium, verifyMedium } from "../bank/security-medium.ts";
import { CertcenterError } from "./errors.ts";

/** Wrong resident registration numbers in a row before online proofing locks. */
export const rrnMissesMax = 5;
/** How long the lock lasts from the last wrong number (a branch can still issue on an ID card). */
export const proofingLockMs = 86_400_000;

export interface ProofingAnswers {
  /** 13 digits, with or without the hyphen. Never logged, never stored. */
  rrn: string;
  /** One of the member's own accounts, and its passbook PIN. */
  account: string;
  pin: string;
  /** The answer for the registered medium: an OTP code, or the security card's four digits. */
  mediumAnswer(medium: SecurityMedium): string;
}

export interface ProvenIdentity {
  /** The account the member proved with its PIN. */
  account: Account;
  medium: SecurityMedium;
}

/** Refused while five wrong numbers in a row are less than a day old. */
async function assertNotLocked(bank: BankContext, who: MemberRef): Promise<void> {
  const { rows } = await bank.db.query<{ misses: number; last_miss_at: Date }>(
    "SELECT misses, last_miss_at FROM certcenter_proofing_misses WHERE cooperative_id = $1 AND member_id = $2",
    [who.cooperativeId, who.memberId],
  );
  const row = rows[0];
  if (
    row &&
    row.misses >= rrnMissesMax &&
    bank.clock.now().getTime() - row.last_miss_at.getTime() < proofingLockMs
  ) {
    throw new CertcenterError("proofing_locked");
  }
}

/**
 * Counts a wrong number in one statement (concurrent tries are counted one after another); a count
 * whose lock has run out starts again at one.
 */
async function countMiss(bank: BankContext, who: MemberRef): Promise<never> {
  const now = bank.clock.now();
  const { rows } = await bank.db.query<{ misses: number }>(
    `INSERT INTO certcenter_proofing_misses (cooperative_id, member_id, misses, last_miss_at)
     VALUES ($1, $2, 1, $3)
     ON CONFLICT (cooperative_id, member_id) DO UPDATE
       SET misses = CASE WHEN certcenter_proofing_misses.misses >= $4
                           AND certcenter_proofing_misses.last_miss_at <= $5 THEN 1
                         ELSE certcenter_proofing_misses.misses + 1 END,
           last_miss_at = $3
     RETURNING misses`,
    [who.cooperativeId, who.memberId, now, rrnMissesMax, new Date(now.getTime() - proofingLockMs)],
  );
  const misses = rows[0]!.misses;
  if (misses >= rrnMissesMax) throw new CertcenterError("proofing_locked");
  throw new CertcenterError("rrn_mismatch", { remaining: rrnMissesMax - misses, max: rrnMissesMax });
}

/** The medium's refusal with the tries left and the most there are, as transfers answer it. */
function mediumRefusal(e: unknown): unknown {
  if (isBankError(e, "medium_wrong") && typeof e.details?.remaining === "number") {
    return new BankError("medium_wrong", { remaining: e.details.remaining, max: mediumFailuresMax });
  }
  return e;
}

/**
 * Proves the logged-in member's identity, or throws the first refusal: CertcenterError
 * rrn_mismatch / proofing_locked, BankError account_not_found (another member's account answers as
 * one that does not exist), pin_wrong / pin_locked, medium_not_registered / medium_wrong /
 * medium_locked / otp_reused. Every check that fails is counted before the refusal.
 */
export async function proveIdentity(
  bank: BankContext,
  who: MemberRef,
  answers: ProofingAnswers,
): Promise<ProvenIdentity> {
  await assertNotLocked(bank, who);
  if (!(await memberRrnMatches(bank, who.cooperativeId, who.memberId, answers.rrn))) {
    return countMiss(bank, who);
  }
  await bank.db.query("DELETE FROM certcenter_proofing_misses WHERE cooperative_id = $1 AND member_id = $2", [
    who.cooperativeId,
    who.memberId,
  ]);
  const account = await ownAccount(bank.db, who, answers.account);
  if (account.status !== "active") throw new BankError("account_not_active");
  await verifyPin(bank, account.cooperativeId, account.id, answers.pin);
  const medium = await registeredMedium(bank.db, who);
  if (medium === null) throw new BankError("medium_not_registered");
  const proven = await verifyMedium(bank, { ...who, answer: answers.mediumAnswer(medium) }).catch(
    (e: unknown) => {
      throw mediumRefusal(e);
    },
  );
  return { account, medium: proven };
}
