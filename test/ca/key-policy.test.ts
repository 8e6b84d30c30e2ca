// The key policy through the real CMP server, on both databases: hand-built requests for keys
// nobody should hold a certificate for (RSA e = 1 with a "POP" that is the bare padded hash, e = 3,
// a modulus with a small factor or with close primes, a real ROCA key, EC points compressed, off
// the curve or at infinity) are refused with badCertTemplate; a key certified once is refused to
// another member, to the same member's renewal and to a concurrent request (duplicateCertReq);
// `openssl cmp` gets the same answers for an e = 3 key and a shared key; ordinary RSA-2048 and
// P-256 keys are still certified, and OpenSSL finds every RSA certificate the CA issued here to
// have exponent 65537.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuingCa } from "../../src/ca/context.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { PkiBody } from "../../src/pki/asn1/cmp.ts";
import { CertReqMessages, type CertReqMsg } from "../../src/pki/asn1/crmf.ts";
import { toHex, toPem, utf8 } from "../../src/pki/bytes.ts";
import { buildPkiMessage, type CmpMessage, directoryName, parsePkiMessage } from "../../src/pki/cmp.ts";
import { enrol, renew, revoke } from "../../src/pki/cmp-client.ts";
import { newPbmParameter, pbmKey } from "../../src/pki/cmp-pbm.ts";
import { readFailureInfo } from "../../src/pki/cmp-status.ts";
import { buildCertReqMsg } from "../../src/pki/crmf.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { type CaServer, newKeyFile, refusalOf, startCaServer } from "../support/ca-server.ts";
import { dbKinds } from "../support/db.ts";
import {
  compressedSpki,
  craftedKeys,
  ecKeyPair,
  ecPoint,
  numberKey,
  numberKeyPair,
  rawEcSpki,
  rocaSpki,
  rsaSpki,
} from "./crafted-keys.ts";

const day = 86_400_000;

interface Refused {
  failInfo: string[];
  code: string | undefined;
  text: string;
}

function refusalIn(answer: CmpMessage): Refused {
  const error = answer.body?.error;
  if (!error) throw new Error(`expected an error body, got ${answer.bodyType}`);
  return {
    failInfo: readFailureInfo(error.pKIStatusInfo.failInfo),
    code: error.errorDetails?.[0],
    text: error.pKIStatusInfo.statusString?.join(" ") ?? "",
  };
}

