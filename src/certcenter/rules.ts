// The registration authority's rules for a member's certificate (DESIGN §4): when it may be
// renewed, which revocation reasons its holder may give, how long an issuance authorisation lives
// on each channel, and what a reissue does to the certificate it replaces. The CA applies the
// first two itself where a holder's signed request reaches it with no RA in between (CMP kur and
// rr); the server hands them to it as `raRules` in the CA context, so the CA imports nothing of ours.
import type { Channel } from "../ca/authorizations.ts";
import type { RaRules } from "../ca/context.ts";
import type { RevocationReason } from "../pki/crl.ts";

const dayMs = 86_400_000;

/** Renewal opens this long before expiry and lasts to the expiry day. */
export const renewalWindowMs = 30 * dayMs;

/** Reasons a holder may give when revoking their own certificate (certificateHold is a suspension). */
export const holderRevocationReasons: ReadonlySet<RevocationReason> = new Set<RevocationReason>([
  "unspecified",
  "keyCompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
]);

/** How long an authorisation lives: minutes for the web flow, days for a slip handed out at a branch. */
export const authorizationLifetimeMs: Record<Channel, number> = {
  web: 10 * 60_000,
  branch: 14 * dayMs,
};

/** Why a member asks for a reissue: a lost certificate is compromised; the others are superseded. */
export type ReissueReason = "lost" | "damaged" | "forgotten";

/**
 * What a reissue does to the live certificate it replaces: after a loss it is revoked
 * (keyCompromise) as soon as the reissue is authorised; after damage or a forgotten password it is
 * revoked (superseded) when the new one is confirmed. The new certificate keeps the old expiry.
 */
export function reissueReplacement(
  reason: ReissueReason,
  live: { serial: Uint8Array; notAfter: Date },
): { serial: Uint8Array; reason: "keyCompromise" | "superseded"; notAfter: Date } {
  return {
    serial: live.serial,
    reason: reason === "lost" ? "keyCompromise" : "superseded",
    notAfter: live.notAfter,
  };
}

/** The rules above that the CA enforces on requests it takes directly, for its context. */
export const raRules: RaRules = { renewalWindowMs, holderRevocationReasons };
