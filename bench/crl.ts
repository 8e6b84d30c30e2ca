// Building and signing a CRL of 100,000 revoked entries: ours against `openssl ca -gencrl` over
// the same list, with the same CA key, timed in one run.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex, toPem } from "../src/pki/bytes.ts";
import { generateCaKeyPair, issueCaCertificate } from "../src/pki/ca-profile.ts";
import { buildCrl, type CrlEntry, revocationReasons } from "../src/pki/crl.ts";
import { bestMs } from "./measure.ts";

const entriesCount = 100_000;

function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, "").slice(2, 14)}Z`;
}

export async function benchCrl(): Promise<string[]> {
  const now = new Date();
  const keys = await generateCaKeyPair("RSA-3072");
  const cert = await issueCaCertificate({
    subject: "C=KR, O=Bench, CN=Bench CA",
    keys,
    algorithm: "RSA-3072",
    notBefore: now,
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
  });
  const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000 - 86_400_000);
  const entries: CrlEntry[] = Array.from({ length: entriesCount }, (_, i) => {
    const serial = randomBytes(16);
    serial[0] = (serial[0]! & 0x7f) | 0x40;
    return { serialNumber: new Uint8Array(serial), revokedAt, reason: revocationReasons[1 + (i % 4)]! };
  });

  const dir = mkdtempSync(join(tmpdir(), "geumgo-crl-bench-"));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  writeFileSync(join(dir, "ca.key"), toPem("PRIVATE KEY", pkcs8));
  writeFileSync(join(dir, "ca.pem"), toPem("CERTIFICATE", cert));
  const expiry = opensslTime(new Date(now.getTime() + 300 * 86_400_000));
  writeFileSync(
    join(dir, "index.txt"),
    `${entries
      .map(
        (e) =>
          `R\t${expiry}\t${opensslTime(e.revokedAt)},${e.reason}\t${toHex(e.serialNumber).toUpperCase()}\tunknown\t/CN=x`,
      )
      .join("\n")}\n`,
  );
  writeFileSync(join(dir, "crlnumber"), "01\n");
  writeFileSync(
    join(dir, "openssl.cnf"),
    `[ca]\ndefault_ca = d\n[d]\ndatabase = ${dir}/index.txt\ncrlnumber = ${dir}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\ncrl_extensions = ext\n[ext]\nauthorityKeyIdentifier = keyid:always\n`,
  );
  const opensslMs = await bestMs(3, () =>
    execFileSync(
      "openssl",
      [
        "ca",
        "-gencrl",
        "-config",
        join(dir, "openssl.cnf"),
        "-keyfile",
        join(dir, "ca.key"),
        "-cert",
        join(dir, "ca.pem"),
        "-out",
        join(dir, "crl.pem"),
      ],
      { stdio: "ignore" },
    ),
  );
  let ours: Uint8Array = new Uint8Array(0);
  const oursMs = await bestMs(3, async () => {
    ours = await buildCrl({
      issuer: { certificate: cert, privateKey: keys.privateKey, algorithm: "RSA-3072" },
      crlNumber: 1,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 86_400_000),
      entries,
    });
  });
  // A figure for a CRL OpenSSL would refuse is worth nothing: have it check ours.
  writeFileSync(join(dir, "ours.der"), ours);
  execFileSync(
    "openssl",
    ["crl", "-inform", "DER", "-in", join(dir, "ours.der"), "-CAfile", join(dir, "ca.pem"), "-noout"],
    { stdio: "ignore" },
  );
  const bytes = ours.length;
  return [
    `| CRL of ${entriesCount.toLocaleString("en")} entries (RSA-3072, ${(bytes / 1e6).toFixed(1)} MB) | ours | openssl ca -gencrl | ours / OpenSSL time |`,
    "|---|---|---|---|",
    `| build and sign (best of 3) | ${oursMs.toFixed(0)} ms | ${opensslMs.toFixed(0)} ms | ${(oursMs / opensslMs).toFixed(2)} |`,
  ];
}
