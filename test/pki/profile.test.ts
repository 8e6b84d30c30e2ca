import { AsnConvert } from "@peculiar/asn1-schema";
import {
  Certificate,
  CertificatePolicies,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_subjectAltName,
  id_qt_csp,
  PolicyInformation,
  PolicyQualifierInfo,
  Qualifier,
  SubjectAlternativeName,
} from "@peculiar/asn1-x509";
import { describe, expect, it } from "vitest";
import { toArrayBuffer, toHex } from "../../src/pki/bytes.ts";
import { readCertificateSummary } from "../../src/pki/certificate.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { certificatePurpose, defaultPolicyOids } from "../../src/pki/policy.ts";
import {
  checkProfileKey,
  issuePersonalCertificate,
  newSerialNumber,
  type PersonalCertificateOptions,
  personalKeyUsage,
  personalSubjectName,
  preparePersonalProfile,
  signPersonalCertificate,
} from "../../src/pki/profile.ts";
import { computeVid, identifyDataGeneralName, readIdentifyData, verifyVid } from "../../src/pki/vid.ts";
import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  CertificatePolicyExtension,
  CRLDistributionPointsExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from "../../src/pki/x509.ts";

const rrn = "8001011234567";
const urls = {
  crlUrl: "http://ca.geumgo.test/crl/1.crl",
  ocspUrl: "http://ca.geumgo.test/ocsp",
  caIssuersUrl: "http://ca.geumgo.test/ca.cer",
};
const year = 365 * 86_400_000;

async function makeCa(algorithm: "RSA" | "EC" = "RSA") {
  const keys = await generateKeyPair({ algorithm });
  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      name: "C=kr, O=Geumgo, CN=Geumgo Test CA",
      keys,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 10 * year),
      signingAlgorithm: { name: keys.privateKey.algorithm.name, hash: "SHA-256" } as EcdsaParams,
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
        await SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    },
    crypto,
  );
  return { keys, cert, der: new Uint8Array(cert.rawData) };
}

const subject = personalSubjectName({
  realName: "홍길동",
  serialHint: "0091041202012345678",
  registrationUnit: "금고협동조합",
  organization: "Geumgo",
});

/** The DER of an OBJECT IDENTIFIER, encoded here by hand (base 128, first two arcs folded). */
function oidDer(oid: string): Uint8Array {
  const arcs = oid.split(".").map(BigInt);
  const body: number[] = [];
  for (const arc of [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)]) {
    const groups = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...groups);
  }
  return Uint8Array.from([0x06, body.length, ...body]);
}

