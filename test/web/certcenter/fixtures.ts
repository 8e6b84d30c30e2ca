// Certificates with key files for the store and signer tests: a key certified by the throwaway
// test CA (its personal profile, as the real CA issues), its PKCS#8 with R, and the key file under a
// password (few iterations: these tests are about the stores, keygen.test.ts about the 600,000).
import { encryptKeyFile } from "../../../src/pki/key-file.ts";
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
