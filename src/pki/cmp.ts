// CMP messages (RFC 4210): reading a PKIMessage while keeping the exact bytes its protection
// covers, writing one, and checking a signature by a certificate's key (§5.1.3.3); the
// password-based MAC is in cmp-pbm.ts, PKIStatusInfo in cmp-status.ts. Hand-written on the
// declarations in asn1/cmp.ts; the header and the answers a CA sends for every issuance
// (ip/cp/kup, pkiconf) are written as DER directly, which the tests hold byte for byte to what
// asn1-schema writes from those declarations.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, GeneralName, Name } from "@peculiar/asn1-x509";
import {
  CertifiedKeyPair,
  CertOrEncCert,
  CertRepMessage,
  CertResponse,
  type InfoTypeAndValue,
  PkiBody,
  type PkiBodyType,
  PkiFreeText,
  PkiHeader,
  PkiStatusInfo,
  pkiBodyTags,
} from "./asn1/cmp.ts";
import { equalBytes, toArrayBuffer, toBytes } from "./bytes.ts";
import type { PbmKey } from "./cmp-pbm.ts";
import { statusInfo } from "./cmp-status.ts";
import { readTlv, sequence, type TlvSpan, tlv, tlvOf } from "./der.ts";
import { PkiError } from "./errors.ts";
import {
  signatureAlgorithmByOidContent,
  signatureAlgorithmFor,
  signData,
  verifySignature,
} from "./signature-algorithms.ts";

/** A parsed PKIMessage with the bytes its protection was computed over. */
export interface CmpMessage {
  der: Uint8Array;
  header: PkiHeader;
  /** The header's sender GeneralName as received, DER: the recipient of an answer. */
  senderDer: Uint8Array;
  /** The PKIBody's context tag number (RFC 4210 §5.1.2). */
  bodyTag: number;
  bodyType: PkiBodyType | undefined;
  /** Parsed for the alternatives asn1/cmp.ts declares; undefined for the others. */
  body: PkiBody | undefined;
  /** DER of ProtectedPart built from the received header and body bytes (never re-encoded). */
  protectedPart: Uint8Array;
  protection: ArrayBuffer | undefined;
  /** Each as received: the signer's certificate first when the message is signed. */
  extraCerts: Uint8Array[];
}

const bodyTypeByTag = new Map<number, PkiBodyType>(
  Object.entries(pkiBodyTags).map(([k, v]) => [v, k as PkiBodyType]),
);
const declaredBodies = new Set<PkiBodyType>([
  "ir",
  "ip",
  "cr",
  "cp",
  "kur",
  "kup",
  "rr",
  "rp",
  "pkiconf",
  "error",
  "certConf",
]);

/** Reads the header alone, for answering a message whose body could not be read. */
export function parsePkiHeader(der: Uint8Array): PkiHeader | undefined {
  const outer = readTlv(der, 0);
  const header = outer && outer.tag === 0x30 ? readTlv(der, outer.contentStart) : undefined;
  if (header?.tag !== 0x30) return undefined;
  try {
    return AsnConvert.parse(der.subarray(header.start, header.end), PkiHeader);
  } catch {
    return undefined;
  }
}

function lazyGeneralName(header: PkiHeader, field: "sender" | "recipient", der: Uint8Array): void {
  let value: GeneralName | undefined;
  Object.defineProperty(header, field, {
    enumerable: true,
    configurable: true,
    get: () => {
      try {
        value ??= AsnConvert.parse(der, GeneralName);
      } catch (e) {
        throw new PkiError("malformed", `not a PKIMessage: unreadable ${field}`, { cause: e });
      }
      return value;
    },
    set: (v: GeneralName) => {
      value = v;
    },
  });
}

const headerOctets = ["senderKID", "recipKID", "transactionID", "senderNonce", "recipNonce"] as const;

/**
 * PKIHeader off the DER when it holds what CMP exchanges carry (no freeText, no generalInfo): the
 * names and protectionAlg through asn1-schema, the rest by hand. Undefined for anything else,
 * which asn1-schema then reads whole.
 */
