// OpenSSL judges what src/pki/profile.ts, csr.ts and crmf.ts emit. Node only: it runs the openssl
// command on files in a temporary folder.
//
// OpenSSL has no command that reads a CRMF message on its own, so the CRMF request is judged by
// `openssl cmp` with its built-in mock server: the request is wrapped here in a minimal unprotected
// CMP ir message (hand-encoded, so as not to anticipate the CMP module), the mock server checks its
// proof of possession (OSSL_CRMF_MSGS_verify_popo) and answers, and its answer is read from -rspout.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { GeneralName } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { afterAll, describe, expect, it } from "vitest";
import { Controls } from "../../src/pki/asn1/crmf.ts";
import { toPem } from "../../src/pki/bytes.ts";
import { buildCertReqMessages, regTokenControl } from "../../src/pki/crmf.ts";
import { buildCsr, generateKeyPair } from "../../src/pki/csr.ts";
import { defaultPolicyOids } from "../../src/pki/policy.ts";
import {
  issuePersonalCertificate,
  type PersonalCertificateOptions,
  personalSubjectName,
} from "../../src/pki/profile.ts";
import { computeVid } from "../../src/pki/vid.ts";
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from "../../src/pki/x509.ts";

const dir = mkdtempSync(join(tmpdir(), "geumgo-profile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function openssl(args: string[]): { status: number | null; out: string } {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const year = 365 * 86_400_000;
const urls = {
  crlUrl: "http://ca.geumgo.test/crl/1.crl",
  ocspUrl: "http://ca.geumgo.test/ocsp",
  caIssuersUrl: "http://ca.geumgo.test/ca.cer",
};
const subject = personalSubjectName({
  realName: "홍길동",
  serialHint: "0091041202012345678",
  registrationUnit: "금고협동조합",
  organization: "Geumgo",
});

describe("OpenSSL judges certificates, CSRs and CRMF requests", async () => {
  const caKeys = await generateKeyPair();
  const ca = await X509CertificateGenerator.createSelfSigned(
    {
      name: "C=kr, O=Geumgo, CN=Geumgo Test CA",
      keys: caKeys,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 10 * year),
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        // digitalSignature too: OpenSSL's CMP client wants it on the key that signs the mock server's answers.
        new KeyUsagesExtension(
          KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature,
          true,
        ),
        await SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    },
    crypto,
  );
  const caDer = new Uint8Array(ca.rawData);
  const caPem = write("ca.pem", toPem("CERTIFICATE", caDer));
  const caKeyPem = write(
    "ca.key",
    toPem("PRIVATE KEY", new Uint8Array(await crypto.subtle.exportKey("pkcs8", caKeys.privateKey))),
  );
  const holder = await generateKeyPair();
  const base: PersonalCertificateOptions = {
    issuer: { certificate: caDer },
    signingKey: caKeys.privateKey,
    publicKey: holder.publicKey,
    subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + year),
    purpose: "bank",
    identifyData: {
      realName: "홍길동",
      hash: "sha256",
      vid: await computeVid({ rrn: "8001011234567", random: crypto.getRandomValues(new Uint8Array(20)) }),
    },
    cpsUri: "https://ca.geumgo.test/cps",
    ...urls,
  };
  const bankDer = await issuePersonalCertificate(base);
  const bankPem = write("bank.pem", toPem("CERTIFICATE", bankDer));
  const universalPem = write(
    "universal.pem",
    toPem("CERTIFICATE", await issuePersonalCertificate({ ...base, purpose: "universal" })),
  );

  it("openssl verify accepts the chain for both purposes", () => {
    for (const leaf of [bankPem, universalPem]) {
      const r = openssl(["verify", "-CAfile", caPem, leaf]);
      expect(r.out).toContain(`${leaf}: OK`);
      expect(r.status).toBe(0);
    }
  });

  it("openssl verify with an explicit policy accepts the purpose's own policy and no other", () => {
    const check = (leaf: string, policy: string) =>
      openssl(["verify", "-CAfile", caPem, "-policy_check", "-explicit_policy", "-policy", policy, leaf]);
    expect(check(bankPem, defaultPolicyOids.bank).status).toBe(0);
    expect(check(universalPem, defaultPolicyOids.universal).status).toBe(0);
    expect(check(bankPem, defaultPolicyOids.universal).status).not.toBe(0);
  });

  it("openssl x509 -text shows the profile", () => {
    const text = execFileSync(
      "openssl",
      ["x509", "-in", bankPem, "-noout", "-text", "-nameopt", "multiline,show_type"],
      {
        encoding: "utf8",
      },
    );
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(text).toMatch(
      new RegExp(
        `X509v3 Certificate Policies: critical\\s+Policy: ${defaultPolicyOids.bank.replaceAll(".", "\\.")}\\s+CPS: https://ca\\.geumgo\\.test/cps`,
      ),
    );
    expect(text).toMatch(/X509v3 Subject Alternative Name: \s+othername: 1\.2\.410\.200004\.10\.1\.1::/);
    expect(text).toMatch(
      /X509v3 CRL Distribution Points: \s+Full Name:\s+URI:http:\/\/ca\.geumgo\.test\/crl\/1\.crl/,
    );
    expect(text).toContain("OCSP - URI:http://ca.geumgo.test/ocsp");
    expect(text).toContain("CA Issuers - URI:http://ca.geumgo.test/ca.cer");
    expect(text).toContain("X509v3 Subject Key Identifier");
    expect(text).not.toContain("Basic Constraints");
    expect(text).toContain("Signature Algorithm: sha256WithRSAEncryption");
    // The CA certificate's SKI is the leaf's AKI.
    const caText = execFileSync("openssl", ["x509", "-in", caPem, "-noout", "-ext", "subjectKeyIdentifier"], {
      encoding: "utf8",
    });
    const caSki = caText.split("\n")[1]!.trim();
    expect(text).toMatch(new RegExp(`X509v3 Authority Key Identifier: \\s+(keyid:)?${caSki}`));
    // Subject: C as PrintableString, the rest as UTF8String, from C down.
    expect(text).toMatch(
      /Subject:\s+countryName\s+= PRINTABLESTRING:kr\s+organizationName\s+= UTF8STRING:Geumgo\s+organizationalUnitName\s+= UTF8STRING:personal4IB\s+organizationalUnitName\s+= UTF8STRING:\S+\s+commonName\s+= UTF8STRING:/,
    );
  });

  it("openssl shows a 16-byte positive serial and the exact subject", () => {
    const serial = execFileSync("openssl", ["x509", "-in", bankPem, "-noout", "-serial"], {
      encoding: "utf8",
    });
    expect(serial).toMatch(/^serial=[0-7][0-9A-F]{31}\n$/);
    const name = execFileSync(
      "openssl",
      ["x509", "-in", bankPem, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb"],
      {
        encoding: "utf8",
      },
    );
    expect(name.trim()).toBe(
      "subject=CN=홍길동()0091041202012345678,OU=금고협동조합,OU=personal4IB,O=Geumgo,C=kr",
    );
  });

  for (const algorithm of ["RSA", "EC"] as const) {
    it(`openssl req -verify accepts our ${algorithm} CSR and refuses a tampered one`, async () => {
      const csr = await buildCsr({ keys: await generateKeyPair({ algorithm }), subject });
      const good = write(`csr-${algorithm}.pem`, toPem("CERTIFICATE REQUEST", csr));
      const r = openssl(["req", "-in", good, "-noout", "-verify"]);
      expect(r.out).toMatch(/verify OK/);
      expect(r.status).toBe(0);
      const tampered = csr.slice();
      tampered[csr.length - 5]! ^= 0x01;
      const bad = write(`csr-${algorithm}-bad.pem`, toPem("CERTIFICATE REQUEST", tampered));
      // OpenSSL 3.0 exits 0 either way; its message tells.
      const refused = openssl(["req", "-in", bad, "-noout", "-verify"]);
      expect(refused.out).toMatch(/verify failure/);
      expect(refused.out).not.toMatch(/verify OK/);
    });
  }

  /**
   * Sends a CertReqMessages to OpenSSL's mock CMP server inside a minimal unprotected ir, asking it
   * to answer with `responseCert`, and returns the status of its answer (0 accepted, 2 rejection),
   * the failInfo bits, and the certificate the client saved when it accepted the answer.
   */
  function opensslEnrol(options: { request: Uint8Array; keyPem: string; responseCert: string }) {
    const header = tlv(
      0x30,
      Uint8Array.from([0x02, 0x01, 0x02]), // pvno cmp2000
      tlv(0xa4, new Uint8Array(AsnConvert.serialize(subject))), // sender [4] directoryName
      tlv(0xa4, new Uint8Array(ca.subjectName.toArrayBuffer())), // recipient
      tlv(0xa4, tlv(0x04, crypto.getRandomValues(new Uint8Array(16)))), // transactionID [4]
      tlv(0xa5, tlv(0x04, crypto.getRandomValues(new Uint8Array(16)))), // senderNonce [5]
    );
    const ir = write("ir.der", tlv(0x30, header, tlv(0xa0, options.request))); // body ir [0]
    const rsp = join(dir, "ip.der");
    const certOut = join(dir, "enrolled.pem");
    rmSync(rsp, { force: true });
    rmSync(certOut, { force: true });
    const run = openssl([
      "cmp",
      "-cmd",
      "ir",
      "-use_mock_srv",
      "-reqin",
      ir,
      "-unprotected_requests",
      "-accept_unprotected",
      "-srv_cert",
      caPem,
      "-srv_key",
      caKeyPem,
      "-rsp_cert",
      options.responseCert,
      "-trusted",
      caPem,
      "-recipient",
      "/CN=Geumgo Test CA",
      // What the client would have asked for itself; -reqin replaces its request with ours.
      "-newkey",
      options.keyPem,
      "-subject",
      "/CN=unused",
      "-rspout",
      rsp,
      "-certout",
      certOut,
    ]);
    const message = asn1js.fromBER(readFileSync(rsp)).result as asn1js.Sequence;
    const body = message.valueBlock.value[1] as asn1js.Constructed;
    expect(body.idBlock.tagNumber, run.out).toBe(1); // ip
    const repMessage = body.valueBlock.value[0] as asn1js.Sequence;
    const responses = repMessage.valueBlock.value.at(-1) as asn1js.Sequence;
    const [certReqId, statusInfo] = (responses.valueBlock.value[0] as asn1js.Sequence).valueBlock.value as [
      asn1js.Integer,
      asn1js.Sequence,
    ];
    const [status, ...rest] = statusInfo.valueBlock.value;
    const failInfo = rest.find((b): b is asn1js.BitString => b instanceof asn1js.BitString);
    let enrolled: Uint8Array | undefined;
    try {
      enrolled = new Uint8Array(readFileSync(certOut));
    } catch {
      enrolled = undefined;
    }
    return {
      log: run.out,
      exitStatus: run.status,
      certReqId: certReqId.valueBlock.valueDec,
      status: (status as asn1js.Integer).valueBlock.valueDec,
      failInfo: failInfo ? new Uint8Array(failInfo.valueBlock.valueHexView) : undefined,
      enrolled,
    };
  }

  const holderKeyPem = write(
    "holder.key",
    toPem("PRIVATE KEY", new Uint8Array(await crypto.subtle.exportKey("pkcs8", holder.privateKey))),
  );

  it("openssl cmp (mock server) verifies our CRMF POP and enrols; the client takes the certificate", async () => {
    const request = new Uint8Array(
      AsnConvert.serialize(await buildCertReqMessages({ keys: holder, subject })),
    );
    const r = opensslEnrol({ request, keyPem: holderKeyPem, responseCert: bankPem });
    expect(r.status, r.log).toBe(0);
    expect(r.certReqId).toBe(0);
    expect(r.exitStatus, r.log).toBe(0);
    expect(new TextDecoder().decode(r.enrolled)).toBe(readFileSync(bankPem, "utf8"));
  });

  it("openssl cmp verifies a POP over POPOSigningKeyInput when the template has no subject", async () => {
    const request = new Uint8Array(
      AsnConvert.serialize(
        await buildCertReqMessages({ keys: holder, popoSender: new GeneralName({ directoryName: subject }) }),
      ),
    );
    const r = opensslEnrol({ request, keyPem: holderKeyPem, responseCert: bankPem });
    expect(r.status, r.log).toBe(0);
  });

  it("openssl cmp verifies an ECDSA P-256 POP", async () => {
    const ec = await generateKeyPair({ algorithm: "EC" });
    const ecCert = write(
      "ec.pem",
      toPem("CERTIFICATE", await issuePersonalCertificate({ ...base, publicKey: ec.publicKey })),
    );
    const keyPem = write(
      "ec.key",
      toPem("PRIVATE KEY", new Uint8Array(await crypto.subtle.exportKey("pkcs8", ec.privateKey))),
    );
    const request = new Uint8Array(AsnConvert.serialize(await buildCertReqMessages({ keys: ec, subject })));
    const r = opensslEnrol({ request, keyPem, responseCert: ecCert });
    expect(r.status, r.log).toBe(0);
    expect(r.exitStatus, r.log).toBe(0);
  });

  it("openssl cmp rejects a request whose POP does not match it, with badPOP", async () => {
    const messages = await buildCertReqMessages({ keys: holder, subject });
    // A control added after signing: the POP covers the whole CertRequest, controls included.
    messages[0]!.certReq.controls = new Controls([regTokenControl("added-after-signing")]);
    const r = opensslEnrol({
      request: new Uint8Array(AsnConvert.serialize(messages)),
      keyPem: holderKeyPem,
      responseCert: bankPem,
    });
    expect(r.status, r.log).toBe(2); // rejection
    // PKIFailureInfo badPOP is bit 9: the second byte's 0x40.
    expect((r.failInfo?.[1] ?? 0) & 0x40, r.log).toBe(0x40);
    expect(r.enrolled).toBeUndefined();
  });
});

/** A DER TLV with a definite length. */
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const lengthBytes =
    length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(1 + lengthBytes.length + length);
  out.set([tag, ...lengthBytes]);
  let offset = 1 + lengthBytes.length;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
