import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { id_PBES2, PbeParameter } from "../../src/pki/asn1/pbe.ts";
import {
  changeKeyFilePassword,
  decryptKeyFile,
  encryptKeyFile,
  parseKeyFile,
} from "../../src/pki/key-file.ts";
import { encodePbeAlgorithm } from "../../src/pki/pbe.ts";
import { getRandomNum, withoutAttributes } from "../../src/pki/private-key.ts";
import { readVector } from "../support/files.ts";
import { keyVectors, opensslKeyFiles, vectorPassword } from "./npki-vectors.ts";

async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toMatchObject({ name: "PkiError", code });
}

describe("signPri.key written by other software", () => {
  for (const v of keyVectors) {
    it(`${v.dir}: decrypts to the expected PKCS#8, byte for byte, with R`, async () => {
      const file = await readVector(`${v.dir}/signPri.key`);
      const { pkcs8, scheme } = await decryptKeyFile(file, v.password);
      expect(scheme.kind).toBe(v.scheme);
      expect(pkcs8).toEqual(await readVector(`${v.dir}/expected-plain-pkcs8.der`));
      expect(getRandomNum(pkcs8)).toEqual(v.random);
      if (v.dir !== "yessign-test") {
        expect(withoutAttributes(pkcs8)).toEqual(
          await readVector(`${v.dir}/expected-plain-pkcs8-without-r.der`),
        );
      }
    });

    it(`${v.dir}: a wrong password is told as such`, async () => {
      const file = await readVector(`${v.dir}/signPri.key`);
      await expectCode(decryptKeyFile(file, `${v.password}x`), "bad_password");
    });
  }

  for (const path of opensslKeyFiles) {
    it(`${path}: decrypts to the key without R (OpenSSL drops attributes)`, async () => {
      const { pkcs8, scheme } = await decryptKeyFile(await readVector(path), vectorPassword);
      expect(scheme).toMatchObject({ kind: "pbes2", prf: "sha256", iterations: 10000 });
      expect(pkcs8).toEqual(await readVector("indep-pbes2/expected-plain-pkcs8-without-r.der"));
      expect(getRandomNum(pkcs8)).toBeUndefined();
    });
  }
});

describe("the algorithm identifiers we write", () => {
  for (const path of [...keyVectors.map((v) => `${v.dir}/signPri.key`), ...opensslKeyFiles]) {
    it(`${path}: re-encoding its scheme gives the other writer's bytes exactly`, async () => {
      const file = await readVector(path);
      const original = AsnConvert.parse(file, EncryptedPrivateKeyInfo).encryptionAlgorithm;
      const ours = encodePbeAlgorithm(parseKeyFile(file).scheme);
      expect(new Uint8Array(AsnConvert.serialize(ours))).toEqual(
        new Uint8Array(AsnConvert.serialize(original)),
      );
    });
  }

  it("a new file has the shape of indep-pbes2's, which NPKI readers take: 8-byte salt, SHA-1 PRF left out", async () => {
    const pkcs8 = await readVector("indep-pbes2/expected-plain-pkcs8.der");
    const ours = parseKeyFile(await encryptKeyFile(pkcs8, "An0ther!pass", { iterations: 2048 })).scheme;
    const theirs = parseKeyFile(await readVector("indep-pbes2/signPri.key")).scheme;
    expect({ ...ours, salt: ours.salt.length }).toMatchObject({
      ...theirs,
      salt: theirs.salt.length,
      iv: expect.any(Uint8Array),
    });
  });
});

