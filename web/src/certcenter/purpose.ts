// The 구분 column: bank use (은행·보험용) or universal (범용), read from the certificate's policy
// OID (src/pki/policy.ts knows ours and other Korean CAs'); "other" when no known policy is in it.
import type { CertificatePurpose } from "../../../src/pki/policy.ts";

export type PurposeKind = CertificatePurpose | "other";

export function purposeKind(purpose: CertificatePurpose | undefined): PurposeKind {
  return purpose ?? "other";
}

/** The universal certificate's fee per year in won, VAT included (DESIGN.md §4). */
export const universalFeeWon = "4400";