function readPlainHeader(der: Uint8Array, h: TlvSpan): PkiHeader | undefined {
  const pvno = readTlv(der, h.contentStart);
  if (pvno?.tag !== 0x02 || pvno.end - pvno.contentStart !== 1) return undefined;
  const sender = readTlv(der, pvno.end);
  const recipient = sender && readTlv(der, sender.end);
  if (!recipient || recipient.end > h.end) return undefined;
  const header = new PkiHeader({ pvno: der[pvno.contentStart]! });
  // The names are read when first asked for (a malformed one throws then): a client checking an
  // answer never looks at them, and a directory name is the costliest part of a header to parse.
  lazyGeneralName(header, "sender", der.subarray(sender!.start, sender!.end));
  lazyGeneralName(header, "recipient", der.subarray(recipient.start, recipient.end));
  let last = -1;
  for (let at = recipient.end; at < h.end; ) {
    const field = readTlv(der, at);
    const n = field ? field.tag - 0xa0 : -1;
    const inner = field && readTlv(der, field.contentStart);
    if (!field || field.end > h.end || n <= last || n > 6 || inner?.end !== field.end) return undefined;
    if (n === 0) {
      // GeneralizedTime, whole seconds: YYYYMMDDHHMMSSZ.
      const t = new TextDecoder().decode(der.subarray(inner.contentStart, inner.end));
      if (inner.tag !== 0x18 || !/^\d{14}Z$/.test(t)) return undefined;
      const num = (from: number, to: number) => Number(t.slice(from, to));
      header.messageTime = new Date(
        Date.UTC(num(0, 4), num(4, 6) - 1, num(6, 8), num(8, 10), num(10, 12), num(12, 14)),
      );
    } else if (n === 1) {
      if (inner.tag !== 0x30) return undefined;
      header.protectionAlg = AsnConvert.parse(der.subarray(inner.start, inner.end), AlgorithmIdentifier);
    } else {
      if (inner.tag !== 0x04) return undefined;
      header[headerOctets[n - 2]!] = new OctetString(der.slice(inner.contentStart, inner.end));
    }
    last = n;
    at = field.end;
  }
  return header;
}

/**
 * The bodies every enrolment ends with, read off the DER when they have the plain shape a CA
 * sends (the inverse of `certRepBody`, and pkiconf): a CertRepMessage whose responses carry a bare
 * status and a certificate. The ASN.1 library would build a tree of every certificate in it just
 * to hand back their bytes. Undefined for any other shape, which the library then reads.
 */
function readPlainBody(der: Uint8Array, b: TlvSpan, type: PkiBodyType): PkiBody | undefined {
  if (type === "pkiconf") {
    const n = readTlv(der, b.contentStart);
    return n?.tag === 0x05 && n.end === b.end && n.contentStart === n.end
      ? new PkiBody({ pkiconf: null })
      : undefined;
  }
  if (type !== "ip" && type !== "cp" && type !== "kup") return undefined;
  const rep = readTlv(der, b.contentStart);
  if (rep?.tag !== 0x30 || rep.end !== b.end) return undefined;
  let at = rep.contentStart;
  let caPubs: ArrayBuffer[] | undefined;
  const first = readTlv(der, at);
  if (first?.tag === 0xa1) {
    const seq = readTlv(der, first.contentStart);
    if (seq?.tag !== 0x30 || seq.end !== first.end) return undefined;
    caPubs = [];
    for (let c = seq.contentStart; c < seq.end; ) {
      const cert = readTlv(der, c);
      if (cert?.tag !== 0x30 || cert.end > seq.end) return undefined;
      caPubs.push(toArrayBuffer(der.subarray(cert.start, cert.end)));
      c = cert.end;
    }
    at = first.end;
  }
  const list = readTlv(der, at);
  if (list?.tag !== 0x30 || list.end !== rep.end) return undefined;
  const response: CertResponse[] = [];
  for (let r = list.contentStart; r < list.end; ) {
    const one = readTlv(der, r);
    const id = one?.tag === 0x30 ? readTlv(der, one.contentStart) : undefined;
    const status = id?.tag === 0x02 && id.end - id.contentStart === 1 ? readTlv(der, id.end) : undefined;
    const value = status?.tag === 0x30 ? readTlv(der, status.contentStart) : undefined;
    const pair = value?.tag === 0x02 && value.end === status!.end ? readTlv(der, status!.end) : undefined;
    const choice = pair?.tag === 0x30 ? readTlv(der, pair.contentStart) : undefined;
    const cert =
      choice?.tag === 0xa0 && choice.end === pair!.end ? readTlv(der, choice.contentStart) : undefined;
    // Any element missing, or more than these in it (a statusString, a failInfo, rspInfo): not plain.
    if (!one || !pair || !cert || one.end > list.end || pair.end !== one.end || cert.tag !== 0x30) {
      return undefined;
    }
    if (
      cert.end !== choice!.end ||
      value!.end - value!.contentStart !== 1 ||
      der[value!.contentStart]! >= 0x80
    ) {
      return undefined;
    }
    response.push(
      new CertResponse({
        certReqId: (der[id!.contentStart]! << 24) >> 24,
        status: new PkiStatusInfo({ status: der[value!.contentStart]! }),
        certifiedKeyPair: new CertifiedKeyPair({
          certOrEncCert: new CertOrEncCert({
            certificate: toArrayBuffer(der.subarray(cert.start, cert.end)),
          }),
        }),
      }),
    );
    r = one.end;
  }
  return new PkiBody({ [type]: new CertRepMessage({ caPubs, response }) });
}

