// OCSP answers per second: our responder (POST /pki/ocsp, the real server in this process, answering
// from pre-signed responses) against `openssl ocsp -index … -port` serving the same certificates
// with a delegated signer of the same issuing CA, both driven by one load generator in a child
// process over 127.0.0.1, on PGlite and on PostgreSQL. OpenSSL's responder is killed at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CertID, OCSPRequest, Request, TBSRequest } from "@peculiar/asn1-ocsp";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { issuingCa } from "../src/ca/context.ts";
import { issueCertificate } from "../src/ca/issuance.ts";
import { refreshOcspResponses } from "../src/ca/ocsp-responder.ts";
import { toArrayBuffer, toHex, toPem } from "../src/pki/bytes.ts";
import { generateCaKeyPair } from "../src/pki/ca-profile.ts";
import { issuerHashes } from "../src/pki/ocsp.ts";
import { issueOcspSignerCertificate } from "../src/pki/ocsp-signer-profile.ts";
import {
  type BenchCaServer,
  benchSubjectName,
  type DbKind,
  freshMemberSpki,
  opensslAsync,
  runChild,
  startBenchCaServer,
} from "./ca-server.ts";
import type { LoadResult } from "./http-load.ts";

const certificatesCount = Number(process.env.BENCH_OCSP_CERTIFICATES ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
/** Relying parties asking at once. */
const concurrency = 16;
const aim = 5;
const loadScript = fileURLToPath(new URL("./http-load.ts", import.meta.url));

function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, "").slice(2, 14)}Z`;
}

/** One RFC 5019 request: a single SHA-1 CertID, no nonce (what `openssl ocsp -no_nonce` sends). */
function ocspRequest(hashes: { issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array }, serial: Uint8Array) {
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: "1.3.14.3.2.26", parameters: null }),
    issuerNameHash: new OctetString(hashes.issuerNameHash),
    issuerKeyHash: new OctetString(hashes.issuerKeyHash),
    serialNumber: toArrayBuffer(serial),
  });
  const req = new OCSPRequest({
    tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })] }),
  });
  return new Uint8Array(AsnConvert.serialize(req));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Waits for openssl's "ACCEPT" line. Not by connecting: openssl ocsp 3.0 stops answering after a
 * connection that closes without sending a request.
 */
function waitForAccept(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = "";
    const timer = setTimeout(() => reject(new Error(`openssl ocsp did not start: ${said}`)), 10_000);
    const listen = (d: string) => {
      said += d;
      if (said.includes("ACCEPT")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.setEncoding("utf8").on("data", listen);
    child.stderr?.setEncoding("utf8").on("data", listen);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl ocsp exited with ${code}: ${said}`));
    });
  });
}

/**
 * Ends the responder and, with -multi, its worker processes (it makes them a process group of its
 * own, numbered by its pid). SIGTERM first; the -multi parent does not always exit on it here, so
 * SIGKILL follows.
 */
async function stop(child: ChildProcess): Promise<void> {
  const kill = (signal: NodeJS.Signals) => {
    for (const pid of [-child.pid!, child.pid!]) {
      try {
        process.kill(pid, signal);
      } catch {
        // no such group (a single process), or already gone
      }
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((resolve) => child.once("exit", resolve));
    kill("SIGTERM");
    const timer = setTimeout(() => kill("SIGKILL"), 1000);
    await gone;
    clearTimeout(timer);
  }
  kill("SIGKILL");
}

interface Fixture {
  server: BenchCaServer;
  serials: Uint8Array[];
  bodies: string[];
  /** For openssl: index.txt, the delegated signer's certificate and key. */
  index: string;
  signerCert: string;
  signerKey: string;
}

async function fixture(kind: DbKind): Promise<Fixture> {
  const server = await startBenchCaServer(kind, "RSA-3072", { poolSize: concurrency + 4 });
  try {
    const { ca, dir } = server;
    const issuing = await issuingCa(ca);
    const subjectName = benchSubjectName(ca);
    const now = ca.clock.now();
    const notAfter = new Date(now.getTime() + 365 * 86_400_000);
    // Real certificates through the CA's own issuance, then confirmed as certConf would.
    const serials: Uint8Array[] = [];
    let n = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = n++; i < certificatesCount; i = n++) {
          const issued = await issueCertificate(ca, {
            holder: `1:${i}`,
            purpose: "bank",
            subjectName,
            publicKey: await freshMemberSpki(),
            notBefore: now,
            notAfter,
            actor: "bench",
          });
          serials.push(issued.serial);
        }
      }),
    );
    await ca.db.query("UPDATE certificates SET status = 'valid' WHERE status = 'pending'");
    const signed = await refreshOcspResponses(ca);
    if (signed !== certificatesCount) throw new Error(`pre-signed ${signed} OCSP responses`);

    // OpenSSL's side: its own delegated signer from the same issuing CA, and an index of the same serials.
    const signerKeys = await generateCaKeyPair("RSA-3072");
    const signerCertificate = await issueOcspSignerCertificate({
      issuer: { certificate: issuing.certificate, privateKey: issuing.privateKey, algorithm: "RSA-3072" },
      publicKey: signerKeys.publicKey,
      subject: "C=KR, O=Geumgo Bench, CN=Bench OCSP signer for openssl",
      notBefore: new Date(now.getTime() - 3_600_000),
      notAfter: new Date(now.getTime() + 7 * 86_400_000),
    });
    const signerCert = join(dir, "openssl-signer.pem");
    const signerKey = join(dir, "openssl-signer.key");
    writeFileSync(signerCert, toPem("CERTIFICATE", signerCertificate));
    writeFileSync(
      signerKey,
      toPem("PRIVATE KEY", new Uint8Array(await crypto.subtle.exportKey("pkcs8", signerKeys.privateKey))),
    );
    const index = join(dir, "index.txt");
    writeFileSync(
      index,
      serials
        .map((s, i) => `V\t${opensslTime(notAfter)}\t\t${toHex(s).toUpperCase()}\tunknown\t/CN=bench ${i}\n`)
        .join(""),
    );
    const hashes = await issuerHashes(issuing.certificate, "SHA-1");
    const bodies = serials.map((s) => Buffer.from(ocspRequest(hashes, s)).toString("base64"));
    return { server, serials, bodies, index, signerCert, signerKey };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/** OpenSSL as a relying party: the answer for one serial must be "good" and verify to our root. */
