// Key files against OpenSSL 3 (its legacy provider has SEED), in both directions: OpenSSL opens
// what we write, and we open what OpenSSL writes with every PBES2 cipher and PRF it offers us.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decryptKeyFile, encryptKeyFile, parseKeyFile } from "../../src/pki/key-file.ts";
import { withoutAttributes } from "../../src/pki/private-key.ts";
import { readVector } from "../support/files.ts";

const legacy = ["-provider", "legacy", "-provider", "default"];
const password = "Kx7#mQ2!vR9z";

function openssl(args: string[]): Buffer {
  return execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
}

/** OpenSSL's decryption of a key file, written back as unencrypted PKCS#8 DER. */
function opensslDecrypt(path: string, pass: string): Uint8Array {
  const args = ["pkcs8", "-inform", "DER", "-in", path, "-passin", `pass:${pass}`, "-topk8", "-nocrypt"];
  return new Uint8Array(openssl([...args, "-outform", "DER", ...legacy]));
}

describe("key files and OpenSSL", () => {
  const dir = mkdtempSync(join(tmpdir(), "geumgo-keyfile-"));

  for (const options of [
    { prf: "sha1", cipher: "seed-cbc" },
    { prf: "sha256", cipher: "seed-cbc" },
    { prf: "sha256", cipher: "aes-256-cbc" },
    { prf: "sha512", cipher: "aes-128-cbc" },
  ] as const) {
    it(`OpenSSL opens ours: ${options.prf} + ${options.cipher}`, async () => {
      const pkcs8 = await readVector("indep-pbes2/expected-plain-pkcs8.der");
      const file = join(dir, `ours-${options.prf}-${options.cipher}.key`);
      writeFileSync(file, await encryptKeyFile(pkcs8, password, { ...options, iterations: 5000 }));
      // OpenSSL goes through its key object and drops PKCS#8 attributes on the way out.
      expect(opensslDecrypt(file, password)).toEqual(withoutAttributes(pkcs8));
      expect(() => opensslDecrypt(file, "wrong")).toThrow();
    });
  }

  for (const [cipher, prf] of [
    ["seed-cbc", "hmacWithSHA1"],
    ["seed-cbc", "hmacWithSHA256"],
    ["aes-256-cbc", "hmacWithSHA256"],
    ["aes-192-cbc", "hmacWithSHA384"],
  ] as const) {
    it(`we open OpenSSL's: ${cipher} + ${prf}`, async () => {
      const plain = join(dir, "plain.der");
      const expected = await readVector("indep-pbes2/expected-plain-pkcs8-without-r.der");
      writeFileSync(plain, expected);
      const enc = openssl([
        "pkcs8",
        "-topk8",
        "-inform",
        "DER",
        "-in",
        plain,
        "-outform",
        "DER",
        "-v2",
        cipher,
        "-v2prf",
        prf,
        "-iter",
        "3000",
        "-passout",
        `pass:${password}`,
        ...legacy,
      ]);
      const { pkcs8, scheme } = await decryptKeyFile(new Uint8Array(enc), password);
      expect(pkcs8).toEqual(expected);
      expect(scheme).toMatchObject({ kind: "pbes2", iterations: 3000 });
      expect(parseKeyFile(new Uint8Array(enc)).scheme.kind).toBe("pbes2");
    });
  }

  it("the shared OpenSSL-written vectors agree with a fresh OpenSSL decryption", async () => {
    for (const name of ["signPri-seed-sha256.key", "signPri-aes256-sha256.key"]) {
      const path = join(dir, name);
      writeFileSync(path, await readVector(`indep-openssl/${name}`));
      const { pkcs8 } = await decryptKeyFile(new Uint8Array(readFileSync(path)), "Vector!2026kr");
      expect(pkcs8).toEqual(opensslDecrypt(path, "Vector!2026kr"));
    }
  });
});
