// Declared ASN.1 of the Certificate Request Message Format, CRMF (RFC 4211, module PKIXCRMF-2005,
// DEFINITIONS IMPLICIT TAGS), which CMP (RFC 4210) carries in its ir/cr/kur bodies. Hand-written,
// because no PeculiarVentures package declares CRMF (there is no @peculiar/asn1-crmf).
//
// The module is IMPLICIT TAGS, so a context tag replaces the universal tag of what it wraps, except
// where the wrapped type is a CHOICE (Name, Time, GeneralName, POPOPrivKey): a CHOICE has no tag of
// its own to replace, so those tags are explicit (X.680 §31.2.7).
//
// PKIArchiveOptions (key escrow: EncryptedKey, EncryptedValue) is not declared: NPKI certificates
// are signing certificates and their keys are never archived at the CA. Its OID is here so that a
// request that carries it can be recognised and refused.
import { EnvelopedData } from "@peculiar/asn1-cms";
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
import {
  AlgorithmIdentifier,
  Extensions,
  GeneralName,
  Name,
  SubjectPublicKeyInfo,
  Time,
} from "@peculiar/asn1-x509";

/** id-pkip: { id-pkix 5 }, the arc of the CRMF registration controls and info. RFC 4211 §6. */
export const id_pkip = "1.3.6.1.5.5.7.5";
/** id-regCtrl: { id-pkip 1 }. RFC 4211 §6. */
export const id_regCtrl = `${id_pkip}.1`;
/** regToken, a UTF8String: a one-time secret that the CA gave the subscriber out of band. §6.1. */
export const id_regCtrl_regToken = `${id_regCtrl}.1`;
/** authenticator, a UTF8String: a long-lived secret for later requests (revocation). §6.2. */
export const id_regCtrl_authenticator = `${id_regCtrl}.2`;
/** pkiPublicationInfo, a PKIPublicationInfo: where the subscriber wants the certificate published. §6.3. */
export const id_regCtrl_pkiPublicationInfo = `${id_regCtrl}.3`;
/** pkiArchiveOptions: key archival (not declared here; see the header). §6.4. */
export const id_regCtrl_pkiArchiveOptions = `${id_regCtrl}.4`;
/** oldCertID, a CertId: the certificate a key update (CMP kur) replaces. §6.5. */
export const id_regCtrl_oldCertID = `${id_regCtrl}.5`;
/** protocolEncrKey, a SubjectPublicKeyInfo: the key the CA should encrypt its responses to. §6.6. */
export const id_regCtrl_protocolEncrKey = `${id_regCtrl}.6`;
/** id-regInfo: { id-pkip 2 }. RFC 4211 §7. */
export const id_regInfo = `${id_pkip}.2`;
/** utf8Pairs, a UTF8String of "name?value%" pairs. §7.1. */
export const id_regInfo_utf8Pairs = `${id_regInfo}.1`;
/** certReq, a CertRequest: a second template offered alongside. §7.2. */
export const id_regInfo_certReq = `${id_regInfo}.2`;
/** password-based MAC (PBMParameter): the MAC of PKMACValue, and of CMP's PBM protection. §4.4. */
export const id_PasswordBasedMac = "1.2.840.113533.7.66.13";

/**
 * ```asn1
 * AttributeTypeAndValue ::= SEQUENCE {
 *   type   OBJECT IDENTIFIER,
 *   value  ANY DEFINED BY type }
 * ```
 * RFC 4211 §6 and §7 (the form of a control and of a regInfo entry). Not the X.501 name
 * attribute of the same name in @peculiar/asn1-x509, whose value is a DirectoryString.
 */
export class AttributeTypeAndValue {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  type = "";