describe("signPri.key we write", () => {
  it("defaults to PBES2 with PBKDF2-HMAC-SHA1 and seedCBC, and a high iteration count", async () => {
    const pkcs8 = await readVector("indep-pbes1/expected-plain-pkcs8.der");
    const file = await encryptKeyFile(pkcs8, "An0ther!pass", { iterations: 2000 });
    expect(parseKeyFile(file).scheme).toMatchObject({ kind: "pbes2", prf: "sha1", cipher: "seed-cbc" });
    const defaults = parseKeyFile(await encryptKeyFile(pkcs8, "An0ther!pass")).scheme;
    expect(defaults.iterations).toBeGreaterThanOrEqual(300_000);
  });

  for (const options of [
    { prf: "sha1", cipher: "seed-cbc" },
    { prf: "sha256", cipher: "seed-cbc" },
    { prf: "sha256", cipher: "aes-256-cbc" },
    { prf: "sha1", cipher: "aes-128-cbc" },
  ] as const) {
    it(`round-trips with ${options.prf} and ${options.cipher}, R kept`, async () => {
      const pkcs8 = await readVector("indep-pbes2/expected-plain-pkcs8.der");
      const file = await encryptKeyFile(pkcs8, "An0ther!pass", { ...options, iterations: 1000 });
      expect(parseKeyFile(file).scheme).toMatchObject({ ...options, iterations: 1000 });
      const { pkcs8: back } = await decryptKeyFile(file, "An0ther!pass");
      expect(back).toEqual(pkcs8);
      await expectCode(decryptKeyFile(file, "An0ther!pasS"), "bad_password");
    });
  }

  it("changes the password and keeps the plaintext, R included", async () => {
    const old = await readVector("yessign-test/signPri.key");
    const changed = await changeKeyFilePassword(old, "WTuA8Ev0lWXVFSiI!", "N3w!passw0rd", {
      iterations: 1000,
    });
    const { pkcs8 } = await decryptKeyFile(changed, "N3w!passw0rd");
    expect(pkcs8).toEqual(await readVector("yessign-test/expected-plain-pkcs8.der"));
    await expectCode(decryptKeyFile(changed, "WTuA8Ev0lWXVFSiI!"), "bad_password");
    await expectCode(changeKeyFilePassword(old, "wrong", "N3w!passw0rd"), "bad_password");
  });

  it("refuses to encrypt what is not a private key", async () => {
    await expectCode(encryptKeyFile(await readVector("indep-pbes2/signCert.der"), "x"), "malformed");
  });
});

describe("bad key files", () => {
  it("a truncated file is malformed", async () => {
    const file = await readVector("indep-pbes2/signPri.key");
    await expectCode(decryptKeyFile(file.slice(0, 700), vectorPassword), "malformed");
    await expectCode(decryptKeyFile(new Uint8Array(0), vectorPassword), "malformed");
  });

  it("trailing bytes make a file malformed", async () => {
    const file = await readVector("indep-pbes2/signPri.key");
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    await expectCode(decryptKeyFile(longer, vectorPassword), "malformed");
  });

  it("a certificate is not a key file", async () => {
    await expectCode(
      decryptKeyFile(await readVector("indep-pbes2/signCert.der"), vectorPassword),
      "malformed",
    );
  });

  it("encrypted data that is not whole blocks is malformed", async () => {
    const { scheme } = parseKeyFile(await readVector("indep-pbes1/signPri.key"));
    const epki = AsnConvert.parse(await readVector("indep-pbes1/signPri.key"), EncryptedPrivateKeyInfo);
    epki.encryptedData = new OctetString(new Uint8Array(1263));
    expect(scheme.kind).toBe("pbes1-seed");
    await expectCode(decryptKeyFile(new Uint8Array(AsnConvert.serialize(epki)), vectorPassword), "malformed");
  });

  it("an unknown algorithm is named, not guessed", async () => {
    const epki = new EncryptedPrivateKeyInfo({
      encryptionAlgorithm: new AlgorithmIdentifier({ algorithm: "1.2.3.4.5", parameters: null }),
      encryptedData: new OctetString(new Uint8Array(32)),
    });
    await expectCode(
      decryptKeyFile(new Uint8Array(AsnConvert.serialize(epki)), "x"),
      "unsupported_algorithm",
    );
  });

  it("an absurd iteration count is refused before any work", async () => {
    const epki = AsnConvert.parse(await readVector("indep-pbes1/signPri.key"), EncryptedPrivateKeyInfo);
    const params = new PbeParameter({
      salt: new OctetString(new Uint8Array(8)),
      iterationCount: 2_000_000_000,
    });
    epki.encryptionAlgorithm.parameters = AsnConvert.serialize(params);
    const started = Date.now();
    await expectCode(
      decryptKeyFile(new Uint8Array(AsnConvert.serialize(epki)), vectorPassword),
      "bad_parameters",
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("PBES2 with broken parameters is malformed", async () => {
    const epki = new EncryptedPrivateKeyInfo({
      encryptionAlgorithm: new AlgorithmIdentifier({
        algorithm: id_PBES2,
        parameters: new Uint8Array([5, 0]).buffer,
      }),
      encryptedData: new OctetString(new Uint8Array(32)),
    });
    await expectCode(decryptKeyFile(new Uint8Array(AsnConvert.serialize(epki)), "x"), "malformed");
  });
});
