// Renewing a universal certificate costs the fee again (DESIGN §4). The kur reaches the CA signed
// by the old key with no RA in between, so the member first has the fee held here, for that
// certificate, for 10 minutes; the CA's renewal then claims it (fees.ts, beforeRenewal) and its
// confirmation captures it. A bank-use certificate renews for nothing and needs none of this.
// Nor does a renewal ask the member to agree to the terms again: the same subscriber's certificate
// is extended under the agreement given at issuance or reissue (consents.ts).
import { randomUUID } from "node:crypto";
import { BankError } from "../bank/errors.ts";
import { type MemberRef, ownAccount } from "../bank/member-accounts.ts";
import { certificateBySerial } from "../ca/certificates.ts";
import { isUniqueViolation } from "../db/db.ts";
import { fromHex } from "../pki/bytes.ts";
import { holderOf } from "./authorize.ts";
import type { CertcenterContext } from "./context.ts";
import { CertcenterError } from "./errors.ts";
import { cancelFee, feeOf, holdFee } from "./fees.ts";
import { authorizationLifetimeMs, renewalWindowMs } from "./rules.ts";

export interface RenewalFee {
  serial: string;
  amount: bigint;
  account: string;
  /** The renewal (kur) must reach the CA before this. */
  expiresAt: Date;
}

/**
 * Holds the renewal fee of the member's live universal certificate `serial` (hex) on `account`.
 * Refused: certificate_unknown (not the member's), renewal_free (bank use), not_renewable (revoked,
 * suspended, expired, unconfirmed), renewal_window (before 30 days to expiry), the account's
 * refusals (account_not_found, insufficient_funds). A fee held already for the certificate and not
 * yet used is answered again rather than held twice.
 */
export async function holdRenewalFee(
  ctx: CertcenterContext,
  who: MemberRef,
  request: { serial: string; account: string },
): Promise<RenewalFee> {
  const { bank, ca } = ctx;
  const serial = /^[0-9a-f]{32}$/i.test(request.serial) ? fromHex(request.serial.toLowerCase()) : undefined;
  const cert = serial && (await certificateBySerial(ca.db, serial));
  if (!cert || cert.holder !== holderOf(who.cooperativeId, who.memberId)) {
    throw new CertcenterError("certificate_unknown");
  }
  if (feeOf(cert.purpose) === 0n) throw new CertcenterError("renewal_free");
  const now = bank.clock.now();
  if (cert.status !== "valid" || cert.notAfter.getTime() <= now.getTime()) {
    throw new CertcenterError("not_renewable");
  }
  if (cert.notAfter.getTime() - now.getTime() > renewalWindowMs) throw new CertcenterError("renewal_window");
  const account = await ownAccount(bank.db, who, request.account);
  if (account.status !== "active") throw new BankError("account_not_active");

  const { rows } = await bank.db.query<{
    id: bigint;
    amount: bigint;
    expires_at: Date;
    certificate: Uint8Array | null;
    number: string;
  }>(
    `SELECT f.id, f.amount, f.expires_at, f.certificate, a.number FROM certcenter_fees f
       JOIN holds h ON h.cooperative_id = f.cooperative_id AND h.id = f.hold_id
       JOIN accounts a ON a.cooperative_id = h.cooperative_id AND a.id = h.account_id
      WHERE f.renews = $1 AND f.status = 'held'`,
    [cert.serial],
  );
  const held = rows[0];
  const hex = request.serial.toLowerCase();
  if (held?.certificate) throw new CertcenterError("renewal_in_progress");
  if (held && held.expires_at.getTime() > now.getTime()) {
    return { serial: hex, amount: held.amount, account: held.number, expiresAt: held.expires_at };
  }
  // One that ran out unused and the sweep has not reached yet: given back before the new one.
  if (held) await cancelFee(bank, held.id);

  const fee = await bank.db
    .transaction((tx) =>
      holdFee(bank, tx, {
        who,
        accountId: account.id,
        kind: "renewal",
        renews: cert.serial,
        expiresAt: new Date(now.getTime() + authorizationLifetimeMs.web),
        idempotencyKey: `certcenter:renewal:${randomUUID()}`,
      }),
    )
    .catch((e: unknown) => {
      // Another request held one for this certificate at the same moment (one held at a time).
      if (isUniqueViolation(e, "certcenter_fees_one_renewal_held"))
        throw new CertcenterError("renewal_in_progress");
      throw e;
    });
  return { serial: hex, amount: fee.amount, account: account.number, expiresAt: fee.expiresAt };
}
