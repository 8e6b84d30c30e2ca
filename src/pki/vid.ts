// The VID (virtual ID) of KISA KCAC.TS.SIVID: VID = H(H(DER(SEQUENCE { idn, R }))), carried in the
// certificate's identifyData, so that a relying party can check a resident registration number
// against a certificate without the number appearing in it.
import { AsnConvert, BitString, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  Certificate,
  GeneralName,
  id_ce_subjectAltName,
  OtherName,
  SubjectAlternativeName,
} from "@peculiar/asn1-x509";
import {
  HashContent,
  IdentifyData,
  id_npkiIdentifyData,
  id_npkiVid,
  Vid,
  VidInfo,
  VidInfos,
} from "./asn1/identify-data.ts";
import { equalBytes, toBytes } from "./bytes.ts";
import { PkiError } from "./errors.ts";

export type VidHash = "sha256" | "sha1";

const hashOids: Record<VidHash, string> = { sha256: "2.16.840.1.101.3.4.2.1", sha1: "1.3.14.3.2.26" };
const hashNames: Record<VidHash, string> = { sha256: "SHA-256", sha1: "SHA-1" };

/**
 * A resident registration number as the 13 digits the VID is computed over. The dash and spaces
 * people type are dropped; the old check digit is not checked (numbers issued since October 2020
 * do not follow it).
 */
export function normalizeRrn(rrn: string): string {
  const digits = rrn.replace(/[\s-]/g, "");
  if (!/^\d{13}$/.test(digits)) throw new PkiError("bad_rrn", "a resident registration number has 13 digits");
  return digits;
}

export async function computeVid(
  options: { rrn: string; random: Uint8Array; hash?: VidHash },
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  const hash = hashNames[options.hash ?? "sha256"];
  const content = new HashContent({
    idn: normalizeRrn(options.rrn),
    randomNum: new BitString(toBytes(options.random)),
  });
  const once = await crypto.subtle.digest(hash, AsnConvert.serialize(content));
  return new Uint8Array(await crypto.subtle.digest(hash, once));
}

export interface IdentifyDataValue {
  realName: string;
  hash: VidHash;
  vid: Uint8Array;
}

/** The subjectAltName entry that carries identifyData. */
export function identifyDataGeneralName(value: IdentifyDataValue): GeneralName {
  const data = new IdentifyData({
    realName: value.realName,
    userInfos: new VidInfos([
      new VidInfo({
        type: id_npkiVid,
        value: new Vid({
          // NPKI writes the hash AlgorithmIdentifier without parameters; so do we.
          hashAlg: new AlgorithmIdentifier({ algorithm: hashOids[value.hash] }),
          virtualID: new OctetString(value.vid),
        }),
      }),
    ]),
  });
  return new GeneralName({
    otherName: new OtherName({ typeId: id_npkiIdentifyData, value: AsnConvert.serialize(data) }),
  });
}

function parseCertificate(der: Uint8Array): Certificate {
  try {
    return AsnConvert.parse(toBytes(der), Certificate);
  } catch (e) {
    throw new PkiError("malformed", "not an X.509 certificate", { cause: e });
  }
}

/** The identifyData in a certificate, or undefined when it has none. */
export function readIdentifyData(certificate: Uint8Array): IdentifyDataValue | undefined {
  const cert = parseCertificate(certificate);
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (!ext) return undefined;
  let names: SubjectAlternativeName;
  try {
    names = AsnConvert.parse(ext.extnValue, SubjectAlternativeName);
  } catch (e) {
    throw new PkiError("malformed", "the subjectAltName extension is not valid DER", { cause: e });
  }
  const other = names.find((n) => n.otherName?.typeId === id_npkiIdentifyData)?.otherName;
  if (!other) return undefined;
  let data: IdentifyData;
  try {
    data = AsnConvert.parse(other.value, IdentifyData);
  } catch (e) {
    throw new PkiError("malformed", "identifyData is not valid DER", { cause: e });
  }
  const entry = data.userInfos.find((u) => u.type === id_npkiVid);
  if (!entry) return undefined;
  const hashOid = entry.value.hashAlg.algorithm;
  const hash = (Object.keys(hashOids) as VidHash[]).find((h) => hashOids[h] === hashOid);
  if (!hash) throw new PkiError("unsupported_algorithm", `VID hash algorithm ${hashOid}`);
  return { realName: data.realName, hash, vid: toBytes(entry.value.virtualID) };
}

/**
 * Whether a resident registration number and R make the certificate's VID. Throws missing_vid
 * when the certificate has none to check against.
 */
export async function verifyVid(
  options: { certificate: Uint8Array; rrn: string; random: Uint8Array },
  crypto: Crypto = globalThis.crypto,
): Promise<boolean> {
  const id = readIdentifyData(options.certificate);
  if (!id) throw new PkiError("missing_vid", "the certificate carries no VID (identifyData)");
  const vid = await computeVid({ rrn: options.rrn, random: options.random, hash: id.hash }, crypto);
  return equalBytes(vid, id.vid);
}
