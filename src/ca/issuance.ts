// Signing a member's certificate: the serial is reserved and the intent audited in one committed
// transaction before the CA key signs, and the result stored and audited in another after. A crash
// in between leaves a reserved serial that is never signed again (the primary key sees to that),
// with the audit log showing an issuance begun and not finished.
import { createHash } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Name } from "@peculiar/asn1-x509";
import { appendAudit, auditAppendCtes } from "../audit/audit-log.ts";
import { isUniqueViolation, type Queryable } from "../db/db.ts";
import { toBytes, toHex } from "../pki/bytes.ts";
import { caSigningAlgorithm } from "../pki/ca-profile.ts";
import {
  checkProfileKey,
  newSerialNumber,
  preparePersonalProfile,
  signPersonalCertificate,
} from "../pki/profile.ts";
import type { IdentifyDataValue } from "../pki/vid.ts";
import { Name as X509Name } from "../pki/x509.ts";
import { type CaContext, issuingCa, perContext } from "./context.ts";
import { CaRequestError } from "./errors.ts";
import { publishRevocationStatus, revokeInTransaction } from "./revocation.ts";

export interface IssueRequest {
  holder: string;
  purpose: "bank" | "universal";
  /** DER Name. */
  subjectName: Uint8Array;
  /** The member's SubjectPublicKeyInfo, DER. */
  publicKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  identifyData?: IdentifyDataValue | undefined;
  authorizationRef?: string | undefined;
  replaces?: Uint8Array | undefined;
  replaceReason?: "keyCompromise" | "superseded" | undefined;
  cmpTransaction?: Uint8Array | undefined;
  actor: string;
}

export interface IssuedCertificate {
  serial: Uint8Array;
  der: Uint8Array;
}

/** A member certificate's validity: one year (DESIGN §4), the same calendar day a year on. */
export function oneYearAfter(d: Date): Date {
  const x = new Date(d);
  x.setUTCFullYear(x.getUTCFullYear() + 1);
  return x;
}

export function spkiHash(spki: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(spki).digest());
}

/**
 * Reserves a serial for the request and audits the intent to sign, in the caller's transaction.
 * A serial drawn twice (126 random bits: all but impossible) fails the transaction on the unique
 * key; the CA never signs one serial twice. A public key that has a row already (certified, or
 * reserved, to anyone) throws CaRequestError key_in_use, and a transactionID that has a row
 * already transaction_id_in_use; either fails the caller's transaction. The caller loads the
 * issuing CA (`issuingCa`) before it opens the transaction: on PGlite's one connection, loading it
 * inside would wait for the transaction itself.
 */
export async function reserveSerial(
  ca: CaContext,
  tx: Queryable,
  issuer: { id: number },
  req: IssueRequest,
): Promise<Uint8Array> {
  // A transactionID in use is answered as such even when the key is the same (a replayed kur):
  // asked first, because which unique index a duplicate row meets first is the database's choice.
  if (req.cmpTransaction) {
    const { rows } = await tx.query("SELECT 1 FROM certificates WHERE cmp_transaction = $1", [
      req.cmpTransaction,
    ]);
    if (rows.length > 0) throw new CaRequestError("transaction_id_in_use");
  }
  const subjectText = new X509Name(AsnConvert.parse(toBytes(req.subjectName), Name)).toString();
  const now = ca.clock.now();
  const serial = newSerialNumber();
  const audit = auditAppendCtes(
    {
      actor: req.actor,
      action: "ca.sign.begin",
      subject: req.holder,
      details: {
        serial: toHex(serial),
        purpose: req.purpose,
        subject: subjectText,
        notBefore: req.notBefore.toISOString(),
        notAfter: req.notAfter.toISOString(),
        vid: req.identifyData !== undefined,
        replaces: req.replaces ? toHex(req.replaces) : null,
      },
    },
    now,
    14,
  );
  // The reservation and its audit entry in one statement. A transactionID has one certificate,
  // and a public key too: a request reusing another's is refused here, atomically with the
  // reservation (the unique indexes of migrations 0015 and 0014).
  const reserving = tx.query(
    `WITH reserved AS (
       INSERT INTO certificates (serial, issuer_key_id, holder, purpose, status, subject, not_before, not_after,
         spki_sha256, authorization_ref, replaces, replace_reason, cmp_transaction, created_at)
       VALUES ($1, $2, $3, $4, 'signing', $5, $6, $7, $8, $9, $10, $11, $12, $13)),
     ${audit.sql}
     SELECT seq FROM audit_entry`,
    [
      serial,
      issuer.id,
      req.holder,
      req.purpose,
      subjectText,
      req.notBefore,
      req.notAfter,
      spkiHash(req.publicKey),
      req.authorizationRef ?? null,
      req.replaces ?? null,
      req.replaceReason ?? null,
      req.cmpTransaction ?? null,
      now,
      ...audit.params,
    ],
  );
  await reserving.catch((e: unknown) => {
    if (isUniqueViolation(e, "certificates_one_per_transaction")) {
      throw new CaRequestError("transaction_id_in_use", { cause: e });
    }
    if (isUniqueViolation(e, "certificates_one_per_key")) {
      throw new CaRequestError("key_in_use", { cause: e });
    }
    throw e;
  });
  return serial;
}

/**
 * The issuing CA's certificate profile, prepared once per context, its key checked against the
 * issuer certificate then rather than after every signature (the CA keys do not change under a
 * context; a new issuing key means a restart).
 */
