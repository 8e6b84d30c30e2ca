// PKCS#12 read and write, in Node and in Chromium: against a file written by Python `cryptography`,
// round trips of our own files, and hand-built files for the layouts other writers choose.
import { ContentInfo, id_data } from "@peculiar/asn1-cms";
import {
  AuthenticatedSafe,
  CertBag,
  id_certBag,
  id_keyBag,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
  MacData,
  PFX,
  PKCS8ShroudedKeyBag,
  PKCS12Attribute,
  SafeBag,
  SafeContents,
} from "@peculiar/asn1-pfx";
import { DigestInfo, id_sha256 } from "@peculiar/asn1-rsa";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { PbeParameter } from "../../src/pki/asn1/pbe.ts";
import { concatBytes, fromHex, toBytes, toHex } from "../../src/pki/bytes.ts";
import { parsePbeAlgorithm } from "../../src/pki/pbe.ts";
import { readPkcs12 } from "../../src/pki/pkcs12.ts";
import { pkcs12Kdf } from "../../src/pki/pkcs12-kdf.ts";
import { writePkcs12 } from "../../src/pki/pkcs12-write.ts";
import { getRandomNum } from "../../src/pki/private-key.ts";
import { readVector } from "../support/files.ts";
import { keyVectors, vectorPassword } from "./npki-vectors.ts";

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp) {
  await expect(p).rejects.toMatchObject({ name: "PkiError", code, ...(message ? { message } : {}) });
}

/** RFC 7292 B.1 for ASCII: each character as two bytes, then two zero bytes. */
const bmp = (s: string) => new Uint8Array([...s].flatMap((c) => [0, c.charCodeAt(0)]).concat([0, 0]));
const der = (value: unknown) => new Uint8Array(AsnConvert.serialize(value));
const pbes2Random = keyVectors.find((v) => v.dir === "indep-pbes2")!.random;

describe("PKCS#12 key derivation (RFC 7292 Appendix B.2)", () => {
  // The classic SHA-1 vectors (passwords "smeg" and "queeg"), also what `openssl kdf PKCS12KDF` gives.
  it("gives the published SHA-1 values, over one block and over two", async () => {
    const smegSalt = fromHex("0A58CF64530D823F");
    expect(toHex(await pkcs12Kdf("sha1", bmp("smeg"), smegSalt, 1, 1, 24))).toBe(
      "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3",
    );
    expect(toHex(await pkcs12Kdf("sha1", bmp("smeg"), smegSalt, 2, 1, 8))).toBe("79993dfe048d3b76");
    expect(toHex(await pkcs12Kdf("sha1", bmp("smeg"), fromHex("3D83C0E4546AC140"), 3, 1, 20))).toBe(
      "8d967d88f6caa9d714800ab3d48051d63f73a312",
    );
    expect(toHex(await pkcs12Kdf("sha1", bmp("queeg"), fromHex("1682C0FC5B3F7EC5"), 1, 1000, 24))).toBe(
      "483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f",
    );
  });
});

describe("holder.pfx, written by Python cryptography", () => {
  const read = async () => readPkcs12(await readVector("indep-pfx/holder.pfx"), vectorPassword);

  it("gives the key byte for byte, its certificate and its name", async () => {
    const contents = await read();
    expect(contents.privateKey).toEqual(await readVector("indep-pfx/expected-plain-pkcs8.der"));
    expect(contents.certificates.length).toBeGreaterThanOrEqual(1);
    for (const cert of contents.certificates)
      expect(AsnConvert.parse(toBytes(cert), Certificate)).toBeDefined();
    expect(contents.friendlyName).toBe("holder");
  });

  it("tells a wrong password as such", async () => {
    const pfx = await readVector("indep-pfx/holder.pfx");
    await expectCode(readPkcs12(pfx, `${vectorPassword}x`), "bad_password");
    await expectCode(readPkcs12(pfx, ""), "bad_password");
  });

  it("calls a truncated file malformed", async () => {
    const pfx = await readVector("indep-pfx/holder.pfx");
    for (const n of [0, 1, 4, 100, pfx.length >> 1, pfx.length - 1]) {
      await expectCode(readPkcs12(pfx.slice(0, n), vectorPassword), "malformed");
    }
    await expectCode(readPkcs12(concatBytes(pfx, new Uint8Array([0])), vectorPassword), "malformed");
  });

  it("calls anything else malformed", async () => {
    await expectCode(readPkcs12(await readVector("indep-pbes2/signCert.der"), vectorPassword), "malformed");
    await expectCode(readPkcs12(await readVector("indep-pbes2/signPri.key"), vectorPassword), "malformed");
    await expectCode(readPkcs12(crypto.getRandomValues(new Uint8Array(300)), vectorPassword), "malformed");
  });

  it("takes a changed MAC, or a changed byte under it, for a wrong password (bad_password)", async () => {
    const pfx = await readVector("indep-pfx/holder.pfx");
    const digest = new Uint8Array(AsnConvert.parse(toBytes(pfx), PFX).macData.mac.digest.buffer);
    const at = toHex(pfx).indexOf(toHex(digest)) / 2;
    expect(at).toBeGreaterThan(0);
    const macChanged = pfx.slice();
    macChanged[at + 5]! ^= 0x01;
    await expectCode(readPkcs12(macChanged, vectorPassword), "bad_password");
    // Byte 500 lies inside the certificates' ciphertext: the DER still parses, the MAC does not.
    const contentChanged = pfx.slice();
    contentChanged[500]! ^= 0x80;
    await expectCode(readPkcs12(contentChanged, vectorPassword), "bad_password");
  });
});