/** certificatePolicies with one policy and no qualifiers: SEQUENCE { SEQUENCE { OID } }. */
function policiesDer(oid: string): Uint8Array {
  const id = oidDer(oid);
  return Uint8Array.from([0x30, id.length + 2, 0x30, id.length, ...id]);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function secondsOnly(d: Date): number {
  return Math.floor(d.getTime() / 1000) * 1000;
}

describe("personal certificate profile", async () => {
  const ca = await makeCa();
  const holder = await generateKeyPair();
  const random = crypto.getRandomValues(new Uint8Array(20));
  const vid = await computeVid({ rrn, random });
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + year);
  const base: PersonalCertificateOptions = {
    issuer: { certificate: ca.der },
    signingKey: ca.keys.privateKey,
    publicKey: holder.publicKey,
    subject,
    notBefore,
    notAfter,
    purpose: "bank",
    identifyData: { realName: "홍길동", hash: "sha256", vid },
    ...urls,
  };

  it("bank use: every extension of the profile, and nothing else", async () => {
    const der = await issuePersonalCertificate(base);
    const cert = new X509Certificate(der);

    expect(await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true })).toBe(true);
    expect(new Uint8Array(cert.issuerName.toArrayBuffer())).toEqual(
      new Uint8Array(ca.cert.subjectName.toArrayBuffer()),
    );
    expect(new Uint8Array(cert.subjectName.toArrayBuffer())).toEqual(
      new Uint8Array(AsnConvert.serialize(subject)),
    );
    expect(cert.notBefore.getTime()).toBe(secondsOnly(notBefore));
    expect(cert.notAfter.getTime()).toBe(secondsOnly(notAfter));
    expect(cert.signatureAlgorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });

    expect(cert.extensions.map((e) => e.type)).toEqual([
      "2.5.29.35", // authorityKeyIdentifier
      "2.5.29.14", // subjectKeyIdentifier
      "2.5.29.15", // keyUsage
      "2.5.29.32", // certificatePolicies
      "2.5.29.17", // subjectAltName
      "2.5.29.31", // cRLDistributionPoints
      "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
    ]);
    expect(cert.getExtension(id_ce_basicConstraints)).toBeNull();

    const keyUsage = cert.getExtension(KeyUsagesExtension)!;
    expect(keyUsage.critical).toBe(true);
    expect(keyUsage.usages).toBe(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation);
    expect(keyUsage.usages).toBe(personalKeyUsage);

    const policies = cert.getExtension(CertificatePolicyExtension)!;
    expect(policies.critical).toBe(true);
    expect(policies.policies).toHaveLength(1);
    // Compared as DER: asn1js cannot read the 128-bit UUID arc back as decimal (see below).
    expect(new Uint8Array(policies.value)).toEqual(policiesDer(defaultPolicyOids.bank));

    const aki = cert.getExtension(AuthorityKeyIdentifierExtension)!;
    expect(aki.critical).toBe(false);
    expect(aki.keyId).toBe(ca.cert.getExtension(SubjectKeyIdentifierExtension)!.keyId);
    const ski = cert.getExtension(SubjectKeyIdentifierExtension)!;
    expect(ski.keyId).toBe(toHex(new Uint8Array(await cert.publicKey.getKeyIdentifier())));

    const san = cert.getExtension(id_ce_subjectAltName)!;
    expect(san.critical).toBe(false);
    expect(readIdentifyData(der)).toEqual({ realName: "홍길동", hash: "sha256", vid });
    expect(await verifyVid({ certificate: der, rrn, random })).toBe(true);
    expect(await verifyVid({ certificate: der, rrn: "800101-1234567", random })).toBe(true);
    const otherR = random.slice();
    otherR[19]! ^= 0x80;
    expect(await verifyVid({ certificate: der, rrn, random: otherR })).toBe(false);
    expect(await verifyVid({ certificate: der, rrn: "8001012234567", random })).toBe(false);

    const crl = cert.getExtension(CRLDistributionPointsExtension)!;
    expect(crl.critical).toBe(false);
    expect(
      crl.distributionPoints.map((p) => p.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier),
    ).toEqual([urls.crlUrl]);
    const aia = cert.getExtension(AuthorityInfoAccessExtension)!;
    expect(aia.critical).toBe(false);
    expect(aia.ocsp.map((n) => n.value)).toEqual([urls.ocspUrl]);
    expect(aia.caIssuers.map((n) => n.value)).toEqual([urls.caIssuersUrl]);
  });

  it("the subject is C (PrintableString), O, OU=personal4IB, OU=<cooperative>, CN in UTF8String", async () => {
    const der = await issuePersonalCertificate(base);
    const name = AsnConvert.parse(der, Certificate).tbsCertificate.subject;
    const rdns = name.map((rdn) => [
      rdn[0]!.type,
      rdn[0]!.value.printableString ?? `utf8:${rdn[0]!.value.utf8String}`,
    ]);
    expect(rdns).toEqual([
      ["2.5.4.6", "kr"],
      ["2.5.4.10", "utf8:Geumgo"],
      ["2.5.4.11", "utf8:personal4IB"],
      ["2.5.4.11", "utf8:금고협동조합"],
      ["2.5.4.3", "utf8:홍길동()0091041202012345678"],
    ]);
  });

  it("universal use: the universal policy, with a CPS URI, and the summary tells the purpose", async () => {
    const der = await issuePersonalCertificate({
      ...base,
      purpose: "universal",
      cpsUri: "https://ca.geumgo.test/cps",
    });
    const cert = new X509Certificate(der);
    const ext = cert.getExtension(id_ce_certificatePolicies)!;
    expect(ext.critical).toBe(true);
    const [info] = AsnConvert.parse(ext.value, CertificatePolicies);
    expect(info!.policyQualifiers!.map((q) => q.policyQualifierId)).toEqual([id_qt_csp]);
    expect(AsnConvert.parse(info!.policyQualifiers![0]!.qualifier, Qualifier).cPSuri).toBe(
      "https://ca.geumgo.test/cps",
    );
    expect(indexOf(new Uint8Array(ext.value), oidDer(defaultPolicyOids.universal))).toBe(4);

    const summary = readCertificateSummary(der);
    expect(summary.hasVid).toBe(true);
    expect(summary.realName).toBe("홍길동");
    expect(summary.keyType).toBe("RSA-2048");
    expect(summary.commonName).toBe("홍길동()0091041202012345678");
  });

  // asn1js (under @peculiar/asn1-schema and x509) decodes an OID arc wider than 53 bits as
  // "{hex}"; our default policy OIDs sit under a 128-bit UUID arc, so policy.ts normalises.
  it("reads the purpose of our own default bank-use policy back", async () => {
    expect(readCertificateSummary(await issuePersonalCertificate(base))).toMatchObject({
      policyOids: [defaultPolicyOids.bank],
      purpose: "bank",
    });
  });

  it("reads the purpose of our own default universal policy back", async () => {
    const der = await issuePersonalCertificate({ ...base, purpose: "universal" });
    expect(
      certificatePurpose(new X509Certificate(der).getExtension(CertificatePolicyExtension)!.policies),
    ).toBe("universal");
  });

  it("takes other policy OIDs (yessign's) and the purpose is still recognised", async () => {
    const yessign = { bank: "1.2.410.200005.1.1.4", universal: "1.2.410.200005.1.1.1" };
    for (const purpose of ["bank", "universal"] as const) {
      const der = await issuePersonalCertificate({ ...base, purpose, policyOids: yessign });
      expect(readCertificateSummary(der)).toMatchObject({ policyOids: [yessign[purpose]], purpose });
    }
  });

  it("without identifyData there is no subjectAltName, and no caIssuers unless asked", async () => {
    const der = await issuePersonalCertificate({ ...base, identifyData: undefined, caIssuersUrl: undefined });
    const cert = new X509Certificate(der);
    expect(cert.getExtension(id_ce_subjectAltName)).toBeNull();
    expect(cert.getExtension(AuthorityInfoAccessExtension)!.caIssuers).toEqual([]);
    expect(readCertificateSummary(der).hasVid).toBe(false);
    await expect(verifyVid({ certificate: der, rrn, random })).rejects.toMatchObject({ code: "missing_vid" });
  });

  it("serial numbers: 16 bytes, positive, random", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = newSerialNumber();
      expect(s.length).toBe(16);
      expect(s[0]! & 0xc0).toBe(0x40);
      seen.add(toHex(s));
    }
    expect(seen.size).toBe(1000);
    for (let i = 0; i < 3; i++) {
      const der = await issuePersonalCertificate(base);
      const serial = new Uint8Array(AsnConvert.parse(der, Certificate).tbsCertificate.serialNumber);
      expect(serial.length).toBe(16);
      expect(serial[0]!).toBeLessThan(0x80);
      expect(serial[0]!).not.toBe(0);
    }
  });

  it("uses a serial number it is given, and refuses one that is not a positive minimal INTEGER", async () => {
    const given = Uint8Array.from([0x01, 0x02, 0x03]);
    const der = await issuePersonalCertificate({ ...base, serialNumber: given });
    expect(new X509Certificate(der).serialNumber).toBe("010203");
    for (const bad of [[], [0x80, 1], [0, 1], [0], new Array(21).fill(1)]) {
      await expect(issuePersonalCertificate({ ...base, serialNumber: Uint8Array.from(bad) })).rejects.toThrow(
        TypeError,
      );
    }
    await expect(issuePersonalCertificate({ ...base, notAfter: notBefore })).rejects.toThrow(TypeError);
  });

  it("an ECDSA CA named by name and key, and an ECDSA P-256 holder key given as SPKI", async () => {
    const ecCa = await makeCa("EC");
    const ecHolder = await generateKeyPair({ algorithm: "EC" });
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", ecHolder.publicKey));
    const der = await issuePersonalCertificate({
      ...base,
      issuer: {
        name: AsnConvert.parse(ecCa.der, Certificate).tbsCertificate.subject,
        publicKey: ecCa.keys.publicKey,
      },
      signingKey: ecCa.keys.privateKey,
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
      publicKey: spki,
    });
    const cert = new X509Certificate(der);
    expect(await cert.verify({ publicKey: ecCa.cert.publicKey, signatureOnly: true })).toBe(true);
    expect(cert.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
    // Computed from the CA key, this is the SKI the CA certificate carries (both SHA-1 of the key).
    expect(cert.getExtension(AuthorityKeyIdentifierExtension)!.keyId).toBe(
      ecCa.cert.getExtension(SubjectKeyIdentifierExtension)!.keyId,
    );
    expect(readCertificateSummary(der).keyType).toBe("EC P-256");
  });

  // The certificate is written as DER by hand; @peculiar/x509's generic writer, given the same
  // extensions in the same order, is the reference. RSA PKCS#1 v1.5 signs deterministically, so
  // the two certificates must agree to the last byte, signature included.
  async function referenceCertificate(o: PersonalCertificateOptions & { serialNumber: Uint8Array }) {
    const issuerCert = new X509Certificate(
      toArrayBuffer((o.issuer as { certificate: Uint8Array }).certificate),
    );
    const info = new PolicyInformation({ policyIdentifier: (o.policyOids ?? defaultPolicyOids)[o.purpose] });
    if (o.cpsUri) {
      info.policyQualifiers = [
        new PolicyQualifierInfo({
          policyQualifierId: id_qt_csp,
          qualifier: AsnConvert.serialize(new Qualifier({ cPSuri: o.cpsUri })),
        }),
      ];
    }
    const extensions = [
      new AuthorityKeyIdentifierExtension(issuerCert.getExtension(SubjectKeyIdentifierExtension)!.keyId),
      await SubjectKeyIdentifierExtension.create(o.publicKey as CryptoKey),
      new KeyUsagesExtension(personalKeyUsage, true),
      new Extension(id_ce_certificatePolicies, true, AsnConvert.serialize(new CertificatePolicies([info]))),
      ...(o.identifyData
        ? [
            new Extension(
              id_ce_subjectAltName,
              false,
              AsnConvert.serialize(new SubjectAlternativeName([identifyDataGeneralName(o.identifyData)])),
            ),
          ]
        : []),
      new CRLDistributionPointsExtension([o.crlUrl]),
      new AuthorityInfoAccessExtension({
        ocsp: o.ocspUrl,
        ...(o.caIssuersUrl ? { caIssuers: o.caIssuersUrl } : {}),
      }),
    ];
    const cert = await X509CertificateGenerator.create({
      serialNumber: toHex(o.serialNumber),
      subject: new X509Certificate(await issuePersonalCertificate(o)).subjectName,
      issuer: issuerCert.subjectName,
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      publicKey: o.publicKey as CryptoKey,
      signingKey: o.signingKey,
      extensions,
    });
    return new Uint8Array(cert.rawData);
  }

  it("writes, byte for byte, the certificate the generic X.509 writer makes", async () => {
    for (const o of [
      { ...base, serialNumber: newSerialNumber() },
      {
        ...base,
        purpose: "universal" as const,
        identifyData: undefined,
        caIssuersUrl: undefined,
        cpsUri: "http://ca.geumgo.test/cps",
        serialNumber: newSerialNumber(),
        notAfter: new Date(Date.UTC(2051, 0, 1)), // GeneralizedTime from 2050
      },
    ]) {
      expect(toHex(await issuePersonalCertificate(o))).toBe(toHex(await referenceCertificate(o)));
    }
  });

  it("a prepared profile signs many; its key is checked once, against the issuer", async () => {
    const profile = await preparePersonalProfile(base);
    await expect(checkProfileKey(profile)).resolves.toBeUndefined();
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", holder.publicKey));
    const fields = {
      publicKey: spki,
      subject: new Uint8Array(AsnConvert.serialize(subject)),
      notBefore,
      notAfter,
      purpose: "bank" as const,
      identifyData: base.identifyData,
    };
    const [a, b] = await Promise.all([
      signPersonalCertificate(profile, { ...fields, serialNumber: newSerialNumber() }),
      signPersonalCertificate(profile, { ...fields, serialNumber: newSerialNumber() }),
    ]);
    for (const der of [a!, b!]) {
      expect(
        await new X509Certificate(der).verify({ publicKey: ca.cert.publicKey, signatureOnly: true }),
      ).toBe(true);
    }
    expect(new X509Certificate(a!).serialNumber).not.toBe(new X509Certificate(b!).serialNumber);
    const other = await generateKeyPair();
    const wrong = await preparePersonalProfile({ ...base, signingKey: other.privateKey });
    await expect(checkProfileKey(wrong)).rejects.toMatchObject({ code: "key_mismatch" });
    await expect(
      signPersonalCertificate(profile, {
        ...fields,
        publicKey: spki.subarray(2),
        serialNumber: newSerialNumber(),
      }),
    ).rejects.toMatchObject({ code: "malformed" });
  });

  it("refuses to hand out a certificate signed by a key that is not the issuer's", async () => {
    const other = await generateKeyPair();
    await expect(issuePersonalCertificate({ ...base, signingKey: other.privateKey })).rejects.toMatchObject({
      code: "key_mismatch",
    });
  });
});
