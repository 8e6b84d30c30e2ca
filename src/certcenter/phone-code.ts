// A reissue's additional check (DESIGN §4 "Reissue"): a one-time code sent to the
// member's registered phone through the message sender. Six digits, good for 3 minutes, ended by 5
// wrong tries, used once, bound to the session that asked for it. Stored as HMAC-SHA-256 under a
// key derived from the PIN key, which lives apart from the database (DESIGN §3): a stolen table
// alone gives no code away, though there are only a million of them. The code itself appears only
// in the message; nothing here logs it.
import { createHmac, randomBytes, randomInt } from "node:crypto";
import type { BankContext } from "../bank/context.ts";
import { liveCertificate } from "../ca/certificates.ts";
import type { CaContext } from "../ca/context.ts";
import { holderOf } from "./authorize.ts";
import { requireConsents } from "./consents.ts";
import { CertcenterError } from "./errors.ts";
import type { MessageSender } from "./message-sender.ts";

export const phoneCodeLifetimeMs = 3 * 60_000;
export const phoneCodeMaxTries = 5;
export const phoneCodeDigits = 6;

export interface PhoneCodeRequester {
  cooperativeId: number;
  memberId: bigint;
  /** The session asking; only the same session may use the code. */
  sessionId: string;
}

/** Where the code went, masked as the member may see it, and until when it is good. */
export interface PhoneCodeSent {
  sentTo: string;
  expiresAt: Date;
}

/** 010-1234-5678 → 010-****-5678: enough for the member to recognise the phone, no more. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 8) return "*".repeat(digits.length);
  return `${digits.slice(0, 3)}-****-${digits.slice(-4)}`;
}

/** The MAC key of phone codes, derived from the PIN key so that the two uses never share a key. */
function codeKey(bank: BankContext): Buffer {
  return createHmac("sha256", bank.pinKey).update("geumgo/reissue-phone-code/v1").digest();
}

function codeMac(bank: BankContext, who: PhoneCodeRequester, nonce: Uint8Array, code: string): Buffer {
  return createHmac("sha256", codeKey(bank))
    .update(`${who.cooperativeId}\u0000${who.memberId}\u0000`)
    .update(nonce)
    .update(`\u0000${code}`)
    .digest();
}

/**
 * Sends a new code to the member's registered phone, replacing any earlier one. Refused before any
 * message is sent to a member who has not agreed to the terms in force (consent_required: the
 * reissue the code is for would be refused anyway); refused when the member has no phone registered
 * (no_phone), or no valid, unexpired certificate of the purpose to reissue (no_certificate), or
 * when the sender fails (sender_unavailable). The caller rate-limits.
 */
export async function sendReissuePhoneCode(
  ctx: { bank: BankContext; ca: CaContext; sender: MessageSender },
  who: PhoneCodeRequester,
  purpose: "bank" | "universal",
): Promise<PhoneCodeSent> {
  const { bank, ca } = ctx;
  await requireConsents(bank.db, who);
  const now = bank.clock.now();
  const live = await liveCertificate(ca.db, holderOf(who.cooperativeId, who.memberId), purpose);
  if (live?.status !== "valid" || live.notAfter.getTime() <= now.getTime()) {
    throw new CertcenterError("no_certificate");
  }
  const { rows } = await bank.db.query<{ phone: string | null }>(
    "SELECT phone FROM members WHERE cooperative_id = $1 AND id = $2",
    [who.cooperativeId, who.memberId],
  );
  const phone = rows[0]?.phone;
  if (!phone) throw new CertcenterError("no_phone");

  const code = String(randomInt(0, 10 ** phoneCodeDigits)).padStart(phoneCodeDigits, "0");
  const nonce = randomBytes(16);
  const expiresAt = new Date(now.getTime() + phoneCodeLifetimeMs);
  await bank.db.query(
    `INSERT INTO reissue_phone_codes (cooperative_id, member_id, session_id, nonce, code_mac, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (cooperative_id, member_id) DO UPDATE SET session_id = $3, nonce = $4, code_mac = $5,
       created_at = $6, expires_at = $7, failed_tries = 0, used_at = NULL`,
    [who.cooperativeId, who.memberId, who.sessionId, nonce, codeMac(bank, who, nonce, code), now, expiresAt],
  );
  try {
    await ctx.sender.send({
      channel: "sms",
      to: phone,
      purpose: "reissue_code",
      body:
        `[금고] 인증서 재발급 인증번호 [${code}] 3분 안에 입력해 주세요. 누구에게도 알려주지 마세요. ` +
        `[Geumgo] Certificate reissue code ${code}: enter it within 3 minutes. Never tell it to anyone.`,
    });
  } catch {
    // The gateway's error may quote the message, code and all: only that it failed travels on.
    throw new CertcenterError("sender_unavailable");
  }
  return { sentTo: maskPhone(phone), expiresAt };
}

/**
 * Checks the code the member typed, using it up when right. Throws CertcenterError:
 * phone_code_missing (none sent to this session, or used), phone_code_expired, phone_code_spent
 * (five wrong), phone_code_wrong (details.remaining). Each wrong try is counted in the same
 * statement that compares, so concurrent tries each count and a right code is used once.
 */
export async function verifyReissuePhoneCode(
  bank: BankContext,
  who: PhoneCodeRequester,
  code: string,
): Promise<void> {
  const now = bank.clock.now();
  const found = await bank.db.query<{ nonce: Uint8Array }>(
    "SELECT nonce FROM reissue_phone_codes WHERE cooperative_id = $1 AND member_id = $2 AND session_id = $3",
    [who.cooperativeId, who.memberId, who.sessionId],
  );
  const nonce = found.rows[0]?.nonce;
  if (!nonce) throw new CertcenterError("phone_code_missing");
  // A code that is not six digits is still a wrong try: it is counted like any other.
  const mac = codeMac(bank, who, nonce, /^[0-9]{6}$/.test(code) ? code : "-");
  const { rows } = await bank.db.query<{ failed_tries: number; used: boolean }>(
    `UPDATE reissue_phone_codes SET
       failed_tries = failed_tries + CASE WHEN code_mac = $5 THEN 0 ELSE 1 END,
       used_at = CASE WHEN code_mac = $5 THEN $6::timestamptz ELSE NULL END
     WHERE cooperative_id = $1 AND member_id = $2 AND session_id = $3 AND nonce = $4
       AND used_at IS NULL AND failed_tries < ${phoneCodeMaxTries} AND expires_at > $6
     RETURNING failed_tries, used_at IS NOT NULL AS used`,
    [who.cooperativeId, who.memberId, who.sessionId, nonce, mac, now],
  );
  const row = rows[0];
  if (row?.used) return;
  if (row) {
    const remaining = phoneCodeMaxTries - row.failed_tries;
    if (remaining <= 0) throw new CertcenterError("phone_code_spent");
    throw new CertcenterError("phone_code_wrong", { remaining });
  }
  // Nothing changed: say why, from the row as it is now.
  const state = await bank.db.query<{ used: boolean; failed_tries: number; expires_at: Date }>(
    `SELECT used_at IS NOT NULL AS used, failed_tries, expires_at FROM reissue_phone_codes
      WHERE cooperative_id = $1 AND member_id = $2 AND session_id = $3 AND nonce = $4`,
    [who.cooperativeId, who.memberId, who.sessionId, nonce],
  );
  const s = state.rows[0];
  if (!s || s.used) throw new CertcenterError("phone_code_missing");
  if (s.failed_tries >= phoneCodeMaxTries) throw new CertcenterError("phone_code_spent");
  throw new CertcenterError("phone_code_expired");
}
