// The certificate login form byte for byte, the browser's signing of it (in Node and in Chromium),
// and the one-step chain check the server makes with it.
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { beforeAll, describe, expect, it } from "vitest";
import { base64Decode, toHex, utf8 } from "../../src/pki/bytes.ts";
import { signCms, verifyCms } from "../../src/pki/cms.ts";
import { parseSignedData } from "../../src/pki/cms-parse.ts";
import { isPkiError } from "../../src/pki/errors.ts";
import { certificateSerial, issuedBy, parseDerCertificate } from "../../src/pki/issued-by.ts";
import {
  canonicalOrigin,
  type LoginSigner,
  loginFormBytes,
  loginFormText,
  signLoginForm,
} from "../../src/pki/login-form.ts";
import { type TestCa, testCa } from "../support/test-ca.ts";
import { type CertifiedKey, certifiedKey } from "./certified-keys.ts";

const challenge = "q83vEjRWeJCrze8SNFZ4kA";

describe("the login form", () => {
  it("is UTF-8 JSON with sorted keys and no spaces", () => {
    const text = loginFormText({ challenge, origin: "https://bank.geumgo.example" });
    expect(text).toBe(
      '{"challenge":"q83vEjRWeJCrze8SNFZ4kA","origin":"https://bank.geumgo.example","purpose":"geumgo-login"}',
    );
    expect(loginFormBytes({ challenge, origin: "https://bank.geumgo.example" })).toEqual(utf8(text));
    const keys = Object.keys(JSON.parse(text));
    expect(keys).toEqual([...keys].sort());
  });

  it("spells the origin one way: lower case, no default port, no path", () => {
    expect(canonicalOrigin("HTTPS://Bank.Geumgo.Example:443/login?x=1")).toBe("https://bank.geumgo.example");
    expect(canonicalOrigin("http://127.0.0.1:8080/")).toBe("http://127.0.0.1:8080");
    expect(loginFormText({ challenge, origin: "https://bank.geumgo.example/" })).toBe(
      loginFormText({ challenge, origin: "https://BANK.geumgo.example:443" }),
    );
    for (const bad of ["bank.geumgo.example", "ftp://bank.geumgo.example", "javascript:alert(1)"]) {
      expect(() => canonicalOrigin(bad), bad).toThrow();
    }
  });

  it("takes only a challenge as the server issues them", () => {
    for (const bad of [
      "",
      "short",
      `${challenge}"`,
      `${challenge},"origin":"x"`,
      "가".repeat(22),
      "a".repeat(129),
    ]) {
      let caught: unknown;
      try {
        loginFormText({ challenge: bad, origin: "https://bank.geumgo.example" });
      } catch (e) {
        caught = e;
      }
      expect(isPkiError(caught, "malformed"), bad).toBe(true);
    }
  });
});

describe("signing the login form", () => {
  let ca: TestCa;
  let member: CertifiedKey;
  let signer: LoginSigner;
  const random = new Uint8Array(20).fill(7);

  beforeAll(async () => {
    ca = await testCa();
    member = await certifiedKey(ca, { kind: "RSA", modulusBits: 2048 });
    signer = {
      certificate: member.certificate,
      vidRandom: random,
      signCms: (content) =>
        signCms({ content, certificate: member.certificate, privateKey: member.keys.privateKey }),
    };
  });

  it("gives the login body: a detached SignedData with signingTime and the certificate, over the form", async () => {
    const origin = "https://bank.geumgo.example";
    const body = await signLoginForm(signer, { challenge, origin });
    expect(body.challenge).toBe(challenge);
    expect(base64Decode(body.certificate)).toEqual(member.certificate);
    expect(base64Decode(body.vidRandom)).toEqual(random);
    const signature = base64Decode(body.signature);
    expect(parseSignedData(signature).content).toBeUndefined();
    const verified = await verifyCms({ signature, content: loginFormBytes({ challenge, origin }) });
    expect(verified.signer).toEqual(member.certificate);
    expect(verified.signingTime).toBeInstanceOf(Date);
    // Another origin's form is not what was signed.
    await expect(
      verifyCms({ signature, content: loginFormBytes({ challenge, origin: "https://elsewhere.example" }) }),
    ).rejects.toMatchObject({ code: "bad_signature" });
  });

  it("sends an empty R when the key file has none, for the server to refuse plainly", async () => {
    const body = await signLoginForm(
      { ...signer, vidRandom: undefined },
      { challenge, origin: "http://127.0.0.1:8080" },
    );
    expect(body.vidRandom).toBe("");
  });
});

describe("issuedBy", () => {
  it("knows the issuing CA's certificates from any other CA's, even one under the same name", async () => {
    const ca = await testCa();
    const other = await testCa();
    const member = await certifiedKey(ca, { kind: "EC", curve: "P-256" });
    const cert = parseDerCertificate(member.certificate);
    expect(await issuedBy(cert, parseDerCertificate(ca.issuing))).toBe(true);
    // testCa names every issuing CA alike: the name matches, the key does not.
    expect(await issuedBy(cert, parseDerCertificate(other.issuing))).toBe(false);
    expect(await issuedBy(cert, parseDerCertificate(ca.root))).toBe(false);
    // A certificate whose signature was tampered with.
    const tampered = new Uint8Array(member.certificate);
    tampered[tampered.length - 5]! ^= 1;
    expect(await issuedBy(parseDerCertificate(tampered), parseDerCertificate(ca.issuing))).toBe(false);
    expect(toHex(certificateSerial(cert))).toBe(
      toHex(new Uint8Array(AsnConvert.parse(member.certificate, Certificate).tbsCertificate.serialNumber)),
    );
  });

  it("refuses a certificate that is not DER", () => {
    const padded = new Uint8Array([...new Uint8Array(8), 0]);
    expect(() => parseDerCertificate(padded)).toThrow();
  });
});
