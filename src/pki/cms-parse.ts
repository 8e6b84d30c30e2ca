// Reading a CMS SignedData (RFC 5652 §5.1–5.4) for verification: the structure, and the exact bytes
// its signature covers (the signed attributes as §5.4's SET OF, each certificate as carried).
import {
  type Attribute,
  type EncapsulatedContent,
  id_contentType,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  SignedData,
  type SignerInfo,
  SigningTime,
} from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import type { Certificate } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";

/** A SignedData larger than this is refused before parsing; a transfer's canonical form is far smaller. */
export const signatureBytesMax = 16 * 1024 * 1024;

export interface ParsedSignedData {
  signedData: SignedData;
  /** The `certificate` choices of the certificates field, each with its bytes as carried. */
  certificates: { cert: Certificate; der: Uint8Array }[];
  /** Each SignerInfo with the bytes its signature covers when it has signed attributes. */
  signerInfos: { info: SignerInfo; signedAttrsDer: Uint8Array | undefined }[];
}

/** The SignedData in a ContentInfo, read twice (asn1-schema for the values, asn1js for the bytes). */
export function parseSignedData(signature: Uint8Array): ParsedSignedData {
  if (signature.length > signatureBytesMax) {
    throw new PkiError("malformed", `the signature is larger than ${signatureBytesMax} bytes`);
  }
  const bytes = toBytes(signature);
  // asn1-schema keeps no bytes of SET OF fields, so the exact encodings (signed attributes, the
  // certificates) are taken from an asn1js tree of the same input.
  const tree = asn1js.fromBER(bytes, { parseEmbedded: false });
  if (tree.offset === -1 || tree.result.error) throw new PkiError("malformed", "not DER (or BER)");
  if (tree.offset !== bytes.length) throw new PkiError("malformed", "trailing bytes after the ContentInfo");
  if (!lengthsAgree(tree.result)) {
    throw new PkiError("malformed", "an element overruns the one that holds it");
  }

  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }, read from the
  // tree above rather than parsed again: reading DER is most of what a signature check costs the
  // server (docs/benchmarks.md, "Transfer signatures").
  const top = tree.result;
  const parts = top instanceof asn1js.Sequence ? children(top) : [];
  const [type, explicit] = parts;
  if (
    parts.length !== 2 ||
    !(type instanceof asn1js.ObjectIdentifier) ||
    !explicit ||
    !isContext(explicit, 0)
  ) {
    throw new PkiError("malformed", "not a CMS ContentInfo");
  }
  const contentType = type.valueBlock.toString();
  if (contentType !== id_signedData) {
    throw new PkiError("malformed", `the ContentInfo holds ${contentType}, not SignedData`);
  }
  const inner = children(explicit);
  if (inner.length !== 1) throw new PkiError("malformed", "the ContentInfo's content is not one element");
  let signedData: SignedData;
  try {
    signedData = AsnConvert.parse(new Uint8Array(inner[0]!.valueBeforeDecodeView), SignedData);
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError("malformed", "not a CMS SignedData", { cause: e });
  }

  const fields = children(children(children(tree.result)[1])[0]);
  // SignedData: version, digestAlgorithms, encapContentInfo, then certificates [0] if present.
  const certificatesField = fields[3];
  const certificateBlocks =
    certificatesField && isContext(certificatesField, 0) ? children(certificatesField) : [];
  const signerInfoBlocks = children(fields.at(-1));
  const choices = signedData.certificates ?? [];
  if (
    certificateBlocks.length !== choices.length ||
    signerInfoBlocks.length !== signedData.signerInfos.length
  ) {
    throw new PkiError("malformed", "the SignedData does not parse the same twice");
  }

  const certificates: ParsedSignedData["certificates"] = [];
  choices.forEach((choice, i) => {
    if (choice.certificate) {
      certificates.push({ cert: choice.certificate, der: encodingOf(certificateBlocks[i]!) });
    }
  });
  const signerInfos = signedData.signerInfos.map((info, i) => {
    // SignerInfo: version, sid, digestAlgorithm, then signedAttrs [0] if present. (A sid that is a
    // subjectKeyIdentifier is a [0] too, so position tells them apart.)
    const attrsBlock = children(signerInfoBlocks[i])[3];
    let signedAttrsDer: Uint8Array | undefined;
    if (attrsBlock && isContext(attrsBlock, 0)) {
      signedAttrsDer = encodingOf(attrsBlock);
      signedAttrsDer[0] = 0x31; // [0] IMPLICIT (0xA0) becomes SET OF, as §5.4 asks.
    }
    if (!info.signedAttrs !== !signedAttrsDer) {
      throw new PkiError("malformed", "the SignerInfo does not parse the same twice");
    }
    return { info, signedAttrsDer };
  });
  return { signedData, certificates, signerInfos };
}

