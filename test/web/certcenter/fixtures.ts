// Certificates with key files for the store and signer tests: a key certified by the throwaway
// test CA (its personal profile, as the real CA issues), its PKCS#8 with R, and the key file under a
// password (few iterations: these tests are about the stores, keygen.test.ts about the 600,000).
import { ContentInfo, id_data } from "@peculiar/asn1-cms";
import { AuthenticatedSafe, PFX } from "@peculiar/asn1-pfx";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { encryptKeyFile } from "../../../src/pki/key-file.ts";
import { bmpPassword, computeMac } from "../../../src/pki/pkcs12-kdf.ts";
import { setRandomNum } from "../../../src/pki/private-key.ts";
import type { KeyType } from "../../../src/pki/signature-algorithms.ts";
import { certifiedKey } from "../../pki/certified-keys.ts";
import { type TestCa, testCa } from "../../support/test-ca.ts";

export const password = "Gm7#kq2!Rv9z";

export interface TestPair {
  certificate: Uint8Array;
  keyFile: Uint8Array;
  pkcs8: Uint8Array;
  vidRandom: Uint8Array;
}

let ca: Promise<TestCa> | undefined;

export function sharedCa(): Promise<TestCa> {
  ca ??= testCa(new Date(Date.now() - 86_400_000));
  return ca;
}

export async function testPair(type: KeyType = { kind: "EC", curve: "P-256" }): Promise<TestPair> {
  const key = await certifiedKey(await sharedCa(), type);
  const vidRandom = crypto.getRandomValues(new Uint8Array(20));
  const pkcs8 = setRandomNum(key.pkcs8, vidRandom);
  const keyFile = await encryptKeyFile(pkcs8, password, { iterations: 2048 });
  return { certificate: key.certificate, keyFile, pkcs8, vidRandom };
}

/**
 * A .pfx holding the safes of both files (two keys), with a fresh MAC: as a tool exporting two
 * certificates at once writes it. Built on the library's own ASN.1 types, not on the reader.
 */
export async function joinPfx(a: Uint8Array, b: Uint8Array, pfxPassword = password): Promise<Uint8Array> {
  const safesOf = (pfx: Uint8Array) => {
    const parsed = AsnConvert.parse(pfx, PFX);
    const inner = AsnConvert.parse(parsed.authSafe.content, OctetString);
    return { parsed, safes: [...AsnConvert.parse(inner, AuthenticatedSafe)] };
  };
  const first = safesOf(a);
  const joined = new AuthenticatedSafe([...first.safes, ...safesOf(b).safes]);
  const authSafeBytes = new Uint8Array(AsnConvert.serialize(joined));
  const mac = first.parsed.macData!;
  mac.mac.digest = new OctetString(
    await computeMac(
      crypto,
      "sha256",
      bmpPassword(pfxPassword),
      new Uint8Array(mac.macSalt.buffer),
      mac.iterations,
      authSafeBytes,
    ),
  );
  first.parsed.authSafe = new ContentInfo({
    contentType: id_data,
    content: AsnConvert.serialize(new OctetString(authSafeBytes)),
  });
  return new Uint8Array(AsnConvert.serialize(first.parsed));
}
