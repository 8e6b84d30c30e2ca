// How the VID random R (DESIGN §4) reaches the CA inside a CMP ir/cr without being readable on the
// way: a regInfo entry (RFC 4211 §7) under Geumgo's arc whose value is AES-256-GCM of R under a key
// derived by HKDF-SHA256 from the authorisation code, salted with the transaction ID and bound to
// the reference number. The code never travels, so only the CA that issued it can read R; the
// message's MAC (keyed by the same code) stops anyone from swapping the entry.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AttributeTypeAndValue } from "./asn1/crmf.ts";
import { concatBytes, toBytes, utf8 } from "./bytes.ts";
import { PkiError } from "./errors.ts";
import { geumgoPolicyArc } from "./policy.ts";

/** id-geumgo-regInfo-encryptedVidRandom: OCTET STRING (12-byte IV ‖ ciphertext ‖ 16-byte tag). */
export const id_regInfo_encryptedVidRandom = `${geumgoPolicyArc}.2.1`;

/** NPKI key files carry a 20-byte R; anything from 16 to 64 bytes is accepted. */
const randomBytesMin = 16;
const randomBytesMax = 64;

async function transportKey(
  authorizationCode: string,
  transactionId: Uint8Array,
  usage: KeyUsage,
  crypto: Crypto,
): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", utf8(authorizationCode), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: toBytes(transactionId), info: utf8("geumgo vid random v1") },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

export async function sealVidRandom(
  o: { random: Uint8Array; authorizationCode: string; referenceNumber: string; transactionId: Uint8Array },
  crypto: Crypto = globalThis.crypto,
): Promise<AttributeTypeAndValue> {
  const key = await transportKey(o.authorizationCode, o.transactionId, "encrypt", crypto);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8(o.referenceNumber) },
    key,
    toBytes(o.random),
  );
  return new AttributeTypeAndValue({
    type: id_regInfo_encryptedVidRandom,
    value: AsnConvert.serialize(new OctetString(concatBytes(iv, new Uint8Array(ct)))),
  });
}

/** R from the entry; malformed when it cannot be read or was not sealed under this code and reference. */
export async function openVidRandom(
  entry: AttributeTypeAndValue,
  o: { authorizationCode: string; referenceNumber: string; transactionId: Uint8Array },
  crypto: Crypto = globalThis.crypto,
): Promise<Uint8Array> {
  let sealed: Uint8Array<ArrayBuffer>;
  try {
    sealed = new Uint8Array(AsnConvert.parse(entry.value, OctetString).buffer);
  } catch (e) {
    throw new PkiError("malformed", "the encrypted VID random is not an OCTET STRING", { cause: e });
  }
  if (sealed.length < 12 + randomBytesMin + 16 || sealed.length > 12 + randomBytesMax + 16) {
    throw new PkiError("malformed", "the encrypted VID random has the wrong length");
  }
  const key = await transportKey(o.authorizationCode, o.transactionId, "decrypt", crypto);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: sealed.subarray(0, 12), additionalData: utf8(o.referenceNumber) },
        key,
        sealed.subarray(12),
      ),
    );
  } catch (e) {
    throw new PkiError("malformed", "the encrypted VID random does not open under this authorisation", {
      cause: e,
    });
  }
}
