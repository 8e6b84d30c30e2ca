// OCSP (RFC 6960): reading requests, and building signed BasicOCSPResponses (§4.2.1) whose
// answers the CA computes ahead of time, so a cache can serve them (DESIGN.md §4); plus the
// unsigned error responses of §2.3. Structures are @peculiar/asn1-ocsp's.
import {
  BasicOCSPResponse,
  CertID,
  CertStatus,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  KeyHash,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
} from "@peculiar/asn1-ocsp";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, CRLReason, Extension } from "@peculiar/asn1-x509";
import { equalBytes, toBytes } from "./bytes.ts";
import { type CaKeyAlgorithm, caSign, caSignatureAlgorithm } from "./ca-profile.ts";
import { type RevocationReason, reasonCodes } from "./crl.ts";
import { readTlv, type TlvSpan } from "./der.ts";
import { PkiError } from "./errors.ts";

export interface OcspCertId {
  /** The hash the request used for the issuer name and key: SHA-1 in nearly all clients. */
  hash: "SHA-1" | "SHA-256";
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  serialNumber: Uint8Array;
}

export type OcspStatus =
  | { status: "good" }
  | { status: "revoked"; revokedAt: Date; reason: RevocationReason }
  | { status: "unknown" };

const hashOids = { "SHA-1": "1.3.14.3.2.26", "SHA-256": "2.16.840.1.101.3.4.2.1" } as const;
/** Requests over this many certificates are refused: one request must not sign a thousand answers. */
export const ocspRequestCertsMax = 20;
/**
 * The nonce's value, the OCTET STRING inside extnValue, is 1 to 32 bytes (RFC 8954 §2.1, which
 * replaces RFC 6960 §4.4.1); anything else is malformedRequest. RFC 9654 later raised the ceiling
 * to 128 bytes; clients send 16 (OpenSSL) or 32, so the stricter bound refuses no one we know of.
 */
export const ocspNonceBytesMin = 1;
export const ocspNonceBytesMax = 32;

/** Serial numbers compare as their magnitude: DER may carry a leading zero byte. */
function magnitude(serial: Uint8Array): Uint8Array {
  let i = 0;
  while (i < serial.length - 1 && serial[i] === 0) i++;
  return serial.subarray(i);
}

export interface ParsedOcspRequest {
  certIds: OcspCertId[];
  nonce: Uint8Array | undefined;
}

/** The AlgorithmIdentifier OIDs of the CertID hashes, as DER OBJECT IDENTIFIER elements. */
const hashOidDer: Record<OcspCertId["hash"], Uint8Array> = {
  "SHA-1": Uint8Array.of(0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a),
  "SHA-256": Uint8Array.of(0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01),
};

/** The element at `offset` when it has the tag and ends where `end` says; else undefined. */
function element(der: Uint8Array, offset: number, tag: number, end?: number): TlvSpan | undefined {
  const e = readTlv(der, offset);
  return e && e.tag === tag && (end === undefined || e.end === end) ? e : undefined;
}

/**
 * The request nearly every relying party sends (RFC 5019 §2.1.1: one CertID, no version, requestor
 * name, extensions or signature) read straight off the DER: the schema reader costs more than the
 * rest of an answer. Any other shape, or anything not plain DER, gives undefined and goes to the
 * schema reader, so this only ever agrees with it.
 */
