// The CA's operator operations (src/server/operations.ts): revoke, hold and release a certificate,
// publish the current CRL, rotate the OCSP signer, read the counts of refused CMP requests. Each
// is one function over a CaContext and the operator's text arguments, returning plain JSON, so it serves `geumgo ca …` directly on the
// database and through the running server alike (src/cli/revocation.ts prints the answers).
import { refusalCounts } from "../ca/cmp-refusal-counts.ts";
import type { CaContext } from "../ca/context.ts";
import { currentCrl } from "../ca/crl-publisher.ts";
import { CaLifecycleError } from "../ca/errors.ts";
import { rotateOcspSigner } from "../ca/maintenance.ts";
import {
  holdCertificate,
  releaseCertificate,
  revokeCertificate,
  type StatusChange,
} from "../ca/revocation.ts";
import { fromHex, toPem } from "../pki/bytes.ts";
import { type RevocationReason, revocationReasons } from "../pki/crl.ts";
import { ServerError } from "./errors.ts";

/** The operator's text arguments. Who acts (for the audit log) is the caller's to say, not theirs. */
export interface OperatorArgs {
  serial?: string;
  reason?: string;
}

/** A serial as the operator types it: 32 hex digits, colons and spaces allowed (openssl prints them so). */
export function parseSerial(text: string | undefined): Uint8Array {
  const hex = (text ?? "").replace(/[\s:]/g, "").replace(/^0x/i, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new CaLifecycleError("bad_serial", (text ?? "").slice(0, 64));
  return fromHex(hex);
}

function parseReason(text: string | undefined): RevocationReason {
  const r = revocationReasons.find((x) => x.toLowerCase() === (text ?? "").toLowerCase());
  if (!r || r === "certificateHold") throw new CaLifecycleError("bad_reason", (text ?? "").slice(0, 40));
  return r;
}

function changeJson(c: StatusChange) {
  return {
    serial: c.serial,
    previous: c.previous,
    status: c.status,
    ...(c.revokedAt ? { revokedAt: c.revokedAt.toISOString() } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.renewalsEnded ? { renewalsEnded: c.renewalsEnded } : {}),
  };
}

export type StatusChangeJson = ReturnType<typeof changeJson>;

export async function revokeOperation(ca: CaContext, args: OperatorArgs, actor: string) {
  const change = await revokeCertificate(ca, {
    serial: parseSerial(args.serial),
    reason: parseReason(args.reason),
    actor,
  });
  return changeJson(change);
}

export async function holdOperation(ca: CaContext, args: OperatorArgs, actor: string) {
  return changeJson(await holdCertificate(ca, { serial: parseSerial(args.serial), actor }));
}

export async function releaseOperation(ca: CaContext, args: OperatorArgs, actor: string) {
  return changeJson(await releaseCertificate(ca, { serial: parseSerial(args.serial), actor }));
}

export type CrlJson = Awaited<ReturnType<typeof crlOperation>>;

/**
 * The current CRL (a first one is published if there is none, or a new one if it has expired),
 * as PEM: the answer may travel over HTTP as JSON.
 */
export async function crlOperation(ca: CaContext) {
  const crl = await currentCrl(ca);
  return {
    crlNumber: crl.crlNumber.toString(),
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    entries: crl.entries,
    pem: toPem("X509 CRL", crl.der),
  };
}

export type RotationJson = Awaited<ReturnType<typeof rotateOcspSignerOperation>>;

export async function rotateOcspSignerOperation(ca: CaContext, actor: string) {
  const r = await rotateOcspSigner(ca, { actor });
  return {
    signer: r.signer.fingerprint,
    notAfter: r.signer.notAfter.toISOString(),
    responsesSigned: r.responsesSigned,
  };
}

/** The window `geumgo ca refusals` reads by default, and the most it reads (the counts are kept 30 days). */
export const refusalsMinutesDefault = 60;
const refusalsMinutesMax = 30 * 24 * 60;

/** CMP requests refused before they proved who sent them, by code, over the last `minutes`. */
export async function refusalsOperation(ca: CaContext, args: { minutes?: string }) {
  const minutes = args.minutes === undefined ? refusalsMinutesDefault : Number(args.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > refusalsMinutesMax)
    throw new ServerError("bad_argument", `--minutes 1..${refusalsMinutesMax}`);
  const since = new Date(ca.clock.now().getTime() - minutes * 60_000);
  const c = await refusalCounts(ca.db, since);
  return {
    since: c.since.toISOString(),
    total: c.total,
    byCode: c.byCode,
    ...(c.peak ? { peakMinute: { at: c.peak.at.toISOString(), count: c.peak.count } } : {}),
  };
}

export type RefusalsJson = Awaited<ReturnType<typeof refusalsOperation>>;
