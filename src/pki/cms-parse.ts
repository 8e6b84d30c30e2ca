// Reading a CMS SignedData (RFC 5652 §5.1–5.4) for verification: the fields a check needs, with
// the exact bytes its signature covers (the signed attributes as §5.4's SET OF, each certificate as
// carried). Hand-written on purpose: reading a 1.5 KB SignedData through asn1js and asn1-schema
// cost about 2.5 ms of CPU, most of a transfer signature's check on the server (docs/benchmarks.md,
// "Transfer signatures"); this walks the BER once into offsets and reads only the fields that
// RFC 5652 §5 (and RFC 5280 §4.1 for the carried certificates) place where verification looks.
// It takes BER (indefinite lengths and OCTET STRINGs in pieces, as OpenSSL's -stream writes) and
// refuses an element that overruns the one holding it, trailing bytes, and nesting deeper than
// any SignedData needs, always as PkiError "malformed".
import { toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";

/** A SignedData larger than this is refused before parsing; a transfer's canonical form is far smaller. */
export const signatureBytesMax = 16 * 1024 * 1024;

/** The OIDs it looks for: signedData (RFC 5652 §5.1), §11.1–11.3's attributes, RFC 5280 §4.2.1.2's extension. */
const oidSignedData = "1.2.840.113549.1.7.2";
const oidContentType = "1.2.840.113549.1.9.3";
const oidMessageDigest = "1.2.840.113549.1.9.4";
const oidSigningTime = "1.2.840.113549.1.9.5";
const oidSubjectKeyIdentifier = "2.5.29.14";

/** An AlgorithmIdentifier: its OID, the OID's content octets, and the parameters' DER if present. */
export interface AlgorithmParts {
  oid: string;
  oidContent: Uint8Array;
  parameters: Uint8Array | undefined;
}

/** A `certificate` choice of the certificates field (RFC 5280 §4.1), with the parts a check reads. */
export interface CarriedCertificate {
  /** The certificate's bytes as carried (a fresh copy). */
  der: Uint8Array;
  /** The serialNumber INTEGER's content octets. */
  serial: Uint8Array;
  /** The issuer Name's bytes, tag and length included. */
  issuer: Uint8Array;
  /** The SubjectPublicKeyInfo's bytes, tag and length included. */
  spki: Uint8Array;
  /** The key identifier of the first subjectKeyIdentifier extension, if any and if it reads. */
  subjectKeyIdentifier: Uint8Array | undefined;
}

export type SignerIdentifierParts = { issuer: Uint8Array; serial: Uint8Array } | { keyId: Uint8Array };

export interface SignerInfoParts {
  sid: SignerIdentifierParts;
  digestAlgorithm: AlgorithmParts;
  /** The signed attributes as §5.4 has them signed: the SET OF tag in place of [0]. */
  signedAttrsDer: Uint8Array | undefined;
  signatureAlgorithm: AlgorithmParts;
  signature: Uint8Array;
}

export interface ParsedSignedData {
  /** encapContentInfo's eContentType. */
  contentType: string;
  /** The eContent's octets when attached (joined when BER splits them); undefined when detached. */
  content: Uint8Array | undefined;
  /** The `certificate` choices of the certificates field, in order (other choices are skipped). */
  certificates: CarriedCertificate[];
  signerInfos: SignerInfoParts[];
}

/** One BER element: its first identifier octet (-1 for a high tag number) and where its parts lie. */
interface Node {
  tag: number;
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
  /** The elements inside a constructed one; undefined for a primitive one. */
  children: Node[] | undefined;
}

/** Deeper than any SignedData with its certificates goes (about a dozen levels). */
const depthMax = 48;

function malformed(message: string): never {
  throw new PkiError("malformed", message);
}

/** Reads the element at `offset`, which must end by `limit`, and the elements inside it. */
function readNode(bytes: Uint8Array, offset: number, limit: number, depth: number): Node {
  if (depth > depthMax) malformed("the elements nest too deep");
  if (offset >= limit) malformed("an element is cut short");
  const first = bytes[offset]!;
  let p = offset + 1;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // X.690 §8.1.2.4: the tag number follows in base 128; no field this reads has one.
    tag = -1;
    for (let n = 0; ; n++) {
      if (p >= limit || n === 4) malformed("an identifier octet run is cut short or too long");
      if ((bytes[p++]! & 0x80) === 0) break;
    }
  }
  if (p >= limit) malformed("an element is cut short");
  const constructed = (first & 0x20) !== 0;
  let length = bytes[p++]!;
  if (length === 0x80) {
    // §8.1.3.6: indefinite length, constructed only, closed by end-of-contents (00 00).
    if (!constructed) malformed("a primitive element with an indefinite length");
    const children: Node[] = [];
    let q = p;
    for (;;) {
      if (q + 1 < limit && bytes[q] === 0 && bytes[q + 1] === 0) {
        return { tag, start: offset, contentStart: p, contentEnd: q, end: q + 2, children };
      }
      const child = readNode(bytes, q, limit, depth + 1);
      children.push(child);
      q = child.end;
    }
  }
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n > 4 || p + n > limit) malformed("a length is too long or cut short");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p++]!;
  }
  const end = p + length;
  if (end > limit) malformed("an element overruns the one that holds it");
  if (!constructed) return { tag, start: offset, contentStart: p, contentEnd: end, end, children: undefined };
  const children: Node[] = [];
  for (let q = p; q < end; ) {
    const child = readNode(bytes, q, end, depth + 1);
    children.push(child);
    q = child.end;
  }
  return { tag, start: offset, contentStart: p, contentEnd: end, end, children };
}

