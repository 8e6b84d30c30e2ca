// PKCS#12 against OpenSSL 3: OpenSSL reads what we write (MAC checked, key and certificate equal),
// we read what OpenSSL writes, and our key derivation gives what `openssl kdf PKCS12KDF` gives.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBytes, toHex } from "../../src/pki/bytes.ts";
import { isPkiError } from "../../src/pki/errors.ts";
import { readPkcs12 } from "../../src/pki/pkcs12.ts";
import { pkcs12Kdf } from "../../src/pki/pkcs12-kdf.ts";
import { writePkcs12 } from "../../src/pki/pkcs12-write.ts";
import { getRandomNum } from "../../src/pki/private-key.ts";
import { readVector } from "../support/files.ts";
import { vectorPassword } from "./npki-vectors.ts";

let dir: string;
let keyWithR: Uint8Array;
let keyWithoutR: Uint8Array;
let cert: Uint8Array;
const path = (name: string) => join(dir, name);

function openssl(args: string[], input?: Uint8Array): Buffer {
  return execFileSync("openssl", args, { input, stdio: ["pipe", "pipe", "pipe"] });
}

/** The key OpenSSL finds in a .pfx, as OpenSSL writes it in DER (without PKCS#8 attributes). */
function keyFromOpenssl(pfxFile: string, password: string, extra: string[] = []): Uint8Array {
  const pem = openssl([
    "pkcs12",
    "-in",
    pfxFile,
    "-passin",
    `pass:${password}`,
    "-nocerts",
    "-nodes",
    ...extra,
  ]);
  return new Uint8Array(openssl(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER"], pem));
}
function certFromOpenssl(pfxFile: string, password: string, extra: string[] = []): Uint8Array {
  const pem = openssl([
    "pkcs12",
    "-in",
    pfxFile,
    "-passin",
    `pass:${password}`,
    "-nokeys",
    "-clcerts",
    ...extra,
  ]);
  return new Uint8Array(openssl(["x509", "-outform", "DER"], pem));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "geumgo-pkcs12-"));
  keyWithR = await readVector("indep-pbes2/expected-plain-pkcs8.der");
  keyWithoutR = await readVector("indep-pbes2/expected-plain-pkcs8-without-r.der");
  cert = await readVector("indep-pbes2/signCert.der");
  writeFileSync(path("key.der"), keyWithoutR);
  writeFileSync(path("cert.der"), cert);
  openssl(["pkey", "-inform", "DER", "-in", path("key.der"), "-out", path("key.pem")]);
  openssl(["x509", "-inform", "DER", "-in", path("cert.der"), "-out", path("cert.pem")]);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("OpenSSL reads what we write", () => {
  it("defaults: OpenSSL verifies the MAC and finds our key and certificate", async () => {
    const pfx = await writePkcs12({ privateKey: keyWithR, certificates: [cert] }, vectorPassword, {
      friendlyName: "holder",
    });
    writeFileSync(path("ours.pfx"), pfx);
    // `-info` reports on stderr, and fails (status 1) when the MAC does not verify.
    const info = spawnSync(
      "openssl",
      ["pkcs12", "-in", path("ours.pfx"), "-passin", `pass:${vectorPassword}`, "-info", "-noout"],
      { encoding: "utf8" },
    );
    expect(info.status).toBe(0);
    const report = info.stderr;
    expect(report).toContain("MAC: sha256, Iteration 2048");
    expect(report).toContain(
      "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256",
    );
    expect(report).toContain(
      "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256",
    );
    // OpenSSL drops PKCS#8 attributes when it writes a key: compare with the key without R.
    expect(keyFromOpenssl(path("ours.pfx"), vectorPassword)).toEqual(keyWithoutR);
    expect(certFromOpenssl(path("ours.pfx"), vectorPassword)).toEqual(cert);
    // Key and certificate carry the same localKeyID, the certificate's SHA-1, and our friendlyName.
    const dump = openssl([
      "pkcs12",
      "-in",
      path("ours.pfx"),
      "-passin",
      `pass:${vectorPassword}`,
      "-nodes",
    ]).toString();
    const sha1 = toHex(new Uint8Array(await crypto.subtle.digest("SHA-1", toBytes(cert))))
      .toUpperCase()
      .replace(/(..)/g, "$1 ")
      .trim();
    expect(dump.match(/localKeyID: ([0-9A-F ]+)/g)?.map((l) => l.trim())).toEqual([
      `localKeyID: ${sha1}`,
      `localKeyID: ${sha1}`,
    ]);
    expect(dump.match(/friendlyName: holder/g)).toHaveLength(2);
  });

  it("a wrong password fails OpenSSL's MAC check", async () => {
    const pfx = await writePkcs12({ privateKey: keyWithR, certificates: [cert] }, vectorPassword, {
      iterations: 1000,
    });
    writeFileSync(path("wrong.pfx"), pfx);
    expect(() =>
      openssl(["pkcs12", "-in", path("wrong.pfx"), "-passin", "pass:nope", "-info", "-noout"]),
    ).toThrow();
  });

  for (const options of [
    { macHash: "sha1" as const, iterations: 1000 },
    { cipher: "seed-cbc" as const, iterations: 1000, legacy: true },
  ]) {
    it(`${JSON.stringify(options)}: OpenSSL reads it too`, async () => {
      const pfx = await writePkcs12({ privateKey: keyWithR, certificates: [cert] }, vectorPassword, options);
      writeFileSync(path("variant.pfx"), pfx);
      // SEED lives in OpenSSL 3's legacy provider.
      const extra = options.legacy ? ["-provider", "legacy", "-provider", "default"] : [];
      expect(keyFromOpenssl(path("variant.pfx"), vectorPassword, extra)).toEqual(keyWithoutR);
      expect(certFromOpenssl(path("variant.pfx"), vectorPassword, extra)).toEqual(cert);
    });
  }

  it("a password in Hangul: UTF-8 for PBKDF2, BMPString for the MAC, as OpenSSL does", async () => {
    const password = "공동인증서!2026kr";
    const pfx = await writePkcs12({ privateKey: keyWithR, certificates: [cert] }, password, {
      iterations: 1000,
    });
    writeFileSync(path("hangul.pfx"), pfx);
    expect(keyFromOpenssl(path("hangul.pfx"), password)).toEqual(keyWithoutR);
  });
});

describe("we read what OpenSSL writes", () => {
  function exportPfx(name: string, password: string, extra: string[]): Uint8Array {
    openssl([
      "pkcs12",
      "-export",
      "-inkey",
      path("key.pem"),
      "-in",
      path("cert.pem"),
      "-passout",
      `pass:${password}`,
      "-out",
      path(name),
      ...extra,
    ]);
    return new Uint8Array(readFileSync(path(name)));
  }

  it("the default export (AES-256-CBC, SHA-256 MAC)", async () => {
    const pfx = exportPfx("theirs.pfx", vectorPassword, ["-name", "holder"]);
    const contents = await readPkcs12(pfx, vectorPassword);
    expect(contents).toEqual({ privateKey: keyWithoutR, certificates: [cert], friendlyName: "holder" });
    expect(getRandomNum(contents.privateKey)).toBeUndefined();
    await expect(readPkcs12(pfx, `${vectorPassword}!`)).rejects.toMatchObject({ code: "bad_password" });
  });

  it("a friendlyName in Hangul (OpenSSL converts -name from UTF-8 to a BMPString)", async () => {
    const contents = await readPkcs12(
      exportPfx("name.pfx", vectorPassword, ["-name", "김철수"]),
      vectorPassword,
    );
    expect(contents.friendlyName).toBe("김철수");
  });

  for (const extra of [
    ["-macalg", "sha1", "-iter", "3000"],
    ["-macalg", "sha512"],
    ["-certpbe", "NONE"],
    ["-keypbe", "NONE", "-certpbe", "NONE"],
    ["-certfile", "cert.pem"],
  ]) {
    it(`openssl pkcs12 -export ${extra.join(" ")}`, async () => {
      const args = extra.map((a) => (a === "cert.pem" ? path("cert.pem") : a));
      const contents = await readPkcs12(exportPfx("variant.pfx", vectorPassword, args), vectorPassword);
      expect(contents.privateKey).toEqual(keyWithoutR);
      expect(contents.certificates[0]).toEqual(cert);
    });
  }

  it("a password in Hangul and an empty password", async () => {
    for (const password of ["공동인증서!2026kr", ""]) {
      const contents = await readPkcs12(exportPfx("pw.pfx", password, []), password);
      expect(contents.privateKey).toEqual(keyWithoutR);
    }
  });

  it("refuses -legacy (3DES and RC2) with advice, not a crash", async () => {
    const pfx = exportPfx("legacy.pfx", vectorPassword, ["-legacy"]);
    const error = await readPkcs12(pfx, vectorPassword).catch((e: unknown) => e);
    expect(isPkiError(error, "unsupported_algorithm")).toBe(true);
    expect((error as Error).message).toMatch(/re-export.*openssl pkcs12 -export.*-keypbe AES-256-CBC/);
  });

  it("refuses -nomac: there is nothing to check the password against", async () => {
    const pfx = exportPfx("nomac.pfx", vectorPassword, ["-nomac"]);
    await expect(readPkcs12(pfx, vectorPassword)).rejects.toMatchObject({ code: "unsupported_algorithm" });
  });
});

describe("the key derivation against openssl kdf PKCS12KDF", () => {
  const bmp = (s: string) => {
    const units = Buffer.from(s, "utf16le").swap16();
    return new Uint8Array(Buffer.concat([units, Buffer.alloc(2)]));
  };
  for (const [hash, digest] of [
    ["sha256", "SHA256"],
    ["sha1", "SHA1"],
    ["sha512", "SHA512"],
  ] as const) {
    it(`${hash}: several IDs, lengths, salts and passwords`, async () => {
      const cases = [
        { password: "Vector!2026kr", salt: "0102030405060708", id: 3, iter: 2048, n: 32 },
        { password: "공동인증서", salt: "a1b2c3", id: 1, iter: 7, n: 70 },
        { password: "", salt: "00".repeat(65), id: 2, iter: 1, n: 16 },
        { password: "x".repeat(40), salt: "ff".repeat(64), id: 1, iter: 3, n: 200 },
      ];
      for (const c of cases) {
        const expected = openssl([
          "kdf",
          "-binary",
          "-keylen",
          String(c.n),
          "-kdfopt",
          `digest:${digest}`,
          "-kdfopt",
          `hexpass:${toHex(bmp(c.password))}`,
          "-kdfopt",
          `hexsalt:${c.salt}`,
          "-kdfopt",
          `iter:${c.iter}`,
          "-kdfopt",
          `id:${c.id}`,
          "PKCS12KDF",
        ]);
        const salt = Buffer.from(c.salt, "hex");
        const ours = await pkcs12Kdf(hash, bmp(c.password), salt, c.id, c.iter, c.n);
        expect(toHex(ours)).toBe(expected.toString("hex"));
      }
    });
  }
});