export function readPlainOcspRequest(der: Uint8Array): OcspCertId | undefined {
  const outer = element(der, 0, 0x30, der.length);
  const tbs = outer && element(der, outer.contentStart, 0x30, outer.end);
  const list = tbs && element(der, tbs.contentStart, 0x30, tbs.end);
  const request = list && element(der, list.contentStart, 0x30, list.end);
  const certId = request && element(der, request.contentStart, 0x30, request.end);
  const algorithm = certId && element(der, certId.contentStart, 0x30);
  const oid = algorithm && element(der, algorithm.contentStart, 0x06);
  if (!certId || !algorithm || !oid) return undefined;
  if (oid.end !== algorithm.end) {
    // The parameters may only be NULL.
    const nul = element(der, oid.end, 0x05, algorithm.end);
    if (!nul || nul.contentStart !== nul.end) return undefined;
  }
  const oidBytes = der.subarray(oid.start, oid.end);
  const hash = (Object.keys(hashOidDer) as OcspCertId["hash"][]).find((h) =>
    equalBytes(hashOidDer[h], oidBytes),
  );
  const nameHash = element(der, algorithm.end, 0x04);
  const keyHash = nameHash && element(der, nameHash.end, 0x04);
  const serial = keyHash && element(der, keyHash.end, 0x02, certId.end);
  if (!hash || !serial || serial.contentStart === serial.end) return undefined;
  const first = der[serial.contentStart]!;
  // Negative or non-minimal serials are left to the schema reader.
  if (first & 0x80) return undefined;
  if (first === 0 && serial.end - serial.contentStart > 1 && !(der[serial.contentStart + 1]! & 0x80))
    return undefined;
  return {
    hash,
    issuerNameHash: der.slice(nameHash.contentStart, nameHash.end),
    issuerKeyHash: der.slice(keyHash.contentStart, keyHash.end),
    serialNumber: magnitude(der.slice(serial.contentStart, serial.end)),
  };
}

/** Reads an OCSP request: the plain RFC 5019 form straight off the DER, any other through the schema. */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  const plain = readPlainOcspRequest(der);
  return plain ? { certIds: [plain], nonce: undefined } : parseOcspRequestWithSchema(der);
}

/** Reads any OCSP request through @peculiar/asn1-ocsp (several CertIDs, a nonce, a signature). */
export function parseOcspRequestWithSchema(der: Uint8Array): ParsedOcspRequest {
  let req: OCSPRequest;
  try {
    req = AsnConvert.parse(toBytes(der), OCSPRequest);
  } catch (e) {
    throw new PkiError("malformed", "not an OCSP request", { cause: e });
  }
  const list = req.tbsRequest.requestList;
  if (list.length === 0 || list.length > ocspRequestCertsMax) {
    throw new PkiError("bad_parameters", `an OCSP request names 1..${ocspRequestCertsMax} certificates`);
  }
  const certIds = list.map((r) => {
    const hash = (Object.keys(hashOids) as (keyof typeof hashOids)[]).find(
      (h) => hashOids[h] === r.reqCert.hashAlgorithm.algorithm,
    );
    if (!hash)
      throw new PkiError("unsupported_algorithm", `OCSP CertID hash ${r.reqCert.hashAlgorithm.algorithm}`);
    return {
      hash,
      issuerNameHash: toBytes(r.reqCert.issuerNameHash),
      issuerKeyHash: toBytes(r.reqCert.issuerKeyHash),
      serialNumber: magnitude(toBytes(r.reqCert.serialNumber)),
    };
  });
  const nonceExt = req.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  let nonce: Uint8Array | undefined;
  if (nonceExt) {
    nonce = toBytes(nonceExt.extnValue);
    // Clients before RFC 8954 may put the bytes in extnValue bare; their length is then the nonce's.
    const inner = readTlv(nonce, 0);
    const value =
      inner && inner.tag === 0x04 && inner.end === nonce.length
        ? inner.end - inner.contentStart
        : nonce.length;
    if (value < ocspNonceBytesMin || value > ocspNonceBytesMax)
      throw new PkiError("bad_parameters", "OCSP nonce size");
  }
  return { certIds, nonce };
}

/** The issuer name and key hashes by which requests name this CA (RFC 6960 §4.1.1). */
export async function issuerHashes(
  issuerCertificate: Uint8Array,
  hash: OcspCertId["hash"],
  crypto: Crypto = globalThis.crypto,
): Promise<{ issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array }> {
  const cert = AsnConvert.parse(toBytes(issuerCertificate), Certificate);
  const name = AsnConvert.serialize(cert.tbsCertificate.subject);
  const key = cert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey;
  return {
    issuerNameHash: new Uint8Array(await crypto.subtle.digest(hash, name)),
    issuerKeyHash: new Uint8Array(await crypto.subtle.digest(hash, key)),
  };
}