describe.each(dbKinds)("the key policy through the CMP server (%s)", (kind) => {
  let s: CaServer;
  let caCertificate: Uint8Array;
  const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
  const authorize = (user: number, purpose: "bank" | "universal" = "bank") =>
    authorizeForUser(s.app, { userId: s.users[user]!.userId, purpose, channel: "web", actor: "member" });

  /** An ir carrying `msg`, MACed with the authorisation's code as a client would (500 PBM rounds, as OpenSSL). */
  async function ir(auth: { referenceNumber: string; authorizationCode: string }, msg: CertReqMsg) {
    const key = await pbmKey(utf8(auth.authorizationCode), newPbmParameter(500));
    const der = await buildPkiMessage(
      {
        sender: directoryName(),
        recipient: directoryName(),
        transactionID: crypto.getRandomValues(new Uint8Array(16)),
        senderNonce: crypto.getRandomValues(new Uint8Array(16)),
        senderKID: utf8(auth.referenceNumber),
        messageTime: new Date(),
      },
      new PkiBody({ ir: new CertReqMessages([msg]) }),
      { kind: "mac", key },
    );
    return parsePkiMessage(await send(der));
  }

  const request = ({ keys, crypto }: { keys: CryptoKeyPair; crypto: Crypto }) =>
    buildCertReqMsg({ keys, popoSender: directoryName() }, crypto);

  beforeAll(async () => {
    s = await startCaServer(kind, { at: new Date(Date.now() - 340 * day) });
    caCertificate = (await issuingCa(s.app.ca)).certificate;
  }, 60_000);
  afterAll(async () => s?.close());

  it("refuses RSA keys others can sign with, each with its reason, and keeps the authorisation open", async () => {
    const auth = await authorize(0);
    const cases: [string, CertReqMsg, RegExp][] = [
      // No private key at all: the POP "signature" is the PKCS#1 v1.5 padding of the hash itself.
      ["e = 1", await request(numberKeyPair(numberKey(1n))), /exponent must be 65537/],
      ["e = 3", await request(numberKeyPair(numberKey(3n))), /exponent must be 65537/],
      [
        "3 divides n",
        await request(numberKeyPair(numberKey(65537n, { smallFactor: 3n }))),
        /prime factor below 752/,
      ],
      ["close primes", await request(numberKeyPair(numberKey(65537n, { close: true }))), /Fermat/],
      [
        "ROCA",
        await request(
          craftedKeys(
            rocaSpki,
            {
              name: "RSASSA-PKCS1-v1_5",
              modulusLength: 2049,
              publicExponent: Uint8Array.of(1, 0, 1),
              hash: { name: "SHA-256" },
            },
            () => crypto.getRandomValues(new Uint8Array(257)),
          ),
        ),
        /ROCA/,
      ],
    ];
    for (const [name, msg, reason] of cases) {
      const refused = refusalIn(await ir(auth, msg));
      expect(refused, name).toEqual({
        failInfo: ["badCertTemplate"],
        code: "weak_key",
        text: expect.stringMatching(reason),
      });
    }
    // The modulus written with a needless leading 0 byte: the same number, another SPKI.
    const plain = numberKey(65537n);
    const padded = refusalIn(
      await ir(auth, await request(numberKeyPair(plain, rsaSpki(plain.n, plain.e, { padModulus: true })))),
    );
    expect(padded).toMatchObject({ failInfo: ["badCertTemplate"], code: "key_not_accepted" });

    const { rows } = await s.app.db.query<{ state: string }>(
      "SELECT state FROM ca_authorizations WHERE reference_number = $1",
      [auth.referenceNumber],
    );
    expect(rows[0]?.state).toBe("open");
    // The same numbers with e = 65537 and a real signature: certified, so the refusals above were the policy's.
    const ok = await ir(auth, await request(numberKeyPair(plain)));
    expect(ok.bodyType).toBe("ip");
  }, 120_000);

  it("refuses EC points compressed, off the curve and at infinity", async () => {
    const auth = await authorize(1);
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const point = await ecPoint(keys.publicKey);
    const off = point.slice();
    off[off.length - 1]! ^= 1;
    const cases: [string, Uint8Array, RegExp][] = [
      ["compressed", await compressedSpki(keys.publicKey), /compressed/],
      ["off the curve", rawEcSpki("P-256", off), /not a point on P-256/],
      ["infinity", rawEcSpki("P-256", Uint8Array.of(0)), /infinity/],
    ];
    for (const [name, spki, reason] of cases) {
      const refused = refusalIn(await ir(auth, await request(ecKeyPair(spki, keys))));
      expect(refused, name).toEqual({
        failInfo: ["badCertTemplate"],
        code: "weak_key",
        text: expect.stringMatching(reason),
      });
    }
  });

  it("certifies a key once: not to another member (POP replayed), not in a renewal, not twice at once", async () => {
    // Member A enrols key K; the CertReqMsg A sent is caught on its way.
    const authA = await authorize(0, "universal");
    const k = await generateKeyPair({ algorithm: "EC" });
    let sentByA: CertReqMsg | undefined;
    const catchA = async (der: Uint8Array<ArrayBuffer>) => {
      sentByA ??= parsePkiMessage(der).body?.ir?.[0];
      return send(der);
    };
    const a = await enrol({ send: catchA, ...authA, keys: k });
    expect(sentByA).toBeDefined();

    // Member B replays it under B's own authorisation.
    const authB = await authorize(1, "universal");
    const replayed = refusalIn(await ir(authB, sentByA!));
    expect(replayed).toEqual({
      failInfo: ["duplicateCertReq"],
      code: "key_in_use",
      text: "this public key is certified already; every certificate needs a key of its own",
    });
    const spkiHex = toHex(new Uint8Array(await crypto.subtle.exportKey("spki", k.publicKey)));
    const holders = await s.app.db.query<{ n: bigint }>(
      "SELECT count(*) AS n FROM certificates WHERE spki_sha256 = sha256(decode($1, 'hex'))",
      [spkiHex],
    );
    expect(holders.rows[0]!.n).toBe(1n);
    // B's authorisation was not spent by the refusal: B enrols a key of B's own.
    const kB = await generateKeyPair({ algorithm: "RSA" });
    const b = await enrol({ send, ...authB, keys: kB });

    // A's bank certificate, renewed (kur) to K, which A's universal certificate holds, or to B's key.
    const authA2 = await authorize(0, "bank");
    const k2 = await generateKeyPair({ algorithm: "EC" });
    const a2 = await enrol({ send, ...authA2, keys: k2 });
    const at = s.clock.at;
    s.clock.at = new Date();
    try {
      for (const newKeys of [k, kB]) {
        expect(
          await refusalOf(
            renew({ send, certificate: a2.certificate, key: k2.privateKey, newKeys, caCertificate }),
          ),
        ).toEqual(["duplicateCertReq"]);
      }
      expect(
        await refusalOf(
          renew({ send, certificate: a2.certificate, key: k2.privateKey, newKeys: k2, caCertificate }),
        ),
        "the old certificate's own key keeps its own answer",
      ).toEqual(["badCertTemplate"]);
      // Revoked, so that the members may enrol again (one live certificate per purpose); signed
      // requests are dated now, so the CA's clock stays at now for them.
      for (const [certificate, key] of [
        [a.certificate, k.privateKey],
        [b.certificate, kB.privateKey],
        [a2.certificate, k2.privateKey],
      ] as const) {
        await revoke({ send, certificate, key, reason: "cessationOfOperation", caCertificate });
      }
    } finally {
      s.clock.at = at;
    }

    // Two members' requests for one fresh key at once: one certificate.
    const [authC, authD] = [await authorize(0, "universal"), await authorize(1, "universal")];
    const k3 = await generateKeyPair({ algorithm: "EC" });
    const msg = await buildCertReqMsg({ keys: k3, popoSender: directoryName() });
    const answers = await Promise.all([ir(authC, msg), ir(authD, msg)]);
    expect(answers.map((x) => x.bodyType).sort()).toEqual(["error", "ip"]);
    expect(refusalIn(answers.find((x) => x.bodyType === "error")!).code).toBe("key_in_use");
  });

  it("answers OpenSSL's client: an e = 3 key is badCertTemplate, a key certified to another member duplicateCertReq", async () => {
    const ir = (auth: { referenceNumber: string; authorizationCode: string }, key: string, out: string) =>
      s.openssl([
        "cmp",
        "-cmd",
        "ir",
        "-server",
        `127.0.0.1:${s.port}`,
        "-path",
        "pki/cmp",
        "-ref",
        auth.referenceNumber,
        "-secret",
        `pass:${auth.authorizationCode}`,
        "-newkey",
        key,
        "-subject",
        "/CN=hong",
        "-certout",
        out,
      ]);
    const e3 = await s.openssl([
      "genpkey",
      "-algorithm",
      "RSA",
      "-pkeyopt",
      "rsa_keygen_bits:2048",
      "-pkeyopt",
      "rsa_keygen_pubexp:3",
      "-out",
      "e3.pem",
    ]);
    expect(e3.status).toBe(0);
    const weak = await ir(await authorize(0, "universal"), "e3.pem", "e3-cert.pem");
    expect(weak.status).not.toBe(0);
    expect(weak.output).toMatch(/badCertTemplate/);
    expect(weak.output).toMatch(/the RSA public exponent must be 65537/);

    const key = newKeyFile(s.dir, "shared.pem");
    const first = await ir(await authorize(0, "universal"), key, "shared-a.pem");
    expect(first.status, first.output).toBe(0);
    const second = await ir(await authorize(1, "universal"), key, "shared-b.pem");
    expect(second.status).not.toBe(0);
    expect(second.output).toMatch(/duplicateCertReq/);
    const a = await s.openssl(["x509", "-in", "shared-a.pem", "-noout", "-serial"]);
    expect(a.status).toBe(0);
  });

  it("still certifies RSA-2048 and P-256 keys, and every RSA certificate it issued has e = 65537 (OpenSSL)", async () => {
    for (const [user, algorithm] of [
      [0, "RSA"],
      [1, "EC"],
    ] as const) {
      const auth = await authorize(user, "bank");
      const { certificate } = await enrol({ send, ...auth, keys: await generateKeyPair({ algorithm }) });
      const path = join(s.dir, `ok-${algorithm}.pem`);
      writeFileSync(path, toPem("CERTIFICATE", certificate));
      const verified = await s.openssl([
        "verify",
        "-CAfile",
        s.files.root,
        "-untrusted",
        s.files.issuing,
        path,
      ]);
      expect(verified.output).toMatch(/: OK/);
    }
    const { rows } = await s.app.db.query<{ der: Uint8Array | null }>("SELECT der FROM certificates");
    let rsa = 0;
    for (const [i, row] of rows.entries()) {
      if (!row.der) continue;
      const path = join(s.dir, `issued-${i}.pem`);
      writeFileSync(path, toPem("CERTIFICATE", new Uint8Array(row.der)));
      const text = (await s.openssl(["x509", "-in", path, "-noout", "-text"])).stdout;
      if (text.includes("rsaEncryption")) {
        rsa++;
        expect(text).toMatch(/Exponent: 65537 \(0x10001\)/);
      } else {
        expect(text).toMatch(/id-ecPublicKey/);
      }
    }
    expect(rsa, "RSA certificates among them").toBeGreaterThanOrEqual(2);
  });
});