export function parsePkiMessage(input: Uint8Array): CmpMessage {
  const der = toBytes(input);
  const malformed = (why: string, cause?: unknown) =>
    new PkiError("malformed", `not a PKIMessage: ${why}`, cause === undefined ? undefined : { cause });
  const outer = readTlv(der, 0);
  if (outer?.tag !== 0x30 || outer.end !== der.length) throw malformed("no single DER SEQUENCE");
  const h = readTlv(der, outer.contentStart);
  if (h?.tag !== 0x30) throw malformed("no header");
  const b = readTlv(der, h.end);
  if (!b || b.end > outer.end || (b.tag & 0xe0) !== 0xa0) throw malformed("no body");
  let header: PkiHeader;
  try {
    header = readPlainHeader(der, h) ?? AsnConvert.parse(der.subarray(h.start, h.end), PkiHeader);
  } catch (e) {
    throw malformed("unreadable header", e);
  }
  // PKIHeader ::= SEQUENCE { pvno INTEGER, sender GeneralName, ... }: it parsed, so both are
  // there, but the schema reader takes BER lengths, which readTlv (DER only) does not.
  const pvno = readTlv(der, h.contentStart);
  const sender = pvno && readTlv(der, pvno.end);
  if (!sender) throw malformed("header not in DER");
  const bodyTag = b.tag & 0x1f;
  const bodyType = bodyTypeByTag.get(bodyTag);
  let body: PkiBody | undefined;
  if (bodyType && declaredBodies.has(bodyType)) {
    try {
      body = readPlainBody(der, b, bodyType) ?? AsnConvert.parse(der.subarray(b.start, b.end), PkiBody);
    } catch (e) {
      throw malformed(`unreadable ${bodyType} body`, e);
    }
  }
  let at = b.end;
  let protection: ArrayBuffer | undefined;
  const extraCerts: Uint8Array[] = [];
  let next = at < outer.end ? readTlv(der, at) : undefined;
  if (next && next.tag === 0xa0) {
    const bits = readTlv(der, next.contentStart);
    if (bits?.tag !== 0x03 || bits.end !== next.end || bits.end - bits.contentStart < 1) {
      throw malformed("unreadable protection");
    }
    if (der[bits.contentStart] !== 0) throw malformed("protection has unused bits");
    protection = toArrayBuffer(der.subarray(bits.contentStart + 1, bits.end));
    at = next.end;
    next = at < outer.end ? readTlv(der, at) : undefined;
  }
  if (next && next.tag === 0xa1) {
    const seq = readTlv(der, next.contentStart);
    if (seq?.tag !== 0x30 || seq.end !== next.end) throw malformed("unreadable extraCerts");
    for (let c = seq.contentStart; c < seq.end; ) {
      const cert = readTlv(der, c);
      if (cert?.tag !== 0x30 || cert.end > seq.end) throw malformed("unreadable extraCerts");
      extraCerts.push(der.slice(cert.start, cert.end));
      c = cert.end;
    }
    at = next.end;
  }
  if (at !== outer.end) throw malformed("unexpected trailing content");
  return {
    der,
    header,
    senderDer: der.slice(sender.start, sender.end),
    bodyTag,
    bodyType,
    body,
    protectedPart: sequence(der.subarray(h.start, h.end), der.subarray(b.start, b.end)),
    protection,
    extraCerts,
  };
}

