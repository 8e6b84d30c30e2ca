// Declared ASN.1 of the Certificate Management Protocol, CMP (RFC 4210 Appendix F, module
// PKIXCMP-2005, DEFINITIONS EXPLICIT TAGS): the PKIMessage, its header and the bodies a CA needs for
// enrolment (ir/ip, cr/cp), renewal (kur/kup), revocation (rr/rp), confirmation (certConf/pkiConf)
// and errors. Hand-written, because no PeculiarVentures package declares CMP.
//
// The module is EXPLICIT TAGS, so every [n] here wraps what it tags. Certificates are kept as raw
// DER (ANY), so that a certificate passes through byte for byte, never re-encoded.
import {
  AsnArray,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  BitString,
  OctetString,
} from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Extensions, GeneralName } from "@peculiar/asn1-x509";
import { CertId, CertReqMessages, CertTemplate } from "./crmf.ts";

/** id-it-implicitConfirm (RFC 4210 §5.1.1.1): the requester asks to skip certConf. */
export const id_it_implicitConfirm = "1.3.6.1.5.5.7.4.13";
/** id-it-confirmWaitTime (RFC 4210 §5.1.1.2): how long the CA waits for certConf. */
export const id_it_confirmWaitTime = "1.3.6.1.5.5.7.4.14";

/**
 * ```asn1
 * PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
 * ```
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.Utf8String })
export class PkiFreeText extends AsnArray<string> {
  constructor(items?: string[]) {
    super(items);
    Object.setPrototypeOf(this, PkiFreeText.prototype);
  }
}

/**
 * ```asn1
 * InfoTypeAndValue ::= SEQUENCE {
 *   infoType   OBJECT IDENTIFIER,
 *   infoValue  ANY DEFINED BY infoType OPTIONAL }
 * ```
 */
export class InfoTypeAndValue {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  infoType = "";

  @AsnProp({ type: AsnPropTypes.Any, optional: true })
  infoValue?: ArrayBuffer;