describe("files we write", () => {
  const load = async () => ({
    key: await readVector("indep-pbes2/expected-plain-pkcs8.der"),
    cert: await readVector("indep-pbes2/signCert.der"),
  });

  it("default to OpenSSL 3's form: PBES2 SHA-256 AES-256-CBC 100,000 iterations, SHA-256 MAC over 2048", async () => {
    const { key, cert } = await load();
    const pfx = await writePkcs12({ privateKey: key, certificates: [cert] }, vectorPassword);
    const parsed = AsnConvert.parse(toBytes(pfx), PFX);
    expect(parsed.version).toBe(3);
    expect(parsed.macData.mac.digestAlgorithm.algorithm).toBe(id_sha256);
    expect(parsed.macData.iterations).toBe(2048);
    expect(parsed.macData.macSalt.byteLength).toBe(8);
    const safes = AsnConvert.parse(parsed.authSafe.content, OctetString);
    const infos = [...AsnConvert.parse(safes.buffer, AuthenticatedSafe)];
    expect(infos.map((i) => i.contentType)).toEqual(["1.2.840.113549.1.7.6", id_data]);
    const keySafe = AsnConvert.parse(AsnConvert.parse(infos[1]!.content, OctetString).buffer, SafeContents);
    expect(keySafe[0]!.bagId).toBe(id_pkcs8ShroudedKeyBag);
    const keyBag = AsnConvert.parse(keySafe[0]!.bagValue, PKCS8ShroudedKeyBag);
    expect(parsePbeAlgorithm(keyBag.encryptionAlgorithm)).toMatchObject({
      kind: "pbes2",
      prf: "sha256",
      cipher: "aes-256-cbc",
      iterations: 100_000,
    });
    const keyId = new Uint8Array(await crypto.subtle.digest("SHA-1", toBytes(cert)));
    const localKeyId = keySafe[0]!.bagAttributes?.find((a) => a.attrId === "1.2.840.113549.1.9.21");
    expect(toHex(new Uint8Array(AsnConvert.parse(localKeyId!.attrValues[0]!, OctetString).buffer))).toBe(
      toHex(keyId),
    );
  });

  for (const options of [
    { iterations: 1000 },
    { iterations: 1000, cipher: "seed-cbc" },
    { iterations: 1000, macHash: "sha1" },
    { iterations: 1000, cipher: "seed-cbc", macHash: "sha1", friendlyName: "김철수의 공동인증서" },
  ] as const) {
    it(`round-trips ${JSON.stringify(options)}: key bytes and R kept`, async () => {
      const { key, cert } = await load();
      const pfx = await writePkcs12({ privateKey: key, certificates: [cert] }, "An0ther!pass", options);
      const back = await readPkcs12(pfx, "An0ther!pass");
      expect(back.privateKey).toEqual(key);
      expect(getRandomNum(back.privateKey)).toEqual(pbes2Random);
      expect(back.certificates).toEqual([cert]);
      expect(back.friendlyName).toBe("friendlyName" in options ? options.friendlyName : undefined);
      await expectCode(readPkcs12(pfx, "An0ther!pasS"), "bad_password");
    });
  }

  it("keeps several certificates in order, the key's own first", async () => {
    const { key, cert } = await load();
    const other = await readVector("yessign-test/signCert.der");
    const pfx = await writePkcs12(
      { privateKey: key, certificates: [cert, other], friendlyName: "me" },
      "pw",
      {
        iterations: 1000,
      },
    );
    expect(await readPkcs12(pfx, "pw")).toEqual({
      privateKey: key,
      certificates: [cert, other],
      friendlyName: "me",
    });
  });

  it("takes a password outside ASCII, and an empty one", async () => {
    const { key, cert } = await load();
    for (const password of ["비밀번호!2026kr", ""]) {
      const pfx = await writePkcs12({ privateKey: key, certificates: [cert] }, password, {
        iterations: 1000,
      });
      expect((await readPkcs12(pfx, password)).privateKey).toEqual(key);
    }
  });

  it("writes a key without certificates", async () => {
    const { key } = await load();
    const pfx = await writePkcs12({ privateKey: key, certificates: [] }, "pw", { iterations: 1000 });
    expect(await readPkcs12(pfx, "pw")).toEqual({ privateKey: key, certificates: [] });
  });

  it("refuses what is not a key or not a certificate", async () => {
    const { key, cert } = await load();
    await expectCode(writePkcs12({ privateKey: cert, certificates: [] }, "pw"), "malformed");
    await expectCode(writePkcs12({ privateKey: key, certificates: [key] }, "pw"), "malformed");
  });
});