async function checkGood(f: Fixture, url: string, serial: Uint8Array): Promise<void> {
  const { status, output } = await opensslAsync([
    "ocsp",
    "-issuer",
    f.server.files.issuing,
    "-serial",
    `0x${toHex(serial)}`,
    "-url",
    url,
    "-CAfile",
    f.server.files.chain,
    "-no_nonce",
  ]);
  if (status !== 0 || !output.includes("Response verify OK") || !output.includes(": good")) {
    throw new Error(`OCSP check against ${url} failed:\n${output}`);
  }
}

function load(url: string, f: Fixture, keepAlive: boolean): Promise<LoadResult> {
  return runChild<LoadResult>(loadScript, {
    url,
    contentType: "application/ocsp-request",
    bodies: f.bodies,
    concurrency,
    seconds,
    keepAlive,
  });
}

async function withOpenssl<T>(f: Fixture, multi: number, fn: (url: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const child = spawn(
    "openssl",
    [
      "ocsp",
      "-index",
      f.index,
      "-port",
      String(port),
      "-rsigner",
      f.signerCert,
      "-rkey",
      f.signerKey,
      "-CA",
      f.server.files.issuing,
      "-ndays",
      "1",
      ...(multi > 1 ? ["-multi", String(multi)] : []),
    ],
    // Not detached: -multi makes its own process group, and fails in a new session (setpgid).
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  try {
    await waitForAccept(child);
    return await fn(`http://127.0.0.1:${port}/`);
  } finally {
    await stop(child);
  }
}

interface Row {
  kind: DbKind;
  oursKeepAlive: LoadResult;
  oursClose: LoadResult;
  openssl: LoadResult;
  opensslClose: LoadResult;
  opensslMulti: LoadResult;
}

const perSecond = (r: LoadResult) => r.answers / r.seconds;

function checked(r: LoadResult, what: string): LoadResult {
  if (r.failures > 0) throw new Error(`${what}: ${r.failures} failed answers (${r.firstFailure})`);
  return r;
}

export async function benchOcsp(): Promise<string[]> {
  const rows: Row[] = [];
  for (const kind of ["pglite", "postgres"] as const) {
    const f = await fixture(kind);
    try {
      const ours = `${f.server.url}/pki/ocsp`;
      await checkGood(f, ours, f.serials[0]!);
      const oursKeepAlive = checked(await load(ours, f, true), "ours, keep-alive");
      const oursClose = checked(await load(ours, f, false), "ours, a connection per request");
      const [openssl, opensslClose] = await withOpenssl(f, 1, async (url) => {
        await checkGood(f, url, f.serials[1]!);
        return [
          checked(await load(url, f, true), "openssl ocsp, keep-alive asked"),
          checked(await load(url, f, false), "openssl ocsp, a connection per request"),
        ];
      });
      const opensslMulti = await withOpenssl(f, 2, async (url) =>
        checked(await load(url, f, false), "openssl ocsp -multi 2"),
      );
      rows.push({ kind, oursKeepAlive, oursClose, openssl, opensslClose, opensslMulti });
    } finally {
      await f.server.close();
    }
  }
  const f0 = (x: number) => x.toFixed(0);
  const lines = [
    `${certificatesCount.toLocaleString("en")} valid certificates of an RSA-3072 issuing CA; ${concurrency} clients POST single-certificate SHA-1 requests without a nonce (RFC 5019), cycling over all serials, ${seconds} s per run after a 1 s warm-up; the load generator is a child process, over 127.0.0.1.`,
    "",
    "| database | ours, keep-alive | ours, a connection per request | openssl ocsp (keep-alive asked) | openssl ocsp, a connection per request | openssl ocsp -multi 2 | ours keep-alive / best openssl | aim 5× |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const best = Math.max(perSecond(r.openssl), perSecond(r.opensslClose), perSecond(r.opensslMulti));
      const ratio = perSecond(r.oursKeepAlive) / best;
      return `| ${r.kind === "pglite" ? "PGlite" : "PostgreSQL"} | ${f0(perSecond(r.oursKeepAlive))} | ${f0(perSecond(r.oursClose))} | ${f0(perSecond(r.openssl))} | ${f0(perSecond(r.opensslClose))} | ${f0(perSecond(r.opensslMulti))} | ${ratio.toFixed(1)} | ${ratio >= aim ? "met" : "not met"} |`;
    }),
    "",
    `Connections opened per answer (1.00: none reused): ${rows
      .map(
        (r) =>
          `${r.kind === "pglite" ? "PGlite" : "PostgreSQL"}: ours keep-alive ${(r.oursKeepAlive.connections / r.oursKeepAlive.answers).toFixed(3)}, openssl keep-alive asked ${(r.openssl.connections / r.openssl.answers).toFixed(2)}`,
      )
      .join("; ")}.`,
  ];
  return lines;
}
