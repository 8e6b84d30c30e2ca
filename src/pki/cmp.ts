// CMP messages (RFC 4210): reading a PKIMessage while keeping the exact bytes its protection
// covers, writing one, and the two protections a CA meets: the password-based MAC keyed by an
// authorisation code (RFC 4210 §5.1.3.1 with RFC 4211 §4.4's PBMParameter) and a signature by a
// certificate's key (§5.1.3.3). Hand-written on the declarations in asn1/cmp.ts.
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { AsnConvert, BitString, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate, GeneralName, Name } from "@peculiar/asn1-x509";
import {
  type InfoTypeAndValue,
  PkiBody,
  type PkiBodyType,
  type PkiFailure,
  PkiFreeText,
  PkiHeader,
  PkiStatusInfo,
  pkiBodyTags,
  pkiFailureBits,
} from "./asn1/cmp.ts";
import { id_PasswordBasedMac, PbmParameter } from "./asn1/crmf.ts";
import { equalBytes, toArrayBuffer, toBytes, toHex } from "./bytes.ts";
import { signatureAlgorithmOf, signDer, verifyDer } from "./crmf.ts";
import { readTlv, sequence, tlv, tlvOf } from "./der.ts";
import { PkiError } from "./errors.ts";

/**
 * The PBM iteration count a CA accepts: at least 100 (RFC 4211 §4.4 and OpenSSL's floor) and at
 * most 100,000 (OpenSSL's ceiling), so one request cannot tie up a core for long.
 */
export const pbmIterationsMin = 100;
export const pbmIterationsMax = 100_000;

/** What our own client asks for: ten thousand SHA-256 rounds, HMAC-SHA256. */
export const pbmIterationsDefault = 10_000;

const owfs: Record<string, (data: Uint8Array) => Uint8Array> = {
  "1.3.14.3.2.26": sha1,
  "2.16.840.1.101.3.4.2.1": sha256,
  "2.16.840.1.101.3.4.2.2": sha384,
  "2.16.840.1.101.3.4.2.3": sha512,
};
const macs: Record<string, string> = {
  "1.3.6.1.5.5.8.1.2": "SHA-1", // hmac-sha1 (RFC 4210's own), OpenSSL's default
  "1.2.840.113549.2.7": "SHA-1", // hmacWithSHA1
  "1.2.840.113549.2.9": "SHA-256",
  "1.2.840.113549.2.10": "SHA-384",
  "1.2.840.113549.2.11": "SHA-512",
};
const id_sha256 = "2.16.840.1.101.3.4.2.1";
const id_hmacWithSHA256 = "1.2.840.113549.2.9";

/** A parsed PKIMessage with the bytes its protection was computed over. */
export interface CmpMessage {
  der: Uint8Array;
  header: PkiHeader;
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
    header = AsnConvert.parse(der.subarray(h.start, h.end), PkiHeader);
  } catch (e) {
    throw malformed("unreadable header", e);
  }
  const bodyTag = b.tag & 0x1f;
  const bodyType = bodyTypeByTag.get(bodyTag);
  let body: PkiBody | undefined;
  if (bodyType && declaredBodies.has(bodyType)) {
    try {
      body = AsnConvert.parse(der.subarray(b.start, b.end), PkiBody);
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
    bodyTag,
    bodyType,
    body,
    protectedPart: sequence(der.subarray(h.start, h.end), der.subarray(b.start, b.end)),
    protection,
    extraCerts,
  };
}

/** The base key and HMAC key of a password-based MAC, computed once per secret and parameters. */
export interface PbmKey {
  params: PbmParameter;
  hmacKey: CryptoKey;
}

/** The PBMParameter of a MAC-protected message; bad_parameters for an iteration count out of bounds. */
export function readPbmParameter(alg: AlgorithmIdentifier): PbmParameter {
  if (alg.algorithm !== id_PasswordBasedMac || !alg.parameters) {
    throw new PkiError("unsupported_algorithm", `protection algorithm ${alg.algorithm}`);
  }
  let params: PbmParameter;
  try {
    params = AsnConvert.parse(alg.parameters, PbmParameter);
  } catch (e) {
    throw new PkiError("malformed", "unreadable PBMParameter", { cause: e });
  }
  if (!Number.isSafeInteger(params.iterationCount)) {
    throw new PkiError("bad_parameters", "PBM iteration count out of range");
  }
  if (params.iterationCount < pbmIterationsMin || params.iterationCount > pbmIterationsMax) {
    throw new PkiError(
      "bad_parameters",
      `PBM iteration count ${params.iterationCount} outside ${pbmIterationsMin}–${pbmIterationsMax}`,
    );
  }
  if (params.salt.byteLength < 8 || params.salt.byteLength > 64) {
    throw new PkiError("bad_parameters", "PBM salt must be 8–64 bytes");
  }
  if (!owfs[params.owf.algorithm] || !macs[params.mac.algorithm]) {
    throw new PkiError("unsupported_algorithm", `PBM with ${params.owf.algorithm} / ${params.mac.algorithm}`);
  }
  return params;
}

/**
 * RFC 4211 §4.4: BASEKEY = OWF(secret ‖ salt), hashed again iterationCount − 1 times (as OpenSSL
 * counts), then HMAC keyed by BASEKEY. Synchronous hashing: tens of thousands of awaited WebCrypto
 * digests would take a hundred times longer.
 */