// Hand-built files, for layouts our writer does not make: one Data safe holding the bags as given.
interface BuildOptions {
  password?: string;
  mac?: "none" | "valid" | { iterations: number };
  /** The authSafe as a BER constructed, indefinite-length OCTET STRING in chunks of 100 bytes. */
  chunked?: boolean;
}

function berChunks(data: Uint8Array): ArrayBuffer {
  const parts: Uint8Array[] = [new Uint8Array([0x24, 0x80])];
  for (let i = 0; i < data.length; i += 100) {
    const chunk = data.subarray(i, i + 100);
    parts.push(new Uint8Array([0x04, chunk.length]), chunk);
  }
  parts.push(new Uint8Array([0, 0]));
  return toBytes(concatBytes(...parts)).buffer;
}

function attr(attrId: string, value: ArrayBuffer): PKCS12Attribute {
  const a = new PKCS12Attribute();
  a.attrId = attrId;
  a.attrValues = [value];
  return a;
}
const localKeyId = (id: Uint8Array) =>
  attr("1.2.840.113549.1.9.21", AsnConvert.serialize(new OctetString(id)));
/** BMPString of an ASCII name, by hand. */
const friendlyName = (name: string) => {
  const body = bmp(name).slice(0, -2);
  return attr(
    "1.2.840.113549.1.9.20",
    toBytes(concatBytes(new Uint8Array([0x1e, body.length]), body)).buffer,
  );
};
function certBag(cert: Uint8Array, attributes?: PKCS12Attribute[]): SafeBag {
  const value = new CertBag({
    certId: id_x509Certificate,
    certValue: AsnConvert.serialize(new OctetString(cert)),
  });
  return new SafeBag({ bagId: id_certBag, bagValue: AsnConvert.serialize(value), bagAttributes: attributes });
}
function keyBag(pkcs8: Uint8Array, attributes?: PKCS12Attribute[]): SafeBag {
  return new SafeBag({ bagId: id_keyBag, bagValue: toBytes(pkcs8).buffer, bagAttributes: attributes });
}

async function buildPfx(
  bags: SafeBag[],
  { password = "pw", mac = "valid", chunked = false }: BuildOptions = {},
): Promise<Uint8Array> {
  const safe = new ContentInfo({
    contentType: id_data,
    content: AsnConvert.serialize(new OctetString(der(new SafeContents(bags)))),
  });
  const authSafe = der(new AuthenticatedSafe([safe]));
  const pfx = new PFX({
    authSafe: new ContentInfo({
      contentType: id_data,
      content: chunked ? berChunks(authSafe) : AsnConvert.serialize(new OctetString(authSafe)),
    }),
  });
  if (mac === "none") {
    (pfx as { macData?: MacData }).macData = undefined;
    return der(pfx);
  }
  const salt = fromHex("0102030405060708");
  const iterations = mac === "valid" ? 2048 : mac.iterations;
  let digest = new Uint8Array(32);
  if (mac === "valid") {
    const key = await pkcs12Kdf("sha256", bmp(password), salt, 3, iterations, 32);
    const k = await crypto.subtle.importKey("raw", toBytes(key), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    digest = new Uint8Array(await crypto.subtle.sign("HMAC", k, toBytes(authSafe)));
  }
  pfx.macData = new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: id_sha256, parameters: null }),
      digest: new OctetString(digest),
    }),
    macSalt: new OctetString(salt),
    iterations,
  });
  return der(pfx);
}