/** The whole input as one element, with nothing after it. */
function readWhole(bytes: Uint8Array, what: string): Node {
  const node = readNode(bytes, 0, bytes.length, 0);
  if (node.end !== bytes.length) malformed(`trailing bytes after the ${what}`);
  return node;
}

/** The element's children when it has the tag (constructed); malformed otherwise. */
function inside(node: Node | undefined, tag: number, what: string): Node[] {
  if (!node || node.tag !== tag || !node.children) malformed(`${what} is not where RFC 5652 puts it`);
  return node.children;
}

/** A primitive element's content octets (a fresh copy) when it has the tag; malformed otherwise. */
function primitive(bytes: Uint8Array, node: Node | undefined, tag: number, what: string): Uint8Array {
  if (!node || node.tag !== tag || node.children) malformed(`${what} is not where RFC 5652 puts it`);
  return bytes.slice(node.contentStart, node.contentEnd);
}

/** An OCTET STRING's octets, joined when BER gives them in pieces (X.690 §8.7.3). */
function octets(bytes: Uint8Array, node: Node | undefined, what: string): Uint8Array {
  if (node?.tag === 0x04 && !node.children) return bytes.slice(node.contentStart, node.contentEnd);
  if (node?.tag !== 0x24 || !node.children) malformed(`${what} is not an OCTET STRING`);
  const pieces = node.children.map((piece) => octets(bytes, piece, what));
  const out = new Uint8Array(pieces.reduce((n, piece) => n + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** X.690 §8.19: an OBJECT IDENTIFIER's content octets in dotted form. */
export function objectIdentifierString(content: Uint8Array): string {
  if (content.length === 0) malformed("an empty OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const octet = content[i]!;
    if (value === 0 && octet === 0x80) malformed("an OBJECT IDENTIFIER arc with a leading zero octet");
    value = value * 128 + (octet & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) malformed("an OBJECT IDENTIFIER arc too large");
    if ((octet & 0x80) === 0) {
      if (arcs.length === 0)
        arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    } else if (i === content.length - 1) {
      malformed("an OBJECT IDENTIFIER cut short");
    }
  }
  return arcs.join(".");
}

function objectIdentifier(bytes: Uint8Array, node: Node | undefined, what: string): string {
  return objectIdentifierString(primitive(bytes, node, 0x06, what));
}

function algorithm(bytes: Uint8Array, node: Node | undefined, what: string): AlgorithmParts {
  const parts = inside(node, 0x30, what);
  if (parts.length < 1 || parts.length > 2) malformed(`${what} is not an AlgorithmIdentifier`);
  const oidContent = primitive(bytes, parts[0], 0x06, what);
  const params = parts[1];
  return {
    oid: objectIdentifierString(oidContent),
    oidContent,
    parameters: params ? bytes.slice(params.start, params.end) : undefined,
  };
}

/**
 * RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue },
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
 * subject, subjectPublicKeyInfo, [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions }.
 */
function certificate(bytes: Uint8Array, node: Node): CarriedCertificate {
  const what = "a certificate";
  const [tbs, signatureAlgorithm, signatureValue, ...rest] = inside(node, 0x30, what);
  if (rest.length > 0 || signatureValue?.tag !== 0x03) malformed(`${what} has other fields than X.509's`);
  algorithm(bytes, signatureAlgorithm, `${what}'s signatureAlgorithm`);
  const fields = inside(tbs, 0x30, `${what}'s tbsCertificate`);
  let i = 0;
  if (fields[i]?.tag === 0xa0) {
    const version = inside(fields[i], 0xa0, `${what}'s version`);
    if (version.length !== 1) malformed(`${what}'s version is not one INTEGER`);
    primitive(bytes, version[0], 0x02, `${what}'s version`);
    i++;
  }
  const serial = primitive(bytes, fields[i++], 0x02, `${what}'s serialNumber`);
  algorithm(bytes, fields[i++], `${what}'s signature`);
  const issuer = fields[i++];
  inside(issuer, 0x30, `${what}'s issuer`);
  inside(fields[i++], 0x30, `${what}'s validity`);
  inside(fields[i++], 0x30, `${what}'s subject`);
  const spki = fields[i++];
  const [spkiAlgorithm, spkiKey, ...spkiRest] = inside(spki, 0x30, `${what}'s subjectPublicKeyInfo`);
  algorithm(bytes, spkiAlgorithm, `${what}'s key algorithm`);
  if (spkiRest.length > 0) malformed(`${what}'s subjectPublicKeyInfo has a field too many`);
  primitive(bytes, spkiKey, 0x03, `${what}'s subjectPublicKey`);
  for (const uniqueId of [1, 2]) {
    const tag = fields[i]?.tag;
    if (tag === (0x80 | uniqueId) || tag === (0xa0 | uniqueId)) i++;
  }
  let subjectKeyIdentifier: Uint8Array | undefined;
  let seenKeyIdentifier = false;
  if (fields[i]?.tag === 0xa3) {
    const wrapped = inside(fields[i], 0xa3, `${what}'s extensions`);
    if (wrapped.length !== 1) malformed(`${what}'s extensions are not one SEQUENCE`);
    for (const extension of inside(wrapped[0], 0x30, `${what}'s extensions`)) {
      const [id, second, third, ...more] = inside(extension, 0x30, `${what}'s extension`);
      const critical = third ? second : undefined;
      const value = third ?? second;
      if (more.length > 0 || (critical && critical.tag !== 0x01)) malformed(`${what}'s extension is not one`);
      const extnId = objectIdentifier(bytes, id, `${what}'s extnID`);
      const extnValue = primitive(bytes, value, 0x04, `${what}'s extnValue`);
      if (extnId === oidSubjectKeyIdentifier && !seenKeyIdentifier) {
        seenKeyIdentifier = true;
        subjectKeyIdentifier = keyIdentifier(extnValue);
      }
    }
    i++;
  }
  if (i !== fields.length) malformed(`${what}'s tbsCertificate has other fields than X.509's`);
  return {
    der: bytes.slice(node.start, node.end),
    serial,
    issuer: bytes.slice(issuer!.start, issuer!.end),
    spki: bytes.slice(spki!.start, spki!.end),
    subjectKeyIdentifier,
  };
}

/** RFC 5280 §4.2.1.2: SubjectKeyIdentifier ::= OCTET STRING; undefined when the value is not one. */
function keyIdentifier(extnValue: Uint8Array): Uint8Array | undefined {
  try {
    const node = readWhole(extnValue, "subjectKeyIdentifier");
    return node.tag === 0x04 && !node.children
      ? extnValue.slice(node.contentStart, node.contentEnd)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * §5.3: SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs OPTIONAL,
 * signatureAlgorithm, signature, [1] unsignedAttrs OPTIONAL }; sid is IssuerAndSerialNumber or
 * [0] SubjectKeyIdentifier. (Both sid and signedAttrs may be a [0]: position tells them apart.)
 */
function signerInfo(bytes: Uint8Array, node: Node): SignerInfoParts {
  const what = "the SignerInfo";
  const fields = inside(node, 0x30, what);
  primitive(bytes, fields[0], 0x02, `${what}'s version`);
  const sidNode = fields[1];
  let sid: SignerIdentifierParts;
  if (sidNode?.tag === 0x80) {
    sid = { keyId: primitive(bytes, sidNode, 0x80, `${what}'s subjectKeyIdentifier`) };
  } else {
    const parts = inside(sidNode, 0x30, `${what}'s sid`);
    if (parts.length !== 2) malformed(`${what}'s issuerAndSerialNumber is not an issuer and a serial`);
    inside(parts[0], 0x30, `${what}'s issuer`);
    sid = {
      issuer: bytes.slice(parts[0]!.start, parts[0]!.end),
      serial: primitive(bytes, parts[1], 0x02, `${what}'s serialNumber`),
    };
  }
  const digestAlgorithm = algorithm(bytes, fields[2], `${what}'s digestAlgorithm`);
  let i = 3;
  let signedAttrsDer: Uint8Array | undefined;
  if (fields[i]?.tag === 0xa0) {
    const attrs = fields[i++]!;
    inside(attrs, 0xa0, `${what}'s signedAttrs`);
    signedAttrsDer = bytes.slice(attrs.start, attrs.end);
    signedAttrsDer[0] = 0x31; // [0] IMPLICIT (0xA0) becomes SET OF, as §5.4 asks.
  }
  const signatureAlgorithm = algorithm(bytes, fields[i++], `${what}'s signatureAlgorithm`);
  const signature = octets(bytes, fields[i++], `${what}'s signature`);
  if (fields[i]?.tag === 0xa1) i++;
  if (i !== fields.length) malformed(`${what} has other fields than RFC 5652's`);
  return { sid, digestAlgorithm, signedAttrsDer, signatureAlgorithm, signature };
}

/** The SignedData in a ContentInfo (RFC 5652 §3, §5.1), read once. */
export function parseSignedData(signature: Uint8Array): ParsedSignedData {
  if (signature.length > signatureBytesMax) {
    malformed(`the signature is larger than ${signatureBytesMax} bytes`);
  }
  // A copy of our own: a Node Buffer's slice() is a view, and the signed attributes' tag is
  // rewritten below; the caller's bytes (kept as evidence) must not change.
  return guarded(() => readSignedData(toBytes(signature)));
}

/** A reader's slip (none is known) is still a refusal, never another kind of error. */
function guarded<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError("malformed", "not a CMS SignedData", { cause: e });
  }
}

function readSignedData(bytes: Uint8Array): ParsedSignedData {
  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
  const top = readWhole(bytes, "ContentInfo");
  if (top.tag !== 0x30 || !top.children) malformed("not a CMS ContentInfo");
  const [type, explicit, ...more] = top.children;
  if (more.length > 0 || type?.tag !== 0x06 || explicit?.tag !== 0xa0) malformed("not a CMS ContentInfo");
  const contentType = objectIdentifier(bytes, type, "the ContentInfo's contentType");
  if (contentType !== oidSignedData) malformed(`the ContentInfo holds ${contentType}, not SignedData`);
  const inner = inside(explicit, 0xa0, "the ContentInfo's content");
  if (inner.length !== 1) malformed("the ContentInfo's content is not one element");

  // §5.1: SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo,
  //   [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos }
  const fields = inside(inner[0], 0x30, "the SignedData");
  primitive(bytes, fields[0], 0x02, "the SignedData's version");
  for (const digest of inside(fields[1], 0x31, "the SignedData's digestAlgorithms")) {
    algorithm(bytes, digest, "a digestAlgorithm");
  }
  // §5.2: EncapsulatedContentInfo ::= SEQUENCE { eContentType, [0] EXPLICIT OCTET STRING OPTIONAL }
  const [eContentType, eContent, ...encapRest] = inside(fields[2], 0x30, "the encapContentInfo");
  if (encapRest.length > 0) malformed("the encapContentInfo has a field too many");
  const eType = objectIdentifier(bytes, eContentType, "the eContentType");
  let content: Uint8Array | undefined;
  if (eContent) {
    const wrapped = inside(eContent, 0xa0, "the eContent");
    if (wrapped.length !== 1) malformed("the eContent is not one OCTET STRING");
    content = octets(bytes, wrapped[0], "the eContent");
  }
  let i = 3;
  const certificates: CarriedCertificate[] = [];
  if (fields[i]?.tag === 0xa0) {
    for (const choice of inside(fields[i], 0xa0, "the certificates")) {
      // CertificateChoices: a certificate, or [0]–[3] (extended, attribute, other), which no check reads.
      if (choice.tag === 0x30) certificates.push(certificate(bytes, choice));
      else if (choice.tag < 0xa0 || choice.tag > 0xa3) malformed("a certificate choice of no known kind");
    }
    i++;
  }
  if (fields[i]?.tag === 0xa1) i++;
  const signerInfos = inside(fields[i++], 0x31, "the signerInfos").map((node) => signerInfo(bytes, node));
  if (i !== fields.length) malformed("the SignedData has other fields than RFC 5652's");
  return { contentType: eType, content, certificates, signerInfos };
}

export interface SignedAttributeValues {
  contentType: string;
  messageDigest: Uint8Array;
  signingTime?: Date;
}

/**
 * Reads signed attributes (the SET OF as `SignerInfoParts.signedAttrsDer` has it). §11.1–11.3:
 * contentType and messageDigest must be there; none of the three may appear twice or hold two values.
 */
export function readSignedAttributes(signedAttrsDer: Uint8Array): SignedAttributeValues {
  return guarded(() => readAttributes(toBytes(signedAttrsDer)));
}

function readAttributes(signedAttrsDer: Uint8Array): SignedAttributeValues {
  const found = new Map<string, Node[]>();
  const attributes = inside(readWhole(signedAttrsDer, "signed attributes"), 0x31, "the signed attributes");
  for (const attribute of attributes) {
    const [type, values, ...more] = inside(attribute, 0x30, "a signed attribute");
    if (more.length > 0) malformed("a signed attribute has a field too many");
    const attrType = objectIdentifier(signedAttrsDer, type, "a signed attribute's type");
    const attrValues = inside(values, 0x31, "a signed attribute's values");
    if (found.has(attrType) && [oidContentType, oidMessageDigest, oidSigningTime].includes(attrType)) {
      malformed(`the signed attribute ${attrType} must appear once with one value`);
    }
    found.set(attrType, attrValues);
  }
  const single = (type: string): Node | undefined => {
    const values = found.get(type);
    if (!values) return undefined;
    if (values.length !== 1) malformed(`the signed attribute ${type} must appear once with one value`);
    return values[0];
  };
  const contentType = single(oidContentType);
  const messageDigest = single(oidMessageDigest);
  const signingTime = single(oidSigningTime);
  if (!contentType || !messageDigest) malformed("the signed attributes lack contentType or messageDigest");
  const values: SignedAttributeValues = {
    contentType: objectIdentifier(signedAttrsDer, contentType, "the contentType attribute"),
    messageDigest: primitive(signedAttrsDer, messageDigest, 0x04, "the messageDigest attribute"),
  };
  if (signingTime) values.signingTime = readTime(signedAttrsDer, signingTime);
  return values;
}

/**
 * §11.3: signingTime is UTCTime for 1950–2049 and GeneralizedTime otherwise, in UTC with seconds
 * and no fraction (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ), UTCTime's two-digit year read as RFC 5280 reads it.
 */
function readTime(bytes: Uint8Array, node: Node): Date {
  const utc = node.tag === 0x17;
  if ((!utc && node.tag !== 0x18) || node.children || node.contentEnd - node.contentStart > 15) {
    malformed("the signingTime is not a Time");
  }
  const text = String.fromCharCode(...bytes.subarray(node.contentStart, node.contentEnd));
  const m = (
    utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/
  ).exec(text);
  if (!m) malformed("the signingTime is not in UTC to the second");
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fullYear = utc ? (year >= 50 ? 1900 + year : 2000 + year) : year;
  const date = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
  // Date.UTC rolls 31 April over into May and takes years below 100 as 19xx: read back what was written.
  date.setUTCFullYear(fullYear, month - 1, day);
  if (
    date.getUTCFullYear() !== fullYear ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    malformed("the signingTime is not a time");
  }
  return date;
}