/** Whether a signature-protected message verifies under the certificate's key. */
export async function verifySignatureProtection(
  msg: CmpMessage,
  certificate: Uint8Array,
  crypto: Crypto = globalThis.crypto,
): Promise<boolean> {
  const alg = msg.header.protectionAlg;
  if (!msg.protection || !alg) return false;
  let spki: Uint8Array;
  try {
    const cert = AsnConvert.parse(toBytes(certificate), Certificate);
    spki = new Uint8Array(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo));
  } catch (e) {
    throw new PkiError("malformed", "the signer certificate is not an X.509 certificate", { cause: e });
  }
  return verifySignature({
    publicKey: spki,
    algorithm: alg,
    signature: msg.protection,
    data: msg.protectedPart,
    crypto,
  });
}

export type CmpProtection =
  | { kind: "mac"; key: PbmKey }
  | { kind: "signature"; key: CryptoKey; certificates?: Uint8Array[] };

export interface CmpHeaderFields {
  /** A GeneralName, or its DER. */
  sender: GeneralName | Uint8Array;
  recipient: GeneralName | Uint8Array;
  transactionID: Uint8Array;
  senderNonce: Uint8Array;
  recipNonce?: Uint8Array | undefined;
  senderKID?: Uint8Array | undefined;
  messageTime?: Date;
  freeText?: string[];
  generalInfo?: InfoTypeAndValue[];
}

const derOf = (n: GeneralName | Uint8Array) =>
  n instanceof Uint8Array ? n : new Uint8Array(AsnConvert.serialize(n));
const octetsField = (tag: number, b: Uint8Array | undefined) => (b ? [tlv(tag, tlv(0x04, b))] : []);

/** GeneralizedTime in whole seconds, YYYYMMDDHHMMSSZ (RFC 4210 §5.1.1 messageTime). */
function generalizedTime(d: Date): Uint8Array {
  const iso = d.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x18, new TextEncoder().encode(digits));
}

/** PKIHeader (RFC 4210 §5.1.1) as DER; the module's tags are explicit. */
function writePkiHeader(fields: CmpHeaderFields, protectionAlg: Uint8Array | undefined): Uint8Array {
  const parts: Uint8Array[] = [
    Uint8Array.of(0x02, 0x01, 0x02),
    derOf(fields.sender),
    derOf(fields.recipient),
  ];
  if (fields.messageTime) parts.push(tlv(0xa0, generalizedTime(fields.messageTime)));
  if (protectionAlg) parts.push(tlv(0xa1, protectionAlg));
  parts.push(
    ...octetsField(0xa2, fields.senderKID),
    ...octetsField(0xa4, fields.transactionID),
    ...octetsField(0xa5, fields.senderNonce),
    ...octetsField(0xa6, fields.recipNonce),
  );
  if (fields.freeText?.length) {
    parts.push(tlv(0xa7, new Uint8Array(AsnConvert.serialize(new PkiFreeText(fields.freeText)))));
  }
  if (fields.generalInfo?.length) {
    const info = fields.generalInfo.map((i) => new Uint8Array(AsnConvert.serialize(i)));
    parts.push(tlv(0xa8, tlvOf(0x30, info)));
  }
  return tlvOf(0x30, parts);
}

/**
 * Writes and protects one PKIMessage. The body is a PkiBody, or DER already written (see
 * `certRepBody`). extraCerts: the signer's certificates, then any others.
 */
export async function buildPkiMessage(
  fields: CmpHeaderFields,
  body: PkiBody | Uint8Array,
  protection: CmpProtection | undefined,
  extraCerts: Uint8Array[] = [],
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  const signatureAlgorithm =
    protection?.kind === "signature" ? signatureAlgorithmFor(protection.key) : undefined;
  const protectionAlg =
    protection?.kind === "mac" ? protection.key.algorithm : signatureAlgorithm?.identifierDer;
  const headerDer = writePkiHeader(fields, protectionAlg);
  const bodyDer = body instanceof Uint8Array ? body : new Uint8Array(AsnConvert.serialize(body));
  const protectedPart = sequence(headerDer, bodyDer);
  let bits: Uint8Array | undefined;
  if (protection?.kind === "mac") {
    bits = new Uint8Array(await crypto.subtle.sign("HMAC", protection.key.hmacKey, toBytes(protectedPart)));
  } else if (protection?.kind === "signature") {
    const signed = await signData({
      key: protection.key,
      algorithm: signatureAlgorithm,
      data: protectedPart,
      crypto,
    });
    bits = signed.signature;
  }
  const certs = [...(protection?.kind === "signature" ? (protection.certificates ?? []) : []), ...extraCerts];
  // The outer SEQUENCE is written around the DER already made, not serialized a second time.
  const parts: Uint8Array[] = [headerDer, bodyDer];
  if (bits) parts.push(tlv(0xa0, tlv(0x03, Uint8Array.of(0), bits)));
  if (certs.length) parts.push(tlv(0xa1, tlvOf(0x30, certs)));
  return toBytes(tlvOf(0x30, parts));
}

