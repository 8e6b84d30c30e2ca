// PKIStatusInfo of CMP (RFC 4210 §5.2.3): a status with its text and PKIFailureInfo bits, written
// for an answer and read back from one.
import { BitString } from "@peculiar/asn1-schema";
import { type PkiFailure, PkiFreeText, PkiStatusInfo, pkiFailureBits } from "./asn1/cmp.ts";

/** PKIFailureInfo with the named bits set (DER: trailing zero bits dropped). */
export function failureInfo(...failures: PkiFailure[]): BitString {
  const bits = failures.map((f) => pkiFailureBits[f]);
  const top = Math.max(...bits);
  const bytes = new Uint8Array((top >> 3) + 1);
  for (const n of bits) bytes[n >> 3]! |= 0x80 >> (n & 7);
  return new BitString(bytes, 7 - (top & 7));
}

/** The failure names set in a PKIFailureInfo. */
export function readFailureInfo(info: BitString | undefined): PkiFailure[] {
  if (!info) return [];
  const bytes = new Uint8Array(info.value);
  return (Object.entries(pkiFailureBits) as [PkiFailure, number][])
    .filter(([, n]) => (bytes[n >> 3] ?? 0) & (0x80 >> (n & 7)))
    .map(([name]) => name);
}

export function statusInfo(status: number, failures: PkiFailure[] = [], text?: string): PkiStatusInfo {
  return new PkiStatusInfo({
    status,
    statusString: text ? new PkiFreeText([text]) : undefined,
    failInfo: failures.length ? failureInfo(...failures) : undefined,
  });
}
