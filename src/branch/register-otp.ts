// An OTP device registered at the counter as the member's security medium.
import { enrolledUserId } from "../auth/enrolment.ts";
import { registerOtp } from "../bank/security-medium.ts";
import { base32Encode } from "../bank/totp.ts";
import { holderOf } from "../certcenter/authorize.ts";
import { audited, type DeskContext, memberOfCooperative } from "./desk.ts";

/** Registers an OTP device; the secret is shown once, to set the device up (or as a QR code). */
export async function registerOtpDevice(
  ctx: DeskContext,
  memberId: bigint,
): Promise<{ secret: string; uri: string }> {
  return audited(ctx, "teller.otp_register", async (bank, tx) => {
    const m = await memberOfCooperative(bank, ctx.teller, memberId);
    const userId = await enrolledUserId(tx, m.cooperativeId, m.id);
    const { rows } = await tx.query<{ name: string }>("SELECT name FROM cooperatives WHERE id = $1", [
      m.cooperativeId,
    ]);
    const { secret, uri } = await registerOtp(bank, {
      cooperativeId: m.cooperativeId,
      memberId: m.id,
      account: (userId ?? m.realName).replaceAll(":", " "),
      issuer: rows[0]!.name.replaceAll(":", " "),
    });
    return { result: { secret: base32Encode(secret), uri }, subject: holderOf(m.cooperativeId, m.id) };
  });
}