/**
 * The body of an ip, cp or kup carrying one certificate (RFC 4210 §5.3.4), as DER:
 * [tag] CertRepMessage { caPubs [1] SEQUENCE OF CMPCertificate OPTIONAL,
 * response SEQUENCE { CertResponse { certReqId, PKIStatusInfo { status }, CertifiedKeyPair {
 * certOrEncCert [0] certificate } } } }.
 */
export function certRepBody(
  type: "ip" | "cp" | "kup",
  rep: { certReqId: number; status: number; certificate: Uint8Array; caPubs?: Uint8Array[] | undefined },
): Uint8Array {
  if (
    !Number.isSafeInteger(rep.certReqId) ||
    rep.certReqId < -128 ||
    rep.certReqId > 127 ||
    !(rep.status >= 0 && rep.status <= 6)
  ) {
    return new Uint8Array(
      AsnConvert.serialize(
        new PkiBody({
          [type]: new CertRepMessage({
            caPubs: rep.caPubs?.map((c) => toArrayBuffer(c)),
            response: [
              new CertResponse({
                certReqId: rep.certReqId,
                status: statusInfo(rep.status),
                certifiedKeyPair: new CertifiedKeyPair({
                  certOrEncCert: new CertOrEncCert({ certificate: toArrayBuffer(rep.certificate) }),
                }),
              }),
            ],
          }),
        }),
      ),
    );
  }
  // certReqId fits one octet (CMP uses 0, or -1 for a p10cr); the status is 0 to 6.
  const response = sequence(
    Uint8Array.of(0x02, 0x01, rep.certReqId & 0xff),
    Uint8Array.of(0x30, 0x03, 0x02, 0x01, rep.status),
    sequence(tlv(0xa0, rep.certificate)),
  );
  const parts = rep.caPubs?.length ? [tlv(0xa1, tlvOf(0x30, rep.caPubs))] : [];
  parts.push(sequence(response));
  return tlv(0xa0 | pkiBodyTags[type], tlvOf(0x30, parts));
}

/** The pkiconf body (RFC 4210 §5.3.17): [19] NULL. */
export const pkiConfBody = Uint8Array.of(0xb3, 0x02, 0x05, 0x00);

/**
 * certHash of a certConf (RFC 4210 §5.3.18): the certificate hashed with the hash of the algorithm
 * that signed it, as OpenSSL computes it.
 */
export async function certificateHash(certificate: Uint8Array, crypto: Crypto = globalThis.crypto) {
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }: only the
  // algorithm's OID is needed, so it is read off the DER without parsing the rest.
  const cert = readTlv(certificate, 0);
  const tbs = cert && readTlv(certificate, cert.contentStart);
  const alg = tbs && readTlv(certificate, tbs.end);
  const oid = alg && readTlv(certificate, alg.contentStart);
  if (cert?.tag !== 0x30 || tbs?.tag !== 0x30 || alg?.tag !== 0x30 || oid?.tag !== 0x06) {
    throw new PkiError("malformed", "not an X.509 certificate");
  }
  const hash = signatureAlgorithmByOidContent(certificate.subarray(oid.contentStart, oid.end))?.hash;
  if (!hash) throw new PkiError("unsupported_algorithm", "the certificate's signature algorithm");
  return new Uint8Array(await crypto.subtle.digest(hash, toBytes(certificate)));
}

/** A directoryName GeneralName; the NULL-DN (an empty Name) when absent, as RFC 4210 §5.1.1 allows. */
export function directoryName(name?: Name): GeneralName {
  return new GeneralName({ directoryName: name ?? new Name() });
}

export function bytesOf(octets: OctetString | undefined): Uint8Array | undefined {
  return octets ? new Uint8Array(octets.buffer) : undefined;
}

/** Whether two optional octet strings hold the same bytes (both absent counts as equal). */
export function sameOctets(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : equalBytes(a, b);
}