/** Whether a request's CertID names a certificate of this issuer. */
export async function certIdMatchesIssuer(
  id: OcspCertId,
  issuerCertificate: Uint8Array,
  crypto: Crypto = globalThis.crypto,
) {
  const h = await issuerHashes(issuerCertificate, id.hash, crypto);
  return equalBytes(h.issuerNameHash, id.issuerNameHash) && equalBytes(h.issuerKeyHash, id.issuerKeyHash);
}

export interface OcspAnswer {
  certId: OcspCertId;
  status: OcspStatus;
  thisUpdate: Date;
  nextUpdate: Date;
}

export interface OcspResponseOptions {
  /** Who signs: the issuing CA itself, or a delegated OCSP signer it certified. */
  responder: { certificate: Uint8Array; privateKey: CryptoKey; algorithm: CaKeyAlgorithm };
  producedAt: Date;
  answers: readonly OcspAnswer[];
  nonce?: Uint8Array | undefined;
  /** Include the responder's certificate (needed when it is a delegated signer). */
  includeResponderCertificate?: boolean;
}

function certStatus(s: OcspStatus): CertStatus {
  if (s.status === "good") return new CertStatus({ good: null });
  if (s.status === "unknown") return new CertStatus({ unknown: null });
  return new CertStatus({
    revoked: new RevokedInfo({
      revocationTime: s.revokedAt,
      ...(s.reason === "unspecified" ? {} : { revocationReason: new CRLReason(reasonCodes[s.reason]) }),
    }),
  });
}

export async function buildOcspResponse(
  o: OcspResponseOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  const responder = AsnConvert.parse(toBytes(o.responder.certificate), Certificate);
  const keyHash = new Uint8Array(
    await crypto.subtle.digest("SHA-1", responder.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey),
  );
  const data = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(keyHash) }),
    producedAt: new Date(Math.floor(o.producedAt.getTime() / 1000) * 1000),
    responses: o.answers.map(
      (a) =>
        new SingleResponse({
          certID: new CertID({
            hashAlgorithm: new AlgorithmIdentifier({ algorithm: hashOids[a.certId.hash], parameters: null }),
            issuerNameHash: new OctetString(a.certId.issuerNameHash),
            issuerKeyHash: new OctetString(a.certId.issuerKeyHash),
            serialNumber: toBytes(
              a.certId.serialNumber[0]! & 0x80
                ? Uint8Array.of(0, ...a.certId.serialNumber)
                : a.certId.serialNumber,
            ).buffer,
          }),
          certStatus: certStatus(a.status),
          thisUpdate: a.thisUpdate,
          nextUpdate: a.nextUpdate,
        }),
    ),
    ...(o.nonce
      ? {
          responseExtensions: [
            new Extension({ extnID: id_pkix_ocsp_nonce, extnValue: new OctetString(o.nonce) }),
          ],
        }
      : {}),
  });
  const tbs = AsnConvert.serialize(data);
  const signature = await caSign(o.responder.algorithm, o.responder.privateKey, tbs, crypto);
  const basic = new BasicOCSPResponse({
    tbsResponseData: data,
    signatureAlgorithm: caSignatureAlgorithm(o.responder.algorithm),
    signature: toBytes(signature).buffer,
    ...(o.includeResponderCertificate ? { certs: [responder] } : {}),
  });
  return new Uint8Array(
    AsnConvert.serialize(
      new OCSPResponse({
        responseStatus: OCSPResponseStatus.successful,
        responseBytes: new ResponseBytes({
          responseType: id_pkix_ocsp_basic,
          response: new OctetString(AsnConvert.serialize(basic)),
        }),
      }),
    ),
  );
}

export type OcspErrorStatus = "malformedRequest" | "internalError" | "tryLater" | "unauthorized";

/** An unsigned error response (RFC 6960 §2.3): no responseBytes. */
export function ocspErrorResponse(status: OcspErrorStatus): Uint8Array {
  return new Uint8Array(
    AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus[status] })),
  );
}