type Block = asn1js.AsnType;

function children(block: Block | undefined): Block[] {
  const valueBlock = block?.valueBlock as { value?: unknown } | undefined;
  if (!valueBlock || !Array.isArray(valueBlock.value)) {
    throw new PkiError("malformed", "not a CMS SignedData");
  }
  return valueBlock.value as Block[];
}

/**
 * asn1js reads a constructed element's children to their own ends even when these overrun the
 * length the element declares; OpenSSL refuses such input, and so do we, since the signatures are
 * kept as evidence that OpenSSL must accept.
 */
function lengthsAgree(block: Block): boolean {
  const valueBlock = block.valueBlock as { value?: unknown };
  if (!block.idBlock.isConstructed || !Array.isArray(valueBlock.value)) return true;
  const inner = valueBlock.value as Block[];
  if (!block.lenBlock.isIndefiniteForm) {
    let sum = 0;
    for (const child of inner) sum += child.blockLength;
    if (sum !== block.lenBlock.length) return false;
  }
  return inner.every(lengthsAgree);
}

/** A constructed [n] (IMPLICIT SET OF in the fields this reads). */
function isContext(block: Block, tagNumber: number): boolean {
  return block.idBlock.tagClass === 3 && block.idBlock.tagNumber === tagNumber && block.idBlock.isConstructed;
}

/** The block's own bytes, header included, as a fresh copy. */
function encodingOf(block: Block): Uint8Array {
  return new Uint8Array(block.valueBeforeDecodeView);
}

/** The eContent OCTET STRING's octets, also when BER splits them into pieces (OpenSSL's -stream). */
export function encapsulatedContent(eContent: EncapsulatedContent): Uint8Array {
  if (eContent.single) return new Uint8Array(eContent.single.buffer);
  const any = eContent.any;
  const parsed = any ? asn1js.fromBER(any, { parseEmbedded: false }) : undefined;
  if (!any || parsed?.offset !== any.byteLength || !(parsed.result instanceof asn1js.OctetString)) {
    throw new PkiError("malformed", "eContent is not an OCTET STRING");
  }
  return new Uint8Array(parsed.result.getValue());
}

export interface SignedAttributeValues {
  contentType: string;
  messageDigest: Uint8Array;
  signingTime?: Date;
}

/** §11.1–11.3: contentType and messageDigest must be there; none of the three may appear twice or hold two values. */
export function readSignedAttributes(attributes: Attribute[]): SignedAttributeValues {
  const single = (type: string): ArrayBuffer | undefined => {
    const found = attributes.filter((a) => a.attrType === type);
    if (found.length === 0) return undefined;
    if (found.length > 1 || found[0]!.attrValues.length !== 1) {
      throw new PkiError("malformed", `the signed attribute ${type} must appear once with one value`);
    }
    return found[0]!.attrValues[0];
  };
  const contentType = single(id_contentType);
  const messageDigest = single(id_messageDigest);
  const signingTime = single(id_signingTime);
  if (!contentType || !messageDigest) {
    throw new PkiError("malformed", "the signed attributes lack contentType or messageDigest");
  }
  const type = readObjectIdentifier(new Uint8Array(contentType));
  if (!type) throw new PkiError("malformed", "the contentType attribute is not an OBJECT IDENTIFIER");
  try {
    const values: SignedAttributeValues = {
      contentType: type,
      messageDigest: new Uint8Array(AsnConvert.parse(messageDigest, OctetString).buffer),
    };
    if (signingTime) values.signingTime = AsnConvert.parse(signingTime, SigningTime).getTime();
    return values;
  } catch (e) {
    throw new PkiError("malformed", "a signed attribute does not parse", { cause: e });
  }
}

function readObjectIdentifier(der: Uint8Array): string | undefined {
  const parsed = asn1js.fromBER(toBytes(der));
  if (parsed.offset !== der.length || !(parsed.result instanceof asn1js.ObjectIdentifier)) return undefined;
  return parsed.result.getValue();
}
