// The OCSP responder (RFC 6960, with the RFC 5019 profile for high volume): one response per issued
// certificate, signed ahead of time by the delegated signer and refreshed before it goes stale, so
// that answering is a lookup (and a CDN can cache the GET form). Serials the CA did not issue, or
// never saw confirmed, get the unsigned "unauthorized" error (RFC 5019 §2.2.3), never "good".
import { LookupBatcher } from "../db/lookup-batcher.ts";
import { equalBytes, toBytes, toHex } from "../pki/bytes.ts";
import type { RevocationReason } from "../pki/crl.ts";
import { PkiError } from "../pki/errors.ts";
import {
  buildOcspResponse,
  issuerHashes,
  type OcspAnswer,
  type OcspCertId,
  type OcspStatus,
  ocspErrorResponse,
  parseOcspRequest,
} from "../pki/ocsp.ts";
import { type CaContext, issuingCa, perContext } from "./context.ts";
import { activeOcspSigner, type OcspSigner } from "./ocsp-signer.ts";

/** A pre-signed response's nextUpdate is a day after its thisUpdate. */
export const ocspResponseValidityMs = 24 * 3_600_000;
/** The scheduler re-signs a response once less than half its life is left. */
export const ocspRefreshMarginMs = 12 * 3_600_000;
/**
 * How long an HTTP cache may keep an answer (RFC 5019 §6.2 max-age): short, because a cached
 * "good" outlives a revocation by up to this much.
 */
export const ocspMaxAgeSecondsMax = 300;
/** A stored response with less than this left is re-signed rather than served (scheduler down). */
const servedMarginMs = 2 * ocspMaxAgeSecondsMax * 1000;
/** Responses signed and written per round of a refresh. */
const refreshBatch = 500;
/** Signatures in flight at once (WebCrypto signs on the thread pool). */
const signParallel = 32;
/** Our serials are 16 bytes (profile.ts `newSerialNumber`); any other length is not ours. */
const serialBytes = 16;

export interface OcspReply {
  /** The HTTP status: 200, also for OCSP error responses (RFC 5019 §2.2.3). */
  status: number;
  /** An OCSPResponse, DER. */
  body: Uint8Array;
  /** Set for a cacheable answer (a pre-signed response): what an HTTP cache may keep it for. */
  maxAgeSeconds?: number;
  thisUpdate?: Date;
  nextUpdate?: Date;
}

interface CertificateState {
  serial: Uint8Array;
  status: string;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
}

/** What a relying party is told of a certificate; undefined when it is not the CA's to answer for. */
export function ocspStatusOf(
  c: Pick<CertificateState, "status" | "revoked_at" | "revocation_reason">,
): OcspStatus | undefined {
  if (c.status === "valid") return { status: "good" };
  if (c.status === "hold") return { status: "revoked", revokedAt: c.revoked_at!, reason: "certificateHold" };
  if (c.status === "revoked") {
    return { status: "revoked", revokedAt: c.revoked_at!, reason: c.revocation_reason ?? "unspecified" };
  }
  // signing, pending, rejected: never signed, never confirmed, or refused; not good.
  return undefined;
}

interface IssuerIdentity {
  issuerKeyId: number;
  hashes: Record<OcspCertId["hash"], { issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array }>;
}

/** The name and key hashes requests name the issuing CA by, computed once per context. */
const issuerIdentity = perContext(async (ca): Promise<IssuerIdentity> => {
  const issuing = await issuingCa(ca);
  return {
    issuerKeyId: issuing.id,
    hashes: {
      "SHA-1": await issuerHashes(issuing.certificate, "SHA-1"),
      "SHA-256": await issuerHashes(issuing.certificate, "SHA-256"),
    },
  };
});

function namesOurIssuer(id: OcspCertId, identity: IssuerIdentity): boolean {
  const h = identity.hashes[id.hash];
  return equalBytes(h.issuerNameHash, id.issuerNameHash) && equalBytes(h.issuerKeyHash, id.issuerKeyHash);
}

/** The SHA-1 CertID pre-signed responses carry: RFC 5019 §2.1.1 has clients use SHA-1. */
function storedCertId(identity: IssuerIdentity, serial: Uint8Array): OcspCertId {
  return { hash: "SHA-1", ...identity.hashes["SHA-1"], serialNumber: serial };
}

function sign(
  signer: OcspSigner,
  answers: OcspAnswer[],
  producedAt: Date,
  nonce?: Uint8Array,
): Promise<Uint8Array> {
  return buildOcspResponse({
    responder: {
      certificate: signer.certificate,
      privateKey: signer.privateKey,
      algorithm: signer.algorithm,
    },
    producedAt,
    answers,
    nonce,
    // A delegated signer must be shown: the relying party checks it against the issuer (§4.2.2.2).
    includeResponderCertificate: true,
  });
}

interface StoredResponse {
  der: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
}