  /** The DER of the value, whose type the OID defines. */
  @AsnProp({ type: AsnPropTypes.Any })
  value: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<AttributeTypeAndValue> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * Controls ::= SEQUENCE SIZE(1..MAX) OF AttributeTypeAndValue
 * ```
 * RFC 4211 §5.
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AttributeTypeAndValue })
export class Controls extends AsnArray<AttributeTypeAndValue> {
  constructor(items?: AttributeTypeAndValue[]) {
    super(items);
    Object.setPrototypeOf(this, Controls.prototype);
  }
}

/**
 * ```asn1
 * OptionalValidity ::= SEQUENCE {
 *   notBefore  [0] Time OPTIONAL,
 *   notAfter   [1] Time OPTIONAL } -- at least one MUST be present
 * ```
 * RFC 4211 §5. Time is a CHOICE, so its tags are explicit.
 */
export class OptionalValidity {
  @AsnProp({ type: Time, context: 0, optional: true })
  notBefore?: Time;

  @AsnProp({ type: Time, context: 1, optional: true })
  notAfter?: Time;

  constructor(params: Partial<OptionalValidity> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertTemplate ::= SEQUENCE {
 *   version      [0] Version               OPTIONAL,
 *   serialNumber [1] INTEGER               OPTIONAL,
 *   signingAlg   [2] AlgorithmIdentifier   OPTIONAL,
 *   issuer       [3] Name                  OPTIONAL,
 *   validity     [4] OptionalValidity      OPTIONAL,
 *   subject      [5] Name                  OPTIONAL,
 *   publicKey    [6] SubjectPublicKeyInfo  OPTIONAL,
 *   issuerUID    [7] UniqueIdentifier      OPTIONAL,
 *   subjectUID   [8] UniqueIdentifier      OPTIONAL,
 *   extensions   [9] Extensions            OPTIONAL }
 * ```
 * RFC 4211 §5. Every field is optional: the requester fills in what it asks for, the CA the rest.
 */
export class CertTemplate {
  @AsnProp({ type: AsnPropTypes.Integer, context: 0, implicit: true, optional: true })
  version?: number;

  @AsnProp({
    type: AsnPropTypes.Integer,
    converter: AsnIntegerArrayBufferConverter,
    context: 1,
    implicit: true,
    optional: true,
  })
  serialNumber?: ArrayBuffer;

  @AsnProp({ type: AlgorithmIdentifier, context: 2, implicit: true, optional: true })
  signingAlg?: AlgorithmIdentifier;

  @AsnProp({ type: Name, context: 3, optional: true })
  issuer?: Name;

  @AsnProp({ type: OptionalValidity, context: 4, implicit: true, optional: true })
  validity?: OptionalValidity;

  @AsnProp({ type: Name, context: 5, optional: true })
  subject?: Name;

  @AsnProp({ type: SubjectPublicKeyInfo, context: 6, implicit: true, optional: true })
  publicKey?: SubjectPublicKeyInfo;

  @AsnProp({ type: BitString, context: 7, implicit: true, optional: true })
  issuerUID?: BitString;

  @AsnProp({ type: BitString, context: 8, implicit: true, optional: true })
  subjectUID?: BitString;

  @AsnProp({ type: Extensions, context: 9, implicit: true, optional: true })
  extensions?: Extensions;

