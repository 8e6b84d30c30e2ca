// The status routes over real HTTP on both databases, with OpenSSL as the relying party:
// `openssl ocsp -url` against POST /pki/ocsp, the RFC 5019 GET form built from the request OpenSSL
// writes, the CRL and the chain; plus the caching headers and the refusals of what is not OCSP.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OCSPResponse } from "@peculiar/asn1-ocsp";
import { AsnConvert } from "@peculiar/asn1-schema";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeCertificate } from "../../src/ca/revocation.ts";
import { errorReply } from "../../src/server/errors.ts";
import { ocspRequestFromPath, registerPkiStatusRoutes } from "../../src/server/routes/pki-status.ts";
import { type CaFixture, caFixture, openssl, opensslAsync } from "../support/ca-fixture.ts";
import { dbKinds } from "../support/db.ts";

describe("the GET form's path", () => {
  it("reads base64 whether '/', '+' and '=' come URL-encoded, raw, or '+' as a space", () => {
    const der = Uint8Array.of(0xfb, 0xff, 0xbf, 0x30, 0x01);
    const b64 = Buffer.from(der).toString("base64"); // "+/+/MAE=" has both
    expect(b64).toMatch(/\+/);
    expect(b64).toMatch(/\//);
    for (const path of [encodeURIComponent(b64), b64, b64.replace(/\+/g, " "), b64.replace(/\+/g, "%2B")]) {
      expect(ocspRequestFromPath(`/pki/ocsp/${path}`), path).toEqual(der);
    }
    expect(ocspRequestFromPath("/pki/ocsp/")).toBeUndefined();
    expect(ocspRequestFromPath("/pki/ocsp/%E0%A4%A")).toBeUndefined();
    expect(ocspRequestFromPath("/pki/ocsp/not*base64")).toBeUndefined();
  });
});

describe.each(dbKinds)("PKI status routes on %s", (kind) => {
  let f: CaFixture;
  let app: FastifyInstance;
  let base: string;
  let n = 0;

  beforeAll(async () => {
    f = await caFixture(kind);
    app = Fastify();
    // The server's one error handler (src/server/app.ts does the same).
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = errorReply(error);
      return reply.status(status).send(body);
    });
    await registerPkiStatusRoutes(app, f.ca);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await f?.close();
  });

  function ocspUrl(): string[] {
    return [
      "-url",
      `${base}/pki/ocsp`,
      "-issuer",
      join(f.dir, "issuing.pem"),
      "-CAfile",
      join(f.dir, "chain.pem"),
    ];
  }

  it("openssl ocsp -url: good, then revoked; unauthorized for a serial we did not issue", async () => {
    const c = await f.issue();
    const good = await opensslAsync(["ocsp", ...ocspUrl(), "-cert", c.pemPath]);
    expect(good.stderr).toContain("Response verify OK");
    // A pre-signed response cannot echo OpenSSL's nonce (RFC 5019 §2.2.1): a warning, not a failure.
    expect(good.stderr).toContain("WARNING: no nonce in response");
    expect(good.stdout).toContain(`${c.pemPath}: good`);
    expect(good.status).toBe(0);

    const quiet = await opensslAsync(["ocsp", ...ocspUrl(), "-cert", c.pemPath, "-no_nonce"]);
    expect(quiet.stderr).not.toContain("nonce");
    expect(quiet.stdout).toContain(`${c.pemPath}: good`);

    await revokeCertificate(f.ca, { serial: c.serial, reason: "keyCompromise", actor: "t" });
    const revoked = await opensslAsync(["ocsp", ...ocspUrl(), "-cert", c.pemPath, "-no_nonce"]);
    expect(revoked.stderr).toContain("Response verify OK");
    expect(revoked.stdout).toMatch(new RegExp(`${c.pemPath}: revoked[\\s\\S]*Reason: keyCompromise`));

    const stranger = await opensslAsync([
      "ocsp",
      ...ocspUrl(),
      "-serial",
      "0x5a1b2c3d4e5f60718293a4b5c6d7e8f9",
    ]);
    expect(`${stranger.stdout}${stranger.stderr}`).toMatch(/Responder Error: unauthorized/);
    expect(stranger.stdout).not.toMatch(/: good/);
  });

  it("the GET form (RFC 5019 §5): cacheable, the same answer, verified by OpenSSL", async () => {
    const c = await f.issue();
    // A request whose base64 holds '+' or '/', so that the encodings matter (the nonce varies it).
    let der = new Uint8Array();
    for (let i = 0; i < 50; i++) {
      const path = join(f.dir, `get-${++n}.der`);
      openssl(["ocsp", "-issuer", join(f.dir, "issuing.pem"), "-cert", c.pemPath, "-reqout", path]);
      der = new Uint8Array(readFileSync(path));
      if (/[+/]/.test(Buffer.from(der).toString("base64"))) break;
    }
    const b64 = Buffer.from(der).toString("base64");
    expect(b64).toMatch(/[+/]/);
    const encoded = await fetch(`${base}/pki/ocsp/${encodeURIComponent(b64)}`);
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get("content-type")).toBe("application/ocsp-response");
    expect(encoded.headers.get("cache-control")).toMatch(
      /^max-age=\d+, public, no-transform, must-revalidate$/,
    );
    const maxAge = Number(/max-age=(\d+)/.exec(encoded.headers.get("cache-control")!)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(300);
    expect(encoded.headers.get("last-modified")).toMatch(/GMT$/);
    const etag = encoded.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const body = new Uint8Array(await encoded.arrayBuffer());

    const raw = await fetch(`${base}/pki/ocsp/${b64}`);
    expect(Buffer.from(await raw.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
    const revalidated = await fetch(`${base}/pki/ocsp/${encodeURIComponent(b64)}`, {
      headers: { "if-none-match": etag! },
    });
    expect(revalidated.status).toBe(304);

    const respPath = join(f.dir, `get-${n}.resp`);
    writeFileSync(respPath, body);
    const r = openssl([
      "ocsp",
      "-respin",
      respPath,
      "-issuer",
      join(f.dir, "issuing.pem"),
      "-cert",
      c.pemPath,
      "-CAfile",
      join(f.dir, "chain.pem"),
    ]);
    expect(r.stderr).toContain("Response verify OK");
    expect(r.stdout).toContain(`${c.pemPath}: good`);

    const garbage = await fetch(`${base}/pki/ocsp/AAAA`);
    expect(garbage.status).toBe(200);
    expect(garbage.headers.get("cache-control")).toBe("no-store");
    expect(AsnConvert.parse(await garbage.arrayBuffer(), OCSPResponse).responseStatus).toBe(1); // malformedRequest
  });

  it("refuses what is not an OCSP request with a JSON error: too large (413), wrong type (415)", async () => {
    const big = await fetch(`${base}/pki/ocsp`, {
      method: "POST",
      headers: { "content-type": "application/ocsp-request" },
      body: new Uint8Array(11 * 1024),
    });
    expect(big.status).toBe(413);
    const bigBody = (await big.json()) as { error: { code: string; message: { ko: string; en: string } } };
    expect(bigBody.error.code).toBe("body_too_large");
    expect(bigBody.error.message.ko).toMatch(/[가-힣]/);

    const json = await fetch(`${base}/pki/ocsp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");

    const malformed = await fetch(`${base}/pki/ocsp`, {
      method: "POST",
      headers: { "content-type": "application/ocsp-request" },
      body: new Uint8Array([0x30, 0x03, 1, 2, 3]),
    });
    expect(malformed.status).toBe(200);
    expect(AsnConvert.parse(await malformed.arrayBuffer(), OCSPResponse).responseStatus).toBe(1);
  });

  it("GET /pki/crl: DER that OpenSSL verifies, with cache headers; chain.pem and issuing-ca.der", async () => {
    const revoked = await f.issue();
    await revokeCertificate(f.ca, { serial: revoked.serial, reason: "superseded", actor: "t" });
    const crl = await fetch(`${base}/pki/crl`);
    expect(crl.status).toBe(200);
    expect(crl.headers.get("content-type")).toBe("application/pkix-crl");
    expect(crl.headers.get("cache-control")).toMatch(/max-age=\d+/);
    expect(crl.headers.get("etag")).toMatch(/^"crl-\d+"$/);
    const crlPath = join(f.dir, "served.crl");
    writeFileSync(crlPath, new Uint8Array(await crl.arrayBuffer()));

    const chain = await fetch(`${base}/pki/chain.pem`);
    expect(chain.headers.get("content-type")).toMatch(/^application\/pem-certificate-chain/);
    const chainText = await chain.text();
    expect(chainText.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    // Issuing CA first, then the root.
    expect(chainText).toBe(readFileSync(join(f.dir, "chain.pem"), "utf8"));
    const chainPath = join(f.dir, "served-chain.pem");
    writeFileSync(chainPath, chainText);

    const r = openssl(["crl", "-inform", "DER", "-in", crlPath, "-CAfile", chainPath, "-noout", "-text"]);
    expect(r.stderr).toContain("verify OK");
    expect(r.stdout).toContain(revoked.hex.toUpperCase());
    const member = await f.issue();
    expect(openssl(["verify", "-CAfile", chainPath, member.pemPath]).stdout).toContain(": OK");

    const issuing = await fetch(`${base}/pki/issuing-ca.der`);
    expect(issuing.headers.get("content-type")).toBe("application/pkix-cert");
    const issuingDer = Buffer.from(await issuing.arrayBuffer());
    const issuingPem = readFileSync(join(f.dir, "issuing.pem"), "utf8");
    expect(issuingDer.toString("base64")).toBe(issuingPem.replace(/-----[^-]+-----|\s/g, ""));
  });
});
