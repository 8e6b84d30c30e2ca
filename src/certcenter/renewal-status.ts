// Whether the member may renew one of their certificates now, and when they may (DESIGN §4
// "Renewal"): the window runs from 30 days before expiry (rules.ts renewalWindowMs) to the expiry.
// The judgement is the CA's own assertRenewable, the rule a kur meets at /pki/cmp, so that the page
// and the CA never disagree; here it is only translated into a reason the member can act on.
import { certificateBySerial } from "../ca/certificates.ts";
import type { CaContext } from "../ca/context.ts";
import { CaRequestError } from "../ca/errors.ts";
import { assertRenewable } from "../ca/renewal.ts";
import type { RenewalBlock } from "../messages/certcenter.ts";
import { holderOf } from "./authorize.ts";
import { CertcenterError } from "./errors.ts";

export type { RenewalBlock };

export interface RenewalStatus {
  serial: Uint8Array;
  purpose: "bank" | "universal";
  notAfter: Date;
  /** The renewal window: from `renewalWindowMs` before expiry until the expiry itself. */
  window: { from: Date; until: Date };
  renewable: boolean;
  /** Why not, when not renewable. */
  blocked: RenewalBlock | null;
  /** What the member should do instead: a new issuance after expiry or revocation. */
  next: "renew" | "wait" | "issue" | "release_hold" | null;
}

function blockOf(e: unknown, status: string): RenewalBlock {
  if (!(e instanceof CaRequestError)) throw e;
  switch (e.code) {
    case "renewal_window":
      return "too_early";
    case "old_expired":
      return "expired";
    case "old_revoked":
    case "old_renewed":
      return status === "hold" ? "on_hold" : "revoked";
    case "old_not_valid":
      return "not_valid";
    default:
      throw e;
  }
}

const nextFor: Record<RenewalBlock, RenewalStatus["next"]> = {
  too_early: "wait",
  expired: "issue",
  revoked: "issue",
  on_hold: "release_hold",
  not_valid: null,
};

/**
 * The renewal status of the member's certificate with this serial; certificate_unknown when it is
 * not theirs (another member's looks the same as none).
 */
export async function renewalStatus(
  ca: CaContext,
  who: { cooperativeId: number; memberId: bigint },
  serial: Uint8Array,
): Promise<RenewalStatus> {
  const cert = await certificateBySerial(ca.db, serial);
  if (!cert || cert.holder !== holderOf(who.cooperativeId, who.memberId) || cert.status === "signing") {
    throw new CertcenterError("certificate_unknown");
  }
  const now = ca.clock.now();
  let blocked: RenewalBlock | null = null;
  try {
    assertRenewable(cert, now, ca.raRules);
  } catch (e) {
    blocked = blockOf(e, cert.status);
  }
  return {
    serial: cert.serial,
    purpose: cert.purpose,
    notAfter: cert.notAfter,
    window: { from: new Date(cert.notAfter.getTime() - ca.raRules.renewalWindowMs), until: cert.notAfter },
    renewable: blocked === null,
    blocked,
    next: blocked === null ? "renew" : nextFor[blocked],
  };
}