export async function pbmKey(
  secret: Uint8Array,
  params: PbmParameter,
  crypto: Crypto = globalThis.crypto,
): Promise<PbmKey> {
  const owf = owfs[params.owf.algorithm];
  const hash = macs[params.mac.algorithm];
  if (!owf || !hash) throw new PkiError("unsupported_algorithm", "PBM algorithms");
  const salt = new Uint8Array(params.salt.buffer);
  const first = new Uint8Array(secret.length + salt.length);
  first.set(secret);
  first.set(salt, secret.length);
  let key = owf(first);
  for (let i = 1; i < params.iterationCount; i++) key = owf(key);
  const hmacKey = await crypto.subtle.importKey("raw", toBytes(key), { name: "HMAC", hash }, false, [
    "sign",
    "verify",
  ]);
  return { params, hmacKey };
}

/** Fresh PBM parameters for our own client (SHA-256, HMAC-SHA256, 16-byte salt). */
export function newPbmParameter(
  iterations = pbmIterationsDefault,
  crypto: Crypto = globalThis.crypto,
): PbmParameter {
  return new PbmParameter({
    salt: new OctetString(crypto.getRandomValues(new Uint8Array(16))),
    owf: new AlgorithmIdentifier({ algorithm: id_sha256 }),
    iterationCount: iterations,
    mac: new AlgorithmIdentifier({ algorithm: id_hmacWithSHA256, parameters: null }),
  });
}

export function pbmAlgorithm(params: PbmParameter): AlgorithmIdentifier {
  return new AlgorithmIdentifier({
    algorithm: id_PasswordBasedMac,
    parameters: AsnConvert.serialize(params),
  });
}

/** Whether a MAC-protected message verifies under this key (constant-time, by WebCrypto). */
export async function verifyMacProtection(
  msg: CmpMessage,
  key: PbmKey,
  crypto: Crypto = globalThis.crypto,
): Promise<boolean> {
  if (!msg.protection) return false;
  return crypto.subtle.verify("HMAC", key.hmacKey, msg.protection, toBytes(msg.protectedPart));
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
  return verifyDer(spki, alg, msg.protection, msg.protectedPart, crypto);
}

export type CmpProtection =
  | { kind: "mac"; key: PbmKey }
  | { kind: "signature"; key: CryptoKey; certificates?: Uint8Array[] };

export interface CmpHeaderFields {
  sender: GeneralName;
  recipient: GeneralName;
  transactionID: Uint8Array;
  senderNonce: Uint8Array;
  recipNonce?: Uint8Array | undefined;
  senderKID?: Uint8Array | undefined;
  messageTime?: Date;
  freeText?: string[];
  generalInfo?: InfoTypeAndValue[];
}

/** Writes and protects one PKIMessage. extraCerts: the signer's certificates, then any others. */
export async function buildPkiMessage(
  fields: CmpHeaderFields,
  body: PkiBody,
  protection: CmpProtection | undefined,
  extraCerts: Uint8Array[] = [],
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array<ArrayBuffer>> {
  const octets = (b: Uint8Array | undefined) => (b ? new OctetString(toBytes(b)) : undefined);
  const header = new PkiHeader({
    pvno: 2,
    sender: fields.sender,
    recipient: fields.recipient,
    messageTime: fields.messageTime
      ? new Date(Math.floor(fields.messageTime.getTime() / 1000) * 1000)
      : undefined,
    senderKID: octets(fields.senderKID),
    transactionID: octets(fields.transactionID),
    senderNonce: octets(fields.senderNonce),
    recipNonce: octets(fields.recipNonce),
    freeText: fields.freeText?.length ? new PkiFreeText(fields.freeText) : undefined,
    generalInfo: fields.generalInfo?.length ? fields.generalInfo : undefined,
  });
  let signatureKey: CryptoKey | undefined;
  if (protection?.kind === "mac") header.protectionAlg = pbmAlgorithm(protection.key.params);
  if (protection?.kind === "signature") {
    signatureKey = protection.key;
    header.protectionAlg = signatureAlgorithmOf(signatureKey);
  }
  const headerDer = new Uint8Array(AsnConvert.serialize(header));
  const bodyDer = new Uint8Array(AsnConvert.serialize(body));
  const protectedPart = sequence(headerDer, bodyDer);
  let bits: ArrayBuffer | undefined;
  if (protection?.kind === "mac") {
    bits = await crypto.subtle.sign("HMAC", protection.key.hmacKey, toBytes(protectedPart));
  } else if (signatureKey) {
    bits = (await signDer(signatureKey, protectedPart, crypto)).signature;
  }
  const certs = [...(protection?.kind === "signature" ? (protection.certificates ?? []) : []), ...extraCerts];
  // The outer SEQUENCE is written around the DER already made, not serialized a second time.
  const parts: Uint8Array[] = [headerDer, bodyDer];
  if (bits) parts.push(tlv(0xa0, tlv(0x03, Uint8Array.of(0), new Uint8Array(bits))));
  if (certs.length) parts.push(tlv(0xa1, tlvOf(0x30, certs)));
  return toBytes(tlvOf(0x30, parts));
}

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

/** The hash of each signature algorithm, keyed by the DER content of its OID. */
const certHashByOidDer = new Map<string, string>([
  ["2a864886f70d01010b", "SHA-256"], // sha256WithRSAEncryption
  ["2a864886f70d01010c", "SHA-384"], // sha384WithRSAEncryption
  ["2a864886f70d01010d", "SHA-512"], // sha512WithRSAEncryption
  ["2a8648ce3d040302", "SHA-256"], // ecdsa-with-SHA256
  ["2a8648ce3d040303", "SHA-384"], // ecdsa-with-SHA384
  ["2a8648ce3d040304", "SHA-512"], // ecdsa-with-SHA512
]);

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
  const hash = certHashByOidDer.get(toHex(certificate.subarray(oid.contentStart, oid.end)));
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
