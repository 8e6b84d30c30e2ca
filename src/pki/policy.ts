// What a personal certificate is for, read from its certificate policy OID: bank use (은행·보험·
// 신용카드용, free) or universal use (범용, for any relying party). Our CA's own OIDs sit under a
// UUID arc (ITU-T X.667, 2.25.<uuid>), which needs no registration; a deployment may set its own.

export type CertificatePurpose = "bank" | "universal";

/** Geumgo's arc: 2.25 + UUID e11ad31c-2871-4198-a62b-c4983888d855. */
export const geumgoPolicyArc = "2.25.299215580589259216603729908725770147925";

export interface PolicyOids {
  bank: string;
  universal: string;
}

/** Our CA's default policy OIDs; configurable per deployment. */
export const defaultPolicyOids: PolicyOids = {
  bank: `${geumgoPolicyArc}.1.1.4`,
  universal: `${geumgoPolicyArc}.1.1.1`,
};

/** Policy OIDs of other Korean CAs seen in the field (DESIGN.md §6), to tell their certificates apart. */
export const knownPolicyOids: Record<string, CertificatePurpose> = {
  "1.2.410.200005.1.1.1": "universal", // yessign, personal universal
  "1.2.410.200005.1.1.4": "bank", // yessign, personal bank/insurance
  [defaultPolicyOids.universal]: "universal",
  [defaultPolicyOids.bank]: "bank",
};

/**
 * An OID in plain dotted decimal. asn1js (under @peculiar/*) decodes an arc wider than 53 bits,
 * such as our UUID arc, as "{hex}": the arc's base-128 groups, two hex digits each. The DER it
 * reads is right; only the text differs, so comparisons go through this.
 */
export function normalizeOid(oid: string): string {
  return oid
    .split(".")
    .map((arc) => {
      const groups = /^\{([0-9a-f]+)\}$/i.exec(arc)?.[1];
      if (!groups) return arc;
      let value = 0n;
      for (let i = 0; i < groups.length; i += 2)
        value = value * 128n + BigInt(Number.parseInt(groups.slice(i, i + 2), 16));
      return value.toString();
    })
    .join(".");
}

/** The purpose of the first policy we recognise, or undefined when none is known. */
export function certificatePurpose(
  policyOids: readonly string[],
  extra: Record<string, CertificatePurpose> = {},
): CertificatePurpose | undefined {
  for (const raw of policyOids) {
    const oid = normalizeOid(raw);
    const p = extra[oid] ?? knownPolicyOids[oid];
    if (p) return p;
  }
  return undefined;
}
