// The shared NPKI vectors (../shared/vectors/npki, see its README): who wrote each, with what.
import { fromHex } from "../../src/pki/bytes.ts";

export const vectorPassword = "Vector!2026kr";
export const vectorRrn = "8001011234567";

export interface KeyVector {
  dir: string;
  password: string;
  scheme: "pbes1-seed" | "seedcbc-fixed-iv" | "pbes2";
  random: Uint8Array;
  /** SHA-256 VID in the certificate, when its resident registration number is published. */
  vid?: Uint8Array;
}

export const keyVectors: KeyVector[] = [
  {
    dir: "yessign-test",
    password: "WTuA8Ev0lWXVFSiI!",
    scheme: "pbes1-seed",
    random: fromHex("7858B4328390805129F01C97FE6CA4A520CBD479"),
  },
  {
    dir: "indep-pbes1",
    password: vectorPassword,
    scheme: "pbes1-seed",
    random: fromHex("8015096338f606952c57c77f65690ff99ff2fcb4"),
    vid: fromHex("c1e582c4df10f0bd2f6ef1b3831ef942602f5db3557e7e5c6083f6a85816506c"),
  },
  {
    dir: "indep-pbes2",
    password: vectorPassword,
    scheme: "pbes2",
    random: fromHex("7306b6e2accaa5a60fdb0d69bcc77ac358925519"),
    vid: fromHex("846cd0f0998f0103ce417b0bd7654e25b5d331547e08c3a0fec5840da3ef8ec0"),
  },
  {
    dir: "indep-pbes2-aes",
    password: vectorPassword,
    scheme: "pbes2",
    random: fromHex("a80999f3de2bd5c0e5989e4b6b5b8452e9d37c1e"),
    vid: fromHex("ade4dc54276dd41d38189a9adb18bf1f936ff8a663aac779834d05764c2d3785"),
  },
  {
    dir: "indep-seedcbc-old",
    password: vectorPassword,
    scheme: "seedcbc-fixed-iv",
    random: fromHex("6643643ba90500d4c18f7932f85b036758ab8db9"),
    vid: fromHex("917cef553facfdf73a320b8394dc3de3c8fca858b6ee0a987565faa79d8b4e23"),
  },
];

/** OpenSSL 3.0 re-encryptions of indep-pbes2's key: no attributes, so no R. */
export const opensslKeyFiles = [
  "indep-openssl/signPri-seed-sha256.key",
  "indep-openssl/signPri-aes256-sha256.key",
];