/**
 * Signs the stored response of one certificate and writes it over the last. Two writers racing (a
 * refresh that read "valid" just before a revocation, and the revocation's republication) may
 * leave the older status stored; that is settled at read time, where answerOcsp compares the
 * response's recorded status with the certificate row and re-signs on a mismatch, as does the next
 * refresh. So a race costs a signature, never a wrong answer; and no timestamp ordering is trusted,
 * since clocks of several processes need not agree.
 */
async function signAndStore(
  ca: CaContext,
  signer: OcspSigner,
  identity: IssuerIdentity,
  c: CertificateState,
  now: Date,
): Promise<StoredResponse | undefined> {
  const status = ocspStatusOf(c);
  if (!status) return undefined;
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + ocspResponseValidityMs);
  const der = await sign(
    signer,
    [{ certId: storedCertId(identity, c.serial), status, thisUpdate, nextUpdate }],
    now,
  );
  await ca.db.query(
    `INSERT INTO ocsp_responses (serial, der, this_update, next_update, signer_id, cert_status, revoked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (serial) DO UPDATE SET der = excluded.der, this_update = excluded.this_update,
       next_update = excluded.next_update, signer_id = excluded.signer_id,
       cert_status = excluded.cert_status, revoked_at = excluded.revoked_at`,
    [c.serial, der, thisUpdate, nextUpdate, signer.id, c.status, c.revoked_at],
  );
  return { der, thisUpdate, nextUpdate };
}

async function signAll(
  ca: CaContext,
  certificates: CertificateState[],
  identity: IssuerIdentity,
): Promise<number> {
  if (certificates.length === 0) return 0;
  const signer = await activeOcspSigner(ca);
  const now = ca.clock.now();
  let signed = 0;
  for (let i = 0; i < certificates.length; i += signParallel) {
    const done = await Promise.all(
      certificates.slice(i, i + signParallel).map((c) => signAndStore(ca, signer, identity, c, now)),
    );
    signed += done.filter(Boolean).length;
  }
  return signed;
}

const stateColumns = "c.serial, c.status, c.revoked_at, c.revocation_reason";

/**
 * Re-signs responses: for the given serials (after a revocation, a hold, a release), or else for
 * every live certificate whose response is missing, has less than half its life left, was signed
 * by a signer no longer active, or no longer states the certificate's status. Without serials it
 * works in rounds of 500, at most `maxBatches` of them; returns how many it signed.
 */
export async function refreshOcspResponses(
  ca: CaContext,
  serials?: readonly Uint8Array[],
  options: { maxBatches?: number } = {},
): Promise<number> {
  const identity = await issuerIdentity(ca);
  if (serials) {
    const rows: CertificateState[] = [];
    for (const serial of serials) {
      const r = await ca.db.query<CertificateState>(
        `SELECT ${stateColumns} FROM certificates c WHERE c.serial = $1 AND c.issuer_key_id = $2`,
        [serial, identity.issuerKeyId],
      );
      rows.push(...r.rows);
    }
    return signAll(ca, rows.map(normalise), identity);
  }
  const signer = await activeOcspSigner(ca);
  let total = 0;
  for (let round = 0; round < (options.maxBatches ?? Number.POSITIVE_INFINITY); round++) {
    const now = ca.clock.now();
    const { rows } = await ca.db.query<CertificateState>(
      `SELECT ${stateColumns}
         FROM certificates c LEFT JOIN ocsp_responses r ON r.serial = c.serial
        WHERE c.issuer_key_id = $1 AND c.status IN ('valid', 'hold', 'revoked') AND c.not_after > $2
          AND (r.serial IS NULL OR r.next_update < $3 OR r.signer_id <> $4 OR r.cert_status <> c.status
               OR r.revoked_at IS DISTINCT FROM c.revoked_at)
        LIMIT $5`,
      [identity.issuerKeyId, now, new Date(now.getTime() + ocspRefreshMarginMs), signer.id, refreshBatch],
    );
    const signed = await signAll(ca, rows.map(normalise), identity);
    total += signed;
    // A round that wrote nothing new would find the same rows again.
    if (rows.length < refreshBatch || signed === 0) break;
  }
  return total;
}

function normalise(r: CertificateState): CertificateState {
  return { ...r, serial: toBytes(r.serial) };
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}

function fromStore(s: StoredResponse, now: Date): OcspReply {
  const left = Math.floor((s.nextUpdate.getTime() - now.getTime()) / 1000);
  return {
    status: 200,
    body: s.der,
    maxAgeSeconds: Math.max(0, Math.min(ocspMaxAgeSecondsMax, left)),
    thisUpdate: s.thisUpdate,
    nextUpdate: s.nextUpdate,
  };
}

function ocspError(status: "malformedRequest" | "unauthorized" | "internalError"): OcspReply {
  return { status: 200, body: ocspErrorResponse(status) };
}

interface StoredState extends CertificateState {
  issuer_key_id: number;
  /** The stored response, base64: PGlite reads a bytea column several times slower than text. */
  der_base64: string | null;
  this_update: Date | null;
  next_update: Date | null;
  cert_status: string | null;
  r_revoked_at: Date | null;
  signer_not_after: Date | null;
}