  constructor(params: Partial<CertTemplate> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertRequest ::= SEQUENCE {
 *   certReqId     INTEGER,        -- ID for matching request and reply
 *   certTemplate  CertTemplate,   -- Selected fields of cert to be issued
 *   controls      Controls OPTIONAL }   -- Attributes affecting issuance
 * ```
 * RFC 4211 §5.
 */
export class CertRequest {
  @AsnProp({ type: AsnPropTypes.Integer })
  certReqId = 0;

  @AsnProp({ type: CertTemplate })
  certTemplate = new CertTemplate();

  @AsnProp({ type: Controls, optional: true })
  controls?: Controls;

  constructor(params: Partial<CertRequest> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PKMACValue ::= SEQUENCE {
 *   algId  AlgorithmIdentifier,   -- id-PasswordBasedMac with PBMParameter
 *   value  BIT STRING }
 * ```
 * RFC 4211 §4.1.
 */
export class PkMacValue {
  @AsnProp({ type: AlgorithmIdentifier })
  algId = new AlgorithmIdentifier();

  @AsnProp({ type: BitString })
  value = new BitString();

  constructor(params: Partial<PkMacValue> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PBMParameter ::= SEQUENCE {
 *   salt                OCTET STRING,
 *   owf                 AlgorithmIdentifier,   -- one-way function, e.g. SHA-256
 *   iterationCount      INTEGER,
 *   mac                 AlgorithmIdentifier }  -- e.g. HMAC-SHA256
 * ```
 * RFC 4211 §4.4; CMP's password-based protection (RFC 4210 §5.1.3.1) uses the same parameters.
 */
export class PbmParameter {
  @AsnProp({ type: OctetString })
  salt = new OctetString();

  @AsnProp({ type: AlgorithmIdentifier })
  owf = new AlgorithmIdentifier();

  @AsnProp({ type: AsnPropTypes.Integer })
  iterationCount = 0;

  @AsnProp({ type: AlgorithmIdentifier })
  mac = new AlgorithmIdentifier();

  constructor(params: Partial<PbmParameter> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * authInfo CHOICE {
 *   sender        [0] GeneralName,   -- used only if an authenticated identity has been
 *                                    -- established for the sender (e.g., a DN from a
 *                                    -- previously-issued and currently-valid certificate)
 *   publicKeyMAC  PKMACValue }       -- used if no authenticated GeneralName currently exists
 * ```
 * The unnamed CHOICE inside POPOSigningKeyInput, RFC 4211 §4.1. GeneralName is a CHOICE, so [0]
 * is explicit.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class PoposkAuthInfo {
  @AsnProp({ type: GeneralName, context: 0 })
  sender?: GeneralName;

  @AsnProp({ type: PkMacValue })
  publicKeyMAC?: PkMacValue;

  constructor(params: Partial<PoposkAuthInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * POPOSigningKeyInput ::= SEQUENCE {
 *   authInfo   CHOICE { sender [0] GeneralName, publicKeyMAC PKMACValue },
 *   publicKey  SubjectPublicKeyInfo }  -- from CertTemplate
 * ```
 * RFC 4211 §4.1.
 */
export class PoposkInput {
  @AsnProp({ type: PoposkAuthInfo })
  authInfo = new PoposkAuthInfo();

  @AsnProp({ type: SubjectPublicKeyInfo })
  publicKey = new SubjectPublicKeyInfo();

  constructor(params: Partial<PoposkInput> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * POPOSigningKey ::= SEQUENCE {
 *   poposkInput           [0] POPOSigningKeyInput OPTIONAL,
 *   algorithmIdentifier   AlgorithmIdentifier,
 *   signature             BIT STRING }
 * ```
 * RFC 4211 §4.1: the signature is over the DER of certReq when poposkInput is absent (the template
 * then MUST carry subject and publicKey), else over the DER of poposkInput.
 */
export class PopoSigningKey {
  @AsnProp({ type: PoposkInput, context: 0, implicit: true, optional: true })
  poposkInput?: PoposkInput;

  @AsnProp({ type: AlgorithmIdentifier })
  algorithmIdentifier = new AlgorithmIdentifier();

  @AsnProp({ type: BitString })
  signature = new BitString();

  constructor(params: Partial<PopoSigningKey> = {}) {
    Object.assign(this, params);
  }
}

/** SubsequentMessage ::= INTEGER { encrCert (0), challengeResp (1) }. RFC 4211 §4.2. */
export enum SubsequentMessage {
  encrCert = 0,
  challengeResp = 1,
}

/**
 * ```asn1
 * POPOPrivKey ::= CHOICE {
 *   thisMessage       [0] BIT STRING,         -- Deprecated
 *   subsequentMessage [1] SubsequentMessage,
 *   dhMAC             [2] BIT STRING,         -- Deprecated
 *   agreeMAC          [3] PKMACValue,
 *   encryptedKey      [4] EnvelopedData }
 * ```
 * RFC 4211 §4.2–4.3: proof of possession of an encryption or key-agreement key. Declared so that
 * such a request parses; NPKI signing keys prove possession by signature.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class PopoPrivKey {
  @AsnProp({ type: BitString, context: 0, implicit: true })
  thisMessage?: BitString;

  @AsnProp({ type: AsnPropTypes.Integer, context: 1, implicit: true })
  subsequentMessage?: SubsequentMessage;

  @AsnProp({ type: BitString, context: 2, implicit: true })
  dhMAC?: BitString;

  @AsnProp({ type: PkMacValue, context: 3, implicit: true })
  agreeMAC?: PkMacValue;

  @AsnProp({ type: EnvelopedData, context: 4, implicit: true })
  encryptedKey?: EnvelopedData;

  constructor(params: Partial<PopoPrivKey> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * ProofOfPossession ::= CHOICE {
 *   raVerified        [0] NULL,
 *   -- used if the RA has already verified that the requester is in
 *   -- possession of the private key
 *   signature         [1] POPOSigningKey,
 *   keyEncipherment   [2] POPOPrivKey,
 *   keyAgreement      [3] POPOPrivKey }
 * ```
 * RFC 4211 §4. POPOPrivKey is a CHOICE, so [2] and [3] are explicit. Select raVerified by setting
 * it to null (undefined means absent).
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class ProofOfPossession {
  @AsnProp({ type: AsnPropTypes.Null, context: 0, implicit: true })
  raVerified?: null;

  @AsnProp({ type: PopoSigningKey, context: 1, implicit: true })
  signature?: PopoSigningKey;

  @AsnProp({ type: PopoPrivKey, context: 2 })
  keyEncipherment?: PopoPrivKey;

  @AsnProp({ type: PopoPrivKey, context: 3 })
  keyAgreement?: PopoPrivKey;

  constructor(params: Partial<ProofOfPossession> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertReqMsg ::= SEQUENCE {
 *   certReq   CertRequest,
 *   popo      ProofOfPossession  OPTIONAL,
 *   -- content depends upon key type
 *   regInfo   SEQUENCE SIZE(1..MAX) OF AttributeTypeAndValue OPTIONAL }
 * ```
 * RFC 4211 §3.
 */
export class CertReqMsg {
  @AsnProp({ type: CertRequest })
  certReq = new CertRequest();

  @AsnProp({ type: ProofOfPossession, optional: true })
  popo?: ProofOfPossession;

  @AsnProp({ type: AttributeTypeAndValue, repeated: "sequence", optional: true })
  regInfo?: AttributeTypeAndValue[];

  constructor(params: Partial<CertReqMsg> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertReqMessages ::= SEQUENCE SIZE (1..MAX) OF CertReqMsg
 * ```
 * RFC 4211 §3.
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertReqMsg })
export class CertReqMessages extends AsnArray<CertReqMsg> {
  constructor(items?: CertReqMsg[]) {
    super(items);
    Object.setPrototypeOf(this, CertReqMessages.prototype);
  }
}

/**
 * ```asn1
 * CertId ::= SEQUENCE {
 *   issuer           GeneralName,
 *   serialNumber     INTEGER }
 * ```
 * RFC 4211 §6.5, the value of the oldCertID control.
 */
export class CertId {
  @AsnProp({ type: GeneralName })
  issuer = new GeneralName();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })
  serialNumber: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<CertId> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * SinglePubInfo ::= SEQUENCE {
 *   pubMethod    INTEGER { dontCare (0), x500 (1), web (2), ldap (3) },
 *   pubLocation  GeneralName OPTIONAL }
 * ```
 * RFC 4211 §6.3.
 */
export class SinglePubInfo {
  @AsnProp({ type: AsnPropTypes.Integer })
  pubMethod = 0;

  @AsnProp({ type: GeneralName, optional: true })
  pubLocation?: GeneralName;

  constructor(params: Partial<SinglePubInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PKIPublicationInfo ::= SEQUENCE {
 *   action     INTEGER { dontPublish (0), pleasePublish (1) },
 *   pubInfos   SEQUENCE SIZE (1..MAX) OF SinglePubInfo OPTIONAL }
 * ```
 * RFC 4211 §6.3, the value of the pkiPublicationInfo control.
 */
export class PkiPublicationInfo {
  @AsnProp({ type: AsnPropTypes.Integer })
  action = 0;

  @AsnProp({ type: SinglePubInfo, repeated: "sequence", optional: true })
  pubInfos?: SinglePubInfo[];

  constructor(params: Partial<PkiPublicationInfo> = {}) {
    Object.assign(this, params);
  }
}