const personalProfile = perContext(async (ca) => {
  const issuer = await issuingCa(ca);
  const profile = await preparePersonalProfile({
    issuer: { certificate: issuer.certificate },
    signingKey: issuer.privateKey,
    signingAlgorithm: caSigningAlgorithm(issuer.algorithm),
    crlUrl: ca.urls.crl,
    ocspUrl: ca.urls.ocsp,
    caIssuersUrl: ca.urls.caIssuers,
  });
  await checkProfileKey(profile);
  return profile;
});

/** Signs a reserved serial, stores the certificate as pending its holder's confirmation, and audits it. */
export async function signReserved(
  ca: CaContext,
  serial: Uint8Array,
  req: IssueRequest,
): Promise<Uint8Array> {
  const der = await signPersonalCertificate(await personalProfile(ca), {
    publicKey: toBytes(req.publicKey),
    subject: toBytes(req.subjectName),
    serialNumber: serial,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    purpose: req.purpose,
    identifyData: req.identifyData,
  });
  // Stored and audited in one statement: the entry is written only if the row was awaiting it.
  const audit = auditAppendCtes(
    {
      actor: req.actor,
      action: "ca.sign.end",
      subject: req.holder,
      details: { serial: toHex(serial), sha256: createHash("sha256").update(der).digest("hex") },
    },
    ca.clock.now(),
    3,
    "EXISTS (SELECT 1 FROM stored)",
  );
  const { rows } = await ca.db.query(
    `WITH stored AS (
       UPDATE certificates SET der = $2, status = 'pending' WHERE serial = $1 AND status = 'signing' RETURNING serial),
     ${audit.sql}
     SELECT seq FROM audit_entry`,
    [serial, der, ...audit.params],
  );
  if (rows.length !== 1) throw new Error(`serial ${toHex(serial)} was not awaiting its signature`);
  return der;
}

/** Reserves, audits, signs, stores: the whole issuance for a request already judged. */
export async function issueCertificate(ca: CaContext, req: IssueRequest): Promise<IssuedCertificate> {
  const issuer = await issuingCa(ca);
  const serial = await ca.db.transaction((tx) => reserveSerial(ca, tx, issuer, req));
  return { serial, der: await signReserved(ca, serial, req) };
}

/**
 * How long a signed certificate waits for its holder's certConf (RFC 4210 §5.1.1.2 confirmWaitTime).
 * It was never valid (OCSP never called it good), but the client may hold it: after the wait it is
 * revoked (cessationOfOperation), so a relying party that reads only the CRL refuses it too, and a
 * late confirmation cannot bring it to life.
 */
export const confirmWaitMs = 15 * 60_000;

/** Revokes certificates left unconfirmed past the wait; returns their serials. For the scheduler. */
export async function revokeUnconfirmed(ca: CaContext): Promise<Uint8Array[]> {
  const now = ca.clock.now();
  const serials = await ca.db.transaction(async (tx) => {
    // The batch is locked before the first audit append takes the audit head: a certConf locks
    // its certificate, then the head (confirmPlainly, one statement, not retried), so taking the
    // head and then the next certificate could deadlock with it. SKIP LOCKED: a certificate being
    // confirmed right now is left to that confirmation, or to the next run.
    const { rows } = await tx.query<{ serial: Uint8Array }>(
      `SELECT serial FROM certificates WHERE status = 'pending' AND created_at < $1
        ORDER BY serial LIMIT 1000 FOR NO KEY UPDATE SKIP LOCKED`,
      [new Date(now.getTime() - confirmWaitMs)],
    );
    const done: Uint8Array[] = [];
    for (const r of rows) {
      const serial = toBytes(r.serial);
      await revokeInTransaction(tx, {
        serial,
        reason: "cessationOfOperation",
        actor: "scheduler:unconfirmed",
        at: now,
      });
      done.push(serial);
    }
    return done;
  });
  if (serials.length) await publishRevocationStatus(ca, serials);
  return serials;
}

/**
 * Marks serials reserved but never signed (the process died between the reservation and the
 * signature) as rejected, once the confirmation wait is over: no certificate exists to revoke, the
 * member's next try is not blocked by it, and a fee the RA held for it can be given back (the RA's
 * sweep releases fees of rejected certificates). Returns their serials. For the scheduler.
 */
export async function rejectUnsigned(ca: CaContext): Promise<Uint8Array[]> {
  const now = ca.clock.now();
  return ca.db.transaction(async (tx) => {
    // Locked before the first audit append, as revokeUnconfirmed does; a row being signed right now
    // (locked by its signing transaction) is skipped.
    const { rows } = await tx.query<{ serial: Uint8Array; holder: string }>(
      `SELECT serial, holder FROM certificates WHERE status = 'signing' AND created_at < $1
        ORDER BY serial LIMIT 1000 FOR NO KEY UPDATE SKIP LOCKED`,
      [new Date(now.getTime() - confirmWaitMs)],
    );
    const done: Uint8Array[] = [];
    for (const r of rows) {
      const serial = toBytes(r.serial);
      await tx.query("UPDATE certificates SET status = 'rejected' WHERE serial = $1", [serial]);
      await appendAudit(
        tx,
        {
          actor: "scheduler:unsigned",
          action: "ca.abandoned",
          subject: r.holder,
          details: { serial: toHex(serial) },
        },
        now,
      );
      done.push(serial);
    }
    return done;
  });
}