/**
 * The certificate rows and stored responses of the serials asked for in one turn of the event
 * loop, read in one query per turn: an answer's own work is small beside a query's.
 */
const storedStates = new WeakMap<CaContext, LookupBatcher<Uint8Array, StoredState>>();

function storedStateOf(ca: CaContext, serial: Uint8Array): Promise<StoredState | undefined> {
  let batcher = storedStates.get(ca);
  if (!batcher) {
    batcher = new LookupBatcher(async (serials) => {
      const { rows } = await ca.db.query<StoredState>(
        `SELECT ${stateColumns}, c.issuer_key_id, encode(r.der, 'base64') AS der_base64, r.this_update, r.next_update, r.cert_status,
                r.revoked_at AS r_revoked_at, s.not_after AS signer_not_after
           FROM certificates c
           LEFT JOIN ocsp_responses r ON r.serial = c.serial
           LEFT JOIN ocsp_signers s ON s.id = r.signer_id
          WHERE c.serial = ANY (ARRAY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h))`,
        [serials.map(toHex)],
      );
      return new Map(rows.map((r) => [toHex(toBytes(r.serial)), r]));
    }, toHex);
    storedStates.set(ca, batcher);
  }
  return batcher.get(serial);
}

/** One certificate asked for by SHA-1 CertID: the pre-signed response, re-signed first if it will not do. */
async function answerFromStore(
  ca: CaContext,
  identity: IssuerIdentity,
  serial: Uint8Array,
): Promise<OcspReply> {
  const c = await storedStateOf(ca, serial);
  if (!c || c.issuer_key_id !== identity.issuerKeyId || !ocspStatusOf(c)) return ocspError("unauthorized");
  const now = ca.clock.now();
  const fresh =
    c.der_base64 !== null &&
    c.cert_status === c.status &&
    sameInstant(c.r_revoked_at, c.revoked_at) &&
    c.next_update!.getTime() - now.getTime() > servedMarginMs &&
    c.this_update!.getTime() <= now.getTime() + servedMarginMs &&
    // The signer's certificate must cover the response's whole life.
    c.signer_not_after!.getTime() >= c.next_update!.getTime();
  if (fresh)
    return fromStore(
      { der: Buffer.from(c.der_base64!, "base64"), thisUpdate: c.this_update!, nextUpdate: c.next_update! },
      now,
    );
  const signer = await activeOcspSigner(ca);
  const stored = await signAndStore(ca, signer, identity, normalise(c), now);
  return stored ? fromStore(stored, now) : ocspError("unauthorized");
}

/**
 * Several certificates, or SHA-256 CertIDs: signed now, for exactly the CertIDs asked, with the
 * nonce echoed. Bounded by the request cap (20 CertIDs, one signature); any CertID that is not
 * ours makes the whole answer "unauthorized".
 */
async function answerNow(
  ca: CaContext,
  identity: IssuerIdentity,
  certIds: OcspCertId[],
  nonce: Uint8Array | undefined,
): Promise<OcspReply> {
  const now = ca.clock.now();
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + ocspResponseValidityMs);
  const answers: OcspAnswer[] = [];
  for (const certId of certIds) {
    const { rows } = await ca.db.query<CertificateState & { issuer_key_id: number }>(
      `SELECT ${stateColumns}, c.issuer_key_id FROM certificates c WHERE c.serial = $1`,
      [certId.serialNumber],
    );
    const c = rows[0];
    const status = c && c.issuer_key_id === identity.issuerKeyId ? ocspStatusOf(c) : undefined;
    if (!status) return ocspError("unauthorized");
    answers.push({ certId, status, thisUpdate, nextUpdate });
  }
  const signer = await activeOcspSigner(ca);
  return { status: 200, body: await sign(signer, answers, now, nonce) };
}

/**
 * Answers one OCSP request (DER). A single SHA-1 CertID, the RFC 5019 case, gets the pre-signed
 * response; it cannot echo a nonce, which RFC 5019 §2.2.1 permits. Malformed requests get
 * malformedRequest; CertIDs of another issuer or serials we never issued get unauthorized.
 */
export async function answerOcsp(ca: CaContext, requestDer: Uint8Array): Promise<OcspReply> {
  let request: ReturnType<typeof parseOcspRequest>;
  try {
    request = parseOcspRequest(requestDer);
  } catch (e) {
    if (e instanceof PkiError) return ocspError("malformedRequest");
    throw e;
  }
  const identity = await issuerIdentity(ca);
  for (const id of request.certIds) {
    if (!namesOurIssuer(id, identity) || id.serialNumber.length !== serialBytes)
      return ocspError("unauthorized");
  }
  const only = request.certIds[0]!;
  if (request.certIds.length === 1 && only.hash === "SHA-1") {
    return answerFromStore(ca, identity, only.serialNumber);
  }
  return answerNow(ca, identity, request.certIds, request.nonce);
}