describe("layouts of other writers", () => {
  const load = async () => ({
    key: await readVector("indep-pbes2/expected-plain-pkcs8-without-r.der"),
    cert: await readVector("indep-pbes2/signCert.der"),
    other: await readVector("yessign-test/signCert.der"),
  });

  it("reads a key in a plain keyBag, and puts the certificate its localKeyId names first", async () => {
    const { key, cert, other } = await load();
    const id = fromHex("01020304");
    const pfx = await buildPfx([
      certBag(other),
      certBag(cert, [localKeyId(id)]),
      keyBag(key, [localKeyId(id)]),
    ]);
    expect(await readPkcs12(pfx, "pw")).toEqual({ privateKey: key, certificates: [cert, other] });
  });

  it("reads an authSafe that a BER writer cut into chunks", async () => {
    const { key, cert } = await load();
    const pfx = await buildPfx([keyBag(key), certBag(cert)], { chunked: true });
    expect(await readPkcs12(pfx, "pw")).toEqual({ privateKey: key, certificates: [cert] });
    await expectCode(readPkcs12(pfx, "pW"), "bad_password");
  });

  it("links by friendlyName when there is no localKeyId", async () => {
    const { key, cert, other } = await load();
    const pfx = await buildPfx([
      certBag(other),
      certBag(cert, [friendlyName("mine")]),
      keyBag(key, [friendlyName("mine")]),
    ]);
    expect(await readPkcs12(pfx, "pw")).toEqual({
      privateKey: key,
      certificates: [cert, other],
      friendlyName: "mine",
    });
  });

  it("keeps file order when nothing links key and certificate, and takes the first key", async () => {
    const { key, cert, other } = await load();
    const second = await readVector("indep-pbes1/expected-plain-pkcs8.der");
    const pfx = await buildPfx([certBag(other), keyBag(key), certBag(cert), keyBag(second)]);
    expect(await readPkcs12(pfx, "pw")).toEqual({ privateKey: key, certificates: [other, cert] });
  });

  it("refuses a file without a MAC, or without a key", async () => {
    const { key, cert } = await load();
    await expectCode(
      readPkcs12(await buildPfx([keyBag(key)], { mac: "none" }), "pw"),
      "unsupported_algorithm",
      /MAC/,
    );
    await expectCode(readPkcs12(await buildPfx([certBag(cert)]), "pw"), "malformed", /no private key/);
  });

  it("bounds the MAC iteration count", async () => {
    const { key } = await load();
    await expectCode(
      readPkcs12(await buildPfx([keyBag(key)], { mac: { iterations: 50_000_000 } }), "pw"),
      "bad_parameters",
    );
  });

  it("refuses the legacy 3DES and RC2 ciphers with advice, whatever the password", async () => {
    const params = new PbeParameter({
      salt: new OctetString(fromHex("0102030405060708")),
      iterationCount: 2048,
    });
    for (const [oid, name] of [
      ["1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC"],
      ["1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC"],
    ] as const) {
      const shrouded = new PKCS8ShroudedKeyBag({
        encryptionAlgorithm: new AlgorithmIdentifier({
          algorithm: oid,
          parameters: AsnConvert.serialize(params),
        }),
        encryptedData: new OctetString(new Uint8Array(64)),
      });
      const bag = new SafeBag({ bagId: id_pkcs8ShroudedKeyBag, bagValue: AsnConvert.serialize(shrouded) });
      const pfx = await buildPfx([bag]);
      for (const password of ["pw", "wrong"]) {
        await expectCode(
          readPkcs12(pfx, password),
          "unsupported_algorithm",
          new RegExp(`${name}.*AES-256-CBC`),
        );
      }
    }
  });

  it("does not mistake an empty password for a wrong one", async () => {
    const { key } = await load();
    expect((await readPkcs12(await buildPfx([keyBag(key)], { password: "" }), "")).privateKey).toEqual(key);
    await expectCode(readPkcs12(await buildPfx([keyBag(key)], { password: "" }), "pw"), "bad_password");
  });
});
