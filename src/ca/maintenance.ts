// The CA's scheduled upkeep, run by the server every minute or so: revoke holds past six months and
// certificates never confirmed, forget CMP senderNonces past their window, rotate the OCSP signer
// when due, republish the CRL when due, re-sign OCSP responses going stale, write the summary of
// refused CMP requests.
// Any number of server processes may call it; a lease row lets one at a time do the work.
import { randomUUID } from "node:crypto";
import { summarizeRefusals } from "./cmp-refusal-counts.ts";
import type { CaContext } from "./context.ts";
import { type PublishedCrl, publishCrl, refreshCrlIfDue } from "./crl-publisher.ts";
import { purgeSenderNonces } from "./freshness.ts";
import { rejectUnsigned, revokeUnconfirmed } from "./issuance.ts";
import { refreshOcspResponses } from "./ocsp-responder.ts";
import { newOcspSigner, type OcspSignerInfo } from "./ocsp-signer.ts";
import { revokeExpiredHolds } from "./revocation.ts";

/** A lease outlives a crashed holder by at most this; a live holder renews it between steps. */
const leaseMs = 10 * 60_000;
/** Rounds of 500 responses one run re-signs at most (100,000), so a run ends and the lease moves on. */
const refreshBatchesPerRun = 200;

export interface MaintenanceReport {
  /** False when another process held the lease, so this one did nothing. */
  ran: boolean;
  holdsRevoked: number;
  /** Certificates never confirmed by their holder within the wait (issuance.ts). */
  unconfirmedRevoked: number;
  signerRotated?: OcspSignerInfo;
  crlPublished?: bigint;
  responsesSigned: number;
}

async function takeLease(ca: CaContext, holder: string): Promise<boolean> {
  const now = ca.clock.now();
  const { rows } = await ca.db.query(
    `UPDATE ca_maintenance_lease SET holder = $1, lease_until = $2
      WHERE id = 1 AND (lease_until IS NULL OR lease_until < $3 OR holder = $1) RETURNING id`,
    [holder, new Date(now.getTime() + leaseMs), now],
  );
  return rows.length === 1;
}

async function dropLease(ca: CaContext, holder: string): Promise<void> {
  await ca.db.query(
    "UPDATE ca_maintenance_lease SET holder = NULL, lease_until = NULL WHERE id = 1 AND holder = $1",
    [holder],
  );
}

/** One run of the CA's upkeep; skips (ran: false) while another run holds the lease. */
export async function caMaintenance(ca: CaContext): Promise<MaintenanceReport> {
  const holder = randomUUID();
  if (!(await takeLease(ca, holder)))
    return { ran: false, holdsRevoked: 0, unconfirmedRevoked: 0, responsesSigned: 0 };
  try {
    const holds = await revokeExpiredHolds(ca, { publish: false });
    await takeLease(ca, holder);
    const unconfirmed = await revokeUnconfirmed(ca);
    await rejectUnsigned(ca);
    await purgeSenderNonces(ca);
    await takeLease(ca, holder);
    const rotated = await newOcspSigner(ca, { actor: "scheduler", onlyIfDue: true });
    await takeLease(ca, holder);
    const crl: PublishedCrl | undefined = holds.length > 0 ? await publishCrl(ca) : await refreshCrlIfDue(ca);
    await takeLease(ca, holder);
    await summarizeRefusals(ca);
    await takeLease(ca, holder);
    // The revoked holds, a new signer's responses and the stale ones are all picked up here.
    const signed = await refreshOcspResponses(ca, undefined, { maxBatches: refreshBatchesPerRun });
    return {
      ran: true,
      holdsRevoked: holds.length,
      unconfirmedRevoked: unconfirmed.length,
      ...(rotated ? { signerRotated: rotated } : {}),
      ...(crl ? { crlPublished: crl.crlNumber } : {}),
      responsesSigned: signed,
    };
  } finally {
    await dropLease(ca, holder);
  }
}

/**
 * The operator's rotation (`geumgo ca rotate-ocsp-signer`): a new signer now, whether due or not,
 * and every live certificate's response re-signed by it before returning.
 */
export async function rotateOcspSigner(
  ca: CaContext,
  options: { actor: string } = { actor: "operator" },
): Promise<{ signer: OcspSignerInfo; responsesSigned: number }> {
  const signer = await newOcspSigner(ca, { actor: options.actor });
  if (!signer) throw new Error("a forced rotation always makes a signer");
  const responsesSigned = await refreshOcspResponses(ca);
  return { signer, responsesSigned };
}
