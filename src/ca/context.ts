// What every CA operation needs: the database, a clock, the passphrase that unseals the CA keys, a
// sealer for the secrets an authorisation carries, the URLs written into certificates, and the
// RA's rules that the CA enforces on requests it takes directly, and the RA's hooks into renewal and
// confirmation (fees). The
// issuing key is unsealed once per context (600,000 PBKDF2 iterations) and kept for signing.
import type { Db, Queryable } from "../db/db.ts";
import type { RevocationReason } from "../pki/crl.ts";
import { type LoadedCa, loadCaKey } from "./ca-keys.ts";

export interface Clock {
  now(): Date;
}

/** Seals secrets at rest with a label bound in (the server wires this to AES-256-GCM). */
export interface Sealer {
  seal(label: string, plaintext: Uint8Array): Uint8Array;
  unseal(label: string, sealed: Uint8Array): Uint8Array;
}

/** Where relying parties find the CA's status services; written into every certificate. */
export interface CaUrls {
  crl: string;
  ocsp: string;
  caIssuers: string;
}

/**
 * The RA's rules that the CA applies itself where a holder's signed request reaches it with no RA
 * in between (CMP kur and rr). The RA (src/certcenter/rules.ts) owns them and the server wires
 * them in here: the CA may not import the RA.
 */
export interface RaRules {
  /** A certificate may be renewed from this long before its expiry. */
  renewalWindowMs: number;
  /** The revocation reasons a holder may give for their own certificate (certificateHold suspends). */
  holderRevocationReasons: ReadonlySet<RevocationReason>;
}

/** What the RA's hooks are told of a certificate: enough to find what it arranged for it. */
export interface HookedCertificate {
  serial: Uint8Array;
  holder: string;
  purpose: "bank" | "universal";
  /** The authorisation it was issued under (ir/cr), or null for a renewal (kur). */
  authorizationRef: string | null;
  /** The certificate it replaces (renewal, reissue), or null. */
  replaces: Uint8Array | null;
}

/**
 * Who sent a CMP request, as the HTTP edge knows it: the login session its cookie names, if any
 * (opaque to the CA; only the RA's hook compares it). Asked only for an enrolment.
 */
export interface CmpRequester {
  session(): Promise<string | undefined>;
}

/**
 * What the RA does where the CA's own requests reach it with no RA in between: the binding of a web
 * authorisation to the login session that made it, and the fee of a universal certificate (DESIGN
 * §4), which the RA holds on the member's account and the CA knows nothing of. Each hook runs
 * inside the CA's transaction, so that what the RA records commits with the CA's change or not at
 * all. The server wires src/certcenter/ca-hooks.ts in; a CA context without hooks (the CA's own
 * tests) issues and renews with no fee and no binding.
 */
export interface CertificateHooks {
  /**
   * In the transaction that takes an authorisation for an enrolment (ir/cr), after its MAC
   * verified: whether this requester may use it (a web authorisation is bound to the login session
   * that made it). False refuses the enrolment and leaves the authorisation open.
   */
  mayEnrol(tx: Queryable, referenceNumber: string, requesterSession: string | undefined): Promise<boolean>;
  /**
   * In the transaction that reserves a renewal's serial (kur), before the CA signs: claims what
   * the renewal needs (the fee held for renewing `renewal.replaces`). False refuses the renewal.
   */
  beforeRenewal(
    tx: Queryable,
    renewal: HookedCertificate & { replaces: Uint8Array },
    now: Date,
  ): Promise<boolean>;
  /**
   * In the transaction that makes the certificate valid (its holder's certConf), before it commits:
   * captures its fee. Not called again for a repeated confirmation. A throw refuses the confirmation.
   */
  confirmed(tx: Queryable, certificate: HookedCertificate, now: Date): Promise<void>;
  /** In the transaction that revokes a certificate its holder refused at certConf: releases its fee. */
  refused(tx: Queryable, certificate: HookedCertificate, now: Date): Promise<void>;
}

export interface CaContext {
  db: Db;
  clock: Clock;
  passphrase: string;
  sealer: Sealer;
  urls: CaUrls;
  /** The CA's organisation, written in subjects (O=). */
  organization: string;
  /** Refuse CMP requests that carry no VID random (R); otherwise they get a certificate without identifyData. */
  requireVidRandom: boolean;
  raRules: RaRules;
  /** The RA's part in renewals and confirmations (fees); absent, the CA charges nothing. */
  certificateHooks?: CertificateHooks;
}

/** The status URLs under one public base, e.g. http://127.0.0.1:8080. */
export function caUrls(publicBase: string): CaUrls {
  const base = publicBase.replace(/\/+$/, "");
  return { crl: `${base}/pki/crl`, ocsp: `${base}/pki/ocsp`, caIssuers: `${base}/pki/issuing-ca.der` };
}

/**
 * One value per context, computed on first use and kept (a failure is forgotten, so the next call
 * tries again): for what is costly to make and fixed for the life of a context.
 */
export function perContext<T>(make: (ca: CaContext) => Promise<T>): (ca: CaContext) => Promise<T> {
  const values = new WeakMap<CaContext, Promise<T>>();
  return (ca) => {
    let p = values.get(ca);
    if (!p) {
      p = make(ca);
      p.catch(() => values.delete(ca));
      values.set(ca, p);
    }
    return p;
  };
}

/** The issuing CA's key, unsealed once per context. */
export const issuingCa = perContext(async (ca): Promise<LoadedCa & { id: number }> => {
  const key = await loadCaKey(ca.db, "issuing", ca.passphrase);
  const { rows } = await ca.db.query<{ id: number }>(
    "SELECT id FROM ca_keys WHERE role = 'issuing' AND active",
  );
  return { ...key, id: rows[0]!.id };
});
