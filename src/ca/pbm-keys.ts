// The password-based MAC keys of CMP enrolment (RFC 4210 §5.1.3.1): derived from an authorisation
// code through Node's hash, and kept a while for the certConf that follows an ir, in memory per CA
// context (a cache: every process can derive the key again, so nothing here must be shared).
import { hash } from "node:crypto";
import type { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import type { PbmParameter } from "../pki/asn1/crmf.ts";
import { toHex } from "../pki/bytes.ts";
import { type PbmKey, pbmKey, type SyncDigest } from "../pki/cmp-pbm.ts";
import type { CaContext } from "./context.ts";
import { confirmWaitMs } from "./issuance.ts";

/** The PBM's rounds through Node's hash, which takes 60% of the time @noble/hashes does here. */
export const nodeDigest: SyncDigest = (name, data) =>
  new Uint8Array(hash(name.replace("-", "").toLowerCase(), data, "buffer") as Buffer);

/** PBM keys derived per CA context, and their rounds: what MAC-protected requests cost (a metric). */
const derived = new WeakMap<CaContext, { keys: number; rounds: number }>();

export function pbmDerivations(ca: CaContext): { keys: number; rounds: number } {
  return { ...(derived.get(ca) ?? { keys: 0, rounds: 0 }) };
}

/**
 * The MAC key an authorisation code gives under these (already accepted) PBM parameters: at most
 * `pbmIterationsMax` rounds, a few milliseconds of this process's event loop, run synchronously.
 */
export function pbmKeyFromCode(ca: CaContext, code: string, params: PbmParameter): Promise<PbmKey> {
  const count = derived.get(ca) ?? { keys: 0, rounds: 0 };
  count.keys++;
  count.rounds += params.iterationCount;
  derived.set(ca, count);
  return pbmKey(new TextEncoder().encode(code), params, crypto, nodeDigest);
}

/**
 * PBM keys that verified an ir whose certificate was then signed, by reference number and
 * PBMParameter, kept until the confirmation wait is over: our client MACs a transaction's certConf
 * under its ir's parameters, and deriving the key again would be the costliest step of answering
 * it. One authorisation issues once, so a holder of a code adds one entry, and the parameters
 * readPbmParameter accepts (DER, no owf or mac parameters, a salt of at most 64 bytes) are under
 * 200 bytes: at most `pbmKeysMax` per context, the oldest dropped first. A client that draws new
 * parameters for its certConf is answered as before.
 */
const pbmKeysMax = 10_000;
const pbmKeys = new WeakMap<CaContext, Map<string, { key: PbmKey; until: number }>>();

export function pbmKeyId(referenceNumber: string, alg: AlgorithmIdentifier): string {
  return `${referenceNumber}:${toHex(new Uint8Array(alg.parameters ?? new ArrayBuffer(0)))}`;
}

/** How many PBM keys this context keeps now (tests; a metric). */
export function keptPbmKeys(ca: CaContext): number {
  return pbmKeys.get(ca)?.size ?? 0;
}

export function rememberedPbmKey(ca: CaContext, id: string): PbmKey | undefined {
  const hit = pbmKeys.get(ca)?.get(id);
  return hit && hit.until > Date.now() ? hit.key : undefined;
}

export function rememberPbmKey(ca: CaContext, id: string, key: PbmKey): void {
  let keys = pbmKeys.get(ca);
  if (!keys) {
    keys = new Map();
    pbmKeys.set(ca, keys);
  }
  keys.delete(id);
  keys.set(id, { key, until: Date.now() + confirmWaitMs });
  if (keys.size > pbmKeysMax) keys.delete(keys.keys().next().value!);
}
