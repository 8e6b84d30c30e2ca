// CRMF certificate requests (RFC 4211) as CMP carries them: one CertReqMsg whose template names the
// key (and, when the requester knows it, the subject), with proof of possession by signature. The
// CMP layer decides what goes into controls and regInfo (the registration token, the NPKI R value);
// this module only builds, reads and checks the request itself.
import { AsnConvert, AsnUtf8StringConverter, BitString } from "@peculiar/asn1-schema";
import {
  Extension,
  Extensions,
  GeneralName,
  type Name,
  SubjectPublicKeyInfo,
  Time,
} from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import {
  AttributeTypeAndValue,
  CertId,
  CertReqMessages,
  CertReqMsg,
  CertRequest,
  CertTemplate,
  Controls,
  id_regCtrl_authenticator,
  id_regCtrl_oldCertID,
  id_regCtrl_regToken,
  OptionalValidity,
  PopoSigningKey,
  PoposkAuthInfo,
  PoposkInput,
  ProofOfPossession,
} from "./asn1/crmf.ts";
import { equalBytes, toArrayBuffer, toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import { signatureAlgorithmIdentifier, signData, verifySignature } from "./signature-algorithms.ts";
import type { Extension as X509Extension } from "./x509.ts";

export interface CertRequestOptions {
  /** The key pair to be certified: the public key goes into the template, the private key signs the POP. */
  keys: CryptoKeyPair;
  /**
   * The subject asked for. With a subject the POP signs the DER of the CertRequest (RFC 4211 §4.1),
   * the only form OpenSSL writes; without one, `popoSender` must name the requester and the POP
   * signs a POPOSigningKeyInput instead (OpenSSL checks both).
   */
  subject?: Name;
  /** The requester's authenticated name for POPOSigningKeyInput; used only when there is no subject. */
  popoSender?: GeneralName;
  /** At least one of the two when given. */
  validity?: { notBefore?: Date; notAfter?: Date };
  /** Extensions asked for, as @peculiar/x509 builds them (KeyUsagesExtension and the like). */
  extensions?: X509Extension[];
  /** Controls (RFC 4211 §6), inside the signed CertRequest: regToken, authenticator, oldCertID, any other. */
  controls?: AttributeTypeAndValue[];
  /** Registration information (RFC 4211 §7), outside the signed CertRequest. */
  regInfo?: AttributeTypeAndValue[];
  /** Matches the request to the CA's reply; 0 by default, as CMP uses for a single request. */
  certReqId?: number;
}

/**
 * One CertReqMsg for a key pair, with its POP signed by the private key. The certReqId is 0 unless
 * set. The message is returned as a declared structure, for the CMP layer to place in its body.
 */
export async function buildCertReqMsg(
  options: CertRequestOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<CertReqMsg> {
  const { keys, subject } = options;
  if (!subject && !options.popoSender) {
    throw new TypeError("a request without a subject needs popoSender for its proof of possession");
  }
  const spki = AsnConvert.parse(await crypto.subtle.exportKey("spki", keys.publicKey), SubjectPublicKeyInfo);
  const template = new CertTemplate({ subject, publicKey: spki });
  if (options.validity) {
    const { notBefore, notAfter } = options.validity;
    if (!notBefore && !notAfter) throw new TypeError("a validity needs notBefore, notAfter or both");
    template.validity = new OptionalValidity({
      notBefore: notBefore ? new Time(notBefore) : undefined,
      notAfter: notAfter ? new Time(notAfter) : undefined,
    });
  }
  if (options.extensions?.length) {
    template.extensions = new Extensions(
      options.extensions.map((e) => AsnConvert.parse(e.rawData, Extension)),
    );
  }
  const certReq = new CertRequest({
    certReqId: options.certReqId ?? 0,
    certTemplate: template,
    controls: options.controls?.length ? new Controls(options.controls) : undefined,
  });

  const poposkInput = subject
    ? undefined
    : new PoposkInput({ authInfo: new PoposkAuthInfo({ sender: options.popoSender }), publicKey: spki });
  const { algorithm, signature } = await signData({
    key: keys.privateKey,
    data: AsnConvert.serialize(poposkInput ?? certReq),
    crypto,
  });

  return new CertReqMsg({
    certReq,
    popo: new ProofOfPossession({
      signature: new PopoSigningKey({
        poposkInput,
        algorithmIdentifier: signatureAlgorithmIdentifier(algorithm),
        signature: new BitString(signature),
      }),
    }),
    regInfo: options.regInfo?.length ? options.regInfo : undefined,
  });
}

/** CertReqMessages holding the one CertReqMsg that `buildCertReqMsg` makes. */
export async function buildCertReqMessages(
  options: CertRequestOptions,
  crypto: Crypto = globalThis.crypto,
): Promise<CertReqMessages> {
  return new CertReqMessages([await buildCertReqMsg(options, crypto)]);
}

export function parseCertReqMessages(der: Uint8Array): CertReqMessages {
  let messages: CertReqMessages;
  try {
    messages = AsnConvert.parse(toBytes(der), CertReqMessages);
  } catch (e) {
    throw new PkiError("malformed", "not CRMF CertReqMessages", { cause: e });
  }
  // asn1-schema parses a prefix, and the POP covers a re-encoding: both need the input to be DER.
  if (!equalBytes(new Uint8Array(AsnConvert.serialize(messages)), der)) {
    throw new PkiError("malformed", "CertReqMessages are not in DER (or have trailing bytes)");
  }
  if (messages.length === 0) throw new PkiError("malformed", "CertReqMessages holds no request");
  return messages;
}

/**
 * Whether the message proves possession of the template's private key by signature (RFC 4211
 * §4.1): false when the signature is wrong, when there is no signature POP (raVerified included:
 * only the CA's own RA may claim that, and the caller decides whether to trust it), when the
 * template has no public key, when POPOSigningKeyInput names another key, or when it is absent and
 * the template has no subject. The signed bytes are the re-encoded certReq or poposkInput, which
 * are the bytes the requester signed when it sent DER, as RFC 4211 requires (and as
 * `parseCertReqMessages` checks). Throws unsupported_algorithm for a signature algorithm we do not
 * accept (SHA-1 among them) and malformed when the public key cannot be read.
 */
export async function verifyPop(msg: CertReqMsg, crypto: Crypto = globalThis.crypto): Promise<boolean> {
  const pop = msg.popo?.signature;
  const spki = msg.certReq.certTemplate.publicKey;
  if (!pop || !spki) return false;
  const spkiDer = new Uint8Array(AsnConvert.serialize(spki));
  let signed: ArrayBuffer;
  if (pop.poposkInput) {
    if (!equalBytes(new Uint8Array(AsnConvert.serialize(pop.poposkInput.publicKey)), spkiDer)) return false;
    signed = AsnConvert.serialize(pop.poposkInput);
  } else {
    if (!msg.certReq.certTemplate.subject) return false;
    signed = AsnConvert.serialize(msg.certReq);
  }

  if (pop.signature.unusedBits !== 0) return false;
  return verifySignature({
    publicKey: spkiDer,
    algorithm: pop.algorithmIdentifier,
    signature: pop.signature.value,
    data: signed,
    crypto,
  });
}

/** A control or regInfo entry whose value is a UTF8String (regToken, authenticator, utf8Pairs). */
export function utf8Attribute(type: string, text: string): AttributeTypeAndValue {
  return new AttributeTypeAndValue({ type, value: AsnUtf8StringConverter.toASN(text).toBER(false) });
}

/** The regToken control (RFC 4211 §6.1): a one-time secret the CA or RA gave out of band. */
export function regTokenControl(token: string): AttributeTypeAndValue {
  return utf8Attribute(id_regCtrl_regToken, token);
}

/** The authenticator control (RFC 4211 §6.2): a secret for authenticating later requests. */
export function authenticatorControl(authenticator: string): AttributeTypeAndValue {
  return utf8Attribute(id_regCtrl_authenticator, authenticator);
}

/** The oldCertID control (RFC 4211 §6.5) naming the certificate a key update replaces. */
export function oldCertIdControl(options: { issuer: Name; serialNumber: Uint8Array }): AttributeTypeAndValue {
  const id = new CertId({
    issuer: new GeneralName({ directoryName: options.issuer }),
    serialNumber: toArrayBuffer(options.serialNumber),
  });
  return new AttributeTypeAndValue({ type: id_regCtrl_oldCertID, value: AsnConvert.serialize(id) });
}

/** The first entry of a type among controls or regInfo, or undefined. */
export function findAttribute(
  list: readonly AttributeTypeAndValue[] | undefined,
  type: string,
): AttributeTypeAndValue | undefined {
  return list?.find((a) => a.type === type);
}

/** The text of a UTF8String-valued entry; malformed when the value is anything else. */
export function readUtf8Attribute(attribute: AttributeTypeAndValue): string {
  const { offset, result } = asn1js.fromBER(attribute.value);
  if (offset !== attribute.value.byteLength || !(result instanceof asn1js.Utf8String)) {
    throw new PkiError("malformed", `the value of ${attribute.type} is not a UTF8String`);
  }
  return result.valueBlock.value;
}