  constructor(params: Partial<InfoTypeAndValue> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PKIHeader ::= SEQUENCE {
 *   pvno           INTEGER { cmp1999(1), cmp2000(2) },
 *   sender         GeneralName,
 *   recipient      GeneralName,
 *   messageTime    [0] GeneralizedTime OPTIONAL,
 *   protectionAlg  [1] AlgorithmIdentifier OPTIONAL,
 *   senderKID      [2] KeyIdentifier OPTIONAL,
 *   recipKID       [3] KeyIdentifier OPTIONAL,
 *   transactionID  [4] OCTET STRING OPTIONAL,
 *   senderNonce    [5] OCTET STRING OPTIONAL,
 *   recipNonce     [6] OCTET STRING OPTIONAL,
 *   freeText       [7] PKIFreeText OPTIONAL,
 *   generalInfo    [8] SEQUENCE SIZE (1..MAX) OF InfoTypeAndValue OPTIONAL }
 * ```
 * RFC 4210 §5.1.1.
 */
export class PkiHeader {
  @AsnProp({ type: AsnPropTypes.Integer })
  pvno = 2;

  @AsnProp({ type: GeneralName })
  sender = new GeneralName();

  @AsnProp({ type: GeneralName })
  recipient = new GeneralName();

  @AsnProp({ type: AsnPropTypes.GeneralizedTime, context: 0, optional: true })
  messageTime?: Date;

  @AsnProp({ type: AlgorithmIdentifier, context: 1, optional: true })
  protectionAlg?: AlgorithmIdentifier;

  @AsnProp({ type: OctetString, context: 2, optional: true })
  senderKID?: OctetString;

  @AsnProp({ type: OctetString, context: 3, optional: true })
  recipKID?: OctetString;

  @AsnProp({ type: OctetString, context: 4, optional: true })
  transactionID?: OctetString;

  @AsnProp({ type: OctetString, context: 5, optional: true })
  senderNonce?: OctetString;

  @AsnProp({ type: OctetString, context: 6, optional: true })
  recipNonce?: OctetString;

  @AsnProp({ type: PkiFreeText, context: 7, optional: true })
  freeText?: PkiFreeText;

  @AsnProp({ type: InfoTypeAndValue, context: 8, repeated: "sequence", optional: true })
  generalInfo?: InfoTypeAndValue[];

  constructor(params: Partial<PkiHeader> = {}) {
    Object.assign(this, params);
  }
}

/** PKIStatus, RFC 4210 §5.2.3. */
export enum PkiStatus {
  accepted = 0,
  grantedWithMods = 1,
  rejection = 2,
  waiting = 3,
  revocationWarning = 4,
  revocationNotification = 5,
  keyUpdateWarning = 6,
}

/** The bit numbers of PKIFailureInfo, RFC 4210 §5.2.3. */
export const pkiFailureBits = {
  badAlg: 0,
  badMessageCheck: 1,
  badRequest: 2,
  badTime: 3,
  badCertId: 4,
  badDataFormat: 5,
  wrongAuthority: 6,
  incorrectData: 7,
  missingTimeStamp: 8,
  badPOP: 9,
  certRevoked: 10,
  certConfirmed: 11,
  wrongIntegrity: 12,
  badRecipientNonce: 13,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  badSenderNonce: 18,
  badCertTemplate: 19,
  signerNotTrusted: 20,
  transactionIdInUse: 21,
  unsupportedVersion: 22,
  notAuthorized: 23,
  systemUnavail: 24,
  systemFailure: 25,
  duplicateCertReq: 26,
} as const;
export type PkiFailure = keyof typeof pkiFailureBits;

/**
 * ```asn1
 * PKIStatusInfo ::= SEQUENCE {
 *   status        PKIStatus,
 *   statusString  PKIFreeText OPTIONAL,
 *   failInfo      PKIFailureInfo OPTIONAL }
 * ```
 */
export class PkiStatusInfo {
  @AsnProp({ type: AsnPropTypes.Integer })
  status: number = PkiStatus.accepted;

  @AsnProp({ type: PkiFreeText, optional: true })
  statusString?: PkiFreeText;

  @AsnProp({ type: BitString, optional: true })
  failInfo?: BitString;

  constructor(params: Partial<PkiStatusInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertOrEncCert ::= CHOICE {
 *   certificate    [0] CMPCertificate,
 *   encryptedCert  [1] EncryptedValue }
 * ```
 * Only the plain certificate is declared: the CA never encrypts a signing certificate.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class CertOrEncCert {
  @AsnProp({ type: AsnPropTypes.Any, context: 0 })
  certificate?: ArrayBuffer;

  constructor(params: Partial<CertOrEncCert> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertifiedKeyPair ::= SEQUENCE {
 *   certOrEncCert    CertOrEncCert,
 *   privateKey       [0] EncryptedValue OPTIONAL,
 *   publicationInfo  [1] PKIPublicationInfo OPTIONAL }
 * ```
 * The CA never holds the member's private key, so privateKey is never written.
 */
export class CertifiedKeyPair {
  @AsnProp({ type: CertOrEncCert })
  certOrEncCert = new CertOrEncCert();

  constructor(params: Partial<CertifiedKeyPair> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertResponse ::= SEQUENCE {
 *   certReqId         INTEGER,
 *   status            PKIStatusInfo,
 *   certifiedKeyPair  CertifiedKeyPair OPTIONAL,
 *   rspInfo           OCTET STRING OPTIONAL }
 * ```
 */
export class CertResponse {
  @AsnProp({ type: AsnPropTypes.Integer })
  certReqId = 0;

  @AsnProp({ type: PkiStatusInfo })
  status = new PkiStatusInfo();

  @AsnProp({ type: CertifiedKeyPair, optional: true })
  certifiedKeyPair?: CertifiedKeyPair;

  constructor(params: Partial<CertResponse> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertRepMessage ::= SEQUENCE {
 *   caPubs    [1] SEQUENCE SIZE (1..MAX) OF CMPCertificate OPTIONAL,
 *   response  SEQUENCE OF CertResponse }
 * ```
 */
export class CertRepMessage {
  @AsnProp({ type: AsnPropTypes.Any, context: 1, repeated: "sequence", optional: true })
  caPubs?: ArrayBuffer[];

  @AsnProp({ type: CertResponse, repeated: "sequence" })
  response: CertResponse[] = [];

  constructor(params: Partial<CertRepMessage> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * RevDetails ::= SEQUENCE {
 *   certDetails      CertTemplate,
 *   crlEntryDetails  Extensions OPTIONAL }
 * ```
 */
export class RevDetails {
  @AsnProp({ type: CertTemplate })
  certDetails = new CertTemplate();

  @AsnProp({ type: Extensions, optional: true })
  crlEntryDetails?: Extensions;

  constructor(params: Partial<RevDetails> = {}) {
    Object.assign(this, params);
  }
}

/** RevReqContent ::= SEQUENCE OF RevDetails */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: RevDetails })
export class RevReqContent extends AsnArray<RevDetails> {
  constructor(items?: RevDetails[]) {
    super(items);
    Object.setPrototypeOf(this, RevReqContent.prototype);
  }
}

/**
 * ```asn1
 * RevRepContent ::= SEQUENCE {
 *   status   SEQUENCE SIZE (1..MAX) OF PKIStatusInfo,
 *   revCerts [0] SEQUENCE SIZE (1..MAX) OF CertId OPTIONAL,
 *   crls     [1] SEQUENCE SIZE (1..MAX) OF CertificateList OPTIONAL }
 * ```
 */
export class RevRepContent {
  @AsnProp({ type: PkiStatusInfo, repeated: "sequence" })
  status: PkiStatusInfo[] = [];

  @AsnProp({ type: CertId, context: 0, repeated: "sequence", optional: true })
  revCerts?: CertId[];

  constructor(params: Partial<RevRepContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertStatus ::= SEQUENCE {
 *   certHash    OCTET STRING,
 *   certReqId   INTEGER,
 *   statusInfo  PKIStatusInfo OPTIONAL }
 * ```
 * RFC 4210 §5.3.18; certHash is the hash of the certificate with the algorithm that signed it.
 */
export class CertStatus {
  @AsnProp({ type: OctetString })
  certHash = new OctetString();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })
  certReqId: ArrayBuffer = new Uint8Array([0]).buffer;

  @AsnProp({ type: PkiStatusInfo, optional: true })
  statusInfo?: PkiStatusInfo;

  constructor(params: Partial<CertStatus> = {}) {
    Object.assign(this, params);
  }
}

/** CertConfirmContent ::= SEQUENCE OF CertStatus */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertStatus })
export class CertConfirmContent extends AsnArray<CertStatus> {
  constructor(items?: CertStatus[]) {
    super(items);
    Object.setPrototypeOf(this, CertConfirmContent.prototype);
  }
}

/**
 * ```asn1
 * ErrorMsgContent ::= SEQUENCE {
 *   pKIStatusInfo  PKIStatusInfo,
 *   errorCode      INTEGER OPTIONAL,
 *   errorDetails   PKIFreeText OPTIONAL }
 * ```
 */
export class ErrorMsgContent {
  @AsnProp({ type: PkiStatusInfo })
  pKIStatusInfo = new PkiStatusInfo();

  @AsnProp({ type: AsnPropTypes.Integer, optional: true })
  errorCode?: number;

  @AsnProp({ type: PkiFreeText, optional: true })
  errorDetails?: PkiFreeText;

  constructor(params: Partial<ErrorMsgContent> = {}) {
    Object.assign(this, params);
  }
}

/** The context tag of each PKIBody alternative, RFC 4210 §5.1.2. */
export const pkiBodyTags = {
  ir: 0,
  ip: 1,
  cr: 2,
  cp: 3,
  p10cr: 4,
  kur: 7,
  kup: 8,
  rr: 11,
  rp: 12,
  pkiconf: 19,
  genm: 21,
  genp: 22,
  error: 23,
  certConf: 24,
  pollReq: 25,
  pollRep: 26,
} as const;
export type PkiBodyType = keyof typeof pkiBodyTags;

/**
 * ```asn1
 * PKIBody ::= CHOICE {
 *   ir [0] CertReqMessages, ip [1] CertRepMessage, cr [2] CertReqMessages, cp [3] CertRepMessage,
 *   kur [7] CertReqMessages, kup [8] CertRepMessage, rr [11] RevReqContent, rp [12] RevRepContent,
 *   pkiconf [19] PKIConfirmContent, error [23] ErrorMsgContent, certConf [24] CertConfirmContent,
 *   ... }
 * ```
 * Only the alternatives this CA reads or writes are declared; the message reader looks at the tag
 * first and answers any other with badRequest.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class PkiBody {
  @AsnProp({ type: CertReqMessages, context: 0 })
  ir?: CertReqMessages;

  @AsnProp({ type: CertRepMessage, context: 1 })
  ip?: CertRepMessage;

  @AsnProp({ type: CertReqMessages, context: 2 })
  cr?: CertReqMessages;

  @AsnProp({ type: CertRepMessage, context: 3 })
  cp?: CertRepMessage;

  @AsnProp({ type: CertReqMessages, context: 7 })
  kur?: CertReqMessages;

  @AsnProp({ type: CertRepMessage, context: 8 })
  kup?: CertRepMessage;

  @AsnProp({ type: RevReqContent, context: 11 })
  rr?: RevReqContent;

  @AsnProp({ type: RevRepContent, context: 12 })
  rp?: RevRepContent;

  @AsnProp({ type: AsnPropTypes.Null, context: 19 })
  pkiconf?: null;

  @AsnProp({ type: ErrorMsgContent, context: 23 })
  error?: ErrorMsgContent;

  @AsnProp({ type: CertConfirmContent, context: 24 })
  certConf?: CertConfirmContent;

  constructor(params: Partial<PkiBody> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PKIMessage ::= SEQUENCE {
 *   header      PKIHeader,
 *   body        PKIBody,
 *   protection  [0] PKIProtection OPTIONAL,   -- BIT STRING
 *   extraCerts  [1] SEQUENCE SIZE (1..MAX) OF CMPCertificate OPTIONAL }
 * ```
 */
export class PkiMessage {
  @AsnProp({ type: PkiHeader })
  header = new PkiHeader();

  @AsnProp({ type: PkiBody })
  body = new PkiBody();

  @AsnProp({ type: BitString, context: 0, optional: true })
  protection?: BitString;

  @AsnProp({ type: AsnPropTypes.Any, context: 1, repeated: "sequence", optional: true })
  extraCerts?: ArrayBuffer[];

  constructor(params: Partial<PkiMessage> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * ProtectedPart ::= SEQUENCE { header PKIHeader, body PKIBody }
 * ```
 * RFC 4210 §5.1.3: the DER the protection covers.
 */
export class ProtectedPart {
  @AsnProp({ type: PkiHeader })
  header = new PkiHeader();

  @AsnProp({ type: PkiBody })
  body = new PkiBody();

  constructor(params: Partial<ProtectedPart> = {}) {
    Object.assign(this, params);
  }
}
