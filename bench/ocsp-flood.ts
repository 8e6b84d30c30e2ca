// OCSP under a CMP flood: the answer rate and latency of legitimate relying parties (POST
// /pki/ocsp, pre-signed responses) alone, then while 8 clients POST invalid CMP requests as fast as
// they are answered (malformed PKIMessages; then also irs under real reference numbers with a wrong
// MAC at the most PBM rounds the server accepts), each once with the default per-address limit on
// /pki/cmp and once with it lifted (an attacker with many addresses). The same server process
// answers both; the flood and the relying parties are child processes over 127.0.0.1.
import { fileURLToPath } from "node:url";
import { CertID, OCSPRequest, Request, TBSRequest } from "@peculiar/asn1-ocsp";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import pino from "pino";
import { createAuthorization } from "../src/ca/authorizations.ts";
import { refusalCounts } from "../src/ca/cmp-refusal-counts.ts";
import { issuingCa } from "../src/ca/context.ts";
import { issueCertificate } from "../src/ca/issuance.ts";
import { refreshOcspResponses } from "../src/ca/ocsp-responder.ts";
import { authorizationLifetimeMs } from "../src/certcenter/rules.ts";
import { toArrayBuffer } from "../src/pki/bytes.ts";
import { enrol } from "../src/pki/cmp-client.ts";
import { pbmIterationsMax } from "../src/pki/cmp-pbm.ts";
import { issuerHashes } from "../src/pki/ocsp.ts";
import { personalSubjectName } from "../src/pki/profile.ts";
import { defaultRateRules } from "../src/server/api/rate-limits.ts";
import { buildServer } from "../src/server/app.ts";
import {
  type BenchCaServer,
  benchSubjectName,
  type DbKind,
  freshMemberSpki,
  runChild,
  startBenchCaServer,
} from "./ca-server.ts";
import type { CmpFloodResult } from "./cmp-flood-clients.ts";
import type { LoadResult } from "./http-load.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const certificatesCount = 200;
/** Relying parties asking at once: a steady load, not a saturating one, so latency means something. */
const ocspClients = 4;
const floodClients = 8;
/** The wrong-MAC irs ask for the most PBM rounds the server accepts (or for BENCH_FLOOD_PBM_ITERATIONS). */
const pbmIterations = Number(process.env.BENCH_FLOOD_PBM_ITERATIONS ?? pbmIterationsMax);
const loadScript = fileURLToPath(new URL("./http-load.ts", import.meta.url));
const floodScript = fileURLToPath(new URL("./cmp-flood-clients.ts", import.meta.url));

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
  return Buffer.from(AsnConvert.serialize(req)).toString("base64");
}

/** Certificates with pre-signed responses, and the OCSP requests for them. */
async function ocspBodies(server: BenchCaServer): Promise<string[]> {
  const { ca } = server;
  const issuing = await issuingCa(ca);
  const subjectName = benchSubjectName(ca);
  const now = ca.clock.now();
  const serials: Uint8Array[] = [];
  for (let i = 0; i < certificatesCount; i++) {
    const issued = await issueCertificate(ca, {
      holder: `1:${i}`,
      purpose: "bank",
      subjectName,
      publicKey: await freshMemberSpki(),
      notBefore: now,
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      actor: "bench",
    });
    serials.push(issued.serial);
  }
  await ca.db.query("UPDATE certificates SET status = 'valid' WHERE status = 'pending'");
  await refreshOcspResponses(ca);
  const hashes = await issuerHashes(issuing.certificate, "SHA-1");
  return serials.map((s) => ocspRequest(hashes, s));
}

/** Requests that are not PKIMessages at all, as in the probe that filled the audit log. */
const malformedBodies = [
  Buffer.from([0x30, 0x03, 0x02, 0x01, 0x02]).toString("base64"),
  Buffer.from([0x30, 0x82, 0x01, 0x00, ...crypto.getRandomValues(new Uint8Array(256))]).toString("base64"),
];

/** The attack on the MAC: irs with a wrong MAC under real reference numbers, and malformed ones. */
async function wrongMacBodies(server: BenchCaServer): Promise<string[]> {
  const { ca } = server;
  const bodies: string[] = [...malformedBodies];
  const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  for (let i = 0; i < 8; i++) {
    const a = await createAuthorization(ca, {
      holder: `1:${200_000 + i}`,
      purpose: "bank",
      channel: "branch",
      lifetimeMs: authorizationLifetimeMs.branch,
      subjectName: new Uint8Array(
        AsnConvert.serialize(
          personalSubjectName({
            realName: "홍길동",
            serialHint: `0099003${i}`,
            registrationUnit: "한빛새마을금고",
            organization: ca.organization,
          }),
        ),
      ),
      realName: "홍길동",
      rrn: `9001011${String(100_000 + i).slice(1)}`,
      actor: "bench",
    });
    await enrol({
      send: async (der) => {
        bodies.push(Buffer.from(der).toString("base64"));
        throw new Error("captured");
      },
      referenceNumber: a.referenceNumber,
      authorizationCode: `${a.authorizationCode}0`,
      keys,
      iterations: pbmIterations,
    }).catch(() => undefined);
  }
  return bodies;
}

interface Run {
  ocsp: LoadResult;
  flood?: CmpFloodResult;
  /** Audit entries and counted refusals added during the run. */
  auditEntries: number;
  refusalsCounted: number;
}

async function auditCount(server: BenchCaServer): Promise<number> {
  const { rows } = await server.ca.db.query<{ n: string | number | bigint }>(
    "SELECT count(*) AS n FROM audit_log",
  );
  return Number(rows[0]!.n);
}

async function run(server: BenchCaServer, url: string, bodies: string[], flood?: string[]): Promise<Run> {
  process.stderr.write(`ocsp-flood: a run${flood ? ` under a flood of ${flood.length} bodies` : ""}\n`);
  // Each run starts in a fresh rate-limit window, as if a minute had passed since the last.
  await server.ca.db.query("DELETE FROM rate_limits");
  const audit0 = await auditCount(server);
  const refused0 = (await refusalCounts(server.ca.db, new Date(0))).total;
  const floodRun = flood
    ? runChild<CmpFloodResult>(floodScript, {
        url,
        bodies: flood,
        concurrency: floodClients,
        // Covers the OCSP load's warm-up second and its run.
        seconds: seconds + 2,
      })
    : undefined;
  // The flood gets half a second's start.
  if (floodRun) await new Promise((r) => setTimeout(r, 500));
  const ocsp = await runChild<LoadResult>(loadScript, {
    url: `${url}/pki/ocsp`,
    contentType: "application/ocsp-request",
    bodies,
    concurrency: ocspClients,
    seconds,
    keepAlive: true,
  });
  const floodResult = await floodRun;
  if (ocsp.failures > 0) throw new Error(`OCSP: ${ocsp.failures} failed answers (${ocsp.firstFailure})`);
  return {
    ocsp,
    ...(floodResult ? { flood: floodResult } : {}),
    auditEntries: (await auditCount(server)) - audit0,
    refusalsCounted: (await refusalCounts(server.ca.db, new Date(0))).total - refused0,
  };
}

export async function benchOcspFlood(): Promise<string[]> {
  const kinds = (process.env.BENCH_FLOOD_DB ?? "pglite,postgres").split(",") as DbKind[];
  const rows: string[] = [];
  for (const kind of kinds) {
    process.stderr.write(`ocsp-flood: ${kind}\n`);
    const server = await startBenchCaServer(kind, "RSA-3072", { poolSize: 24 });
    // A second server on the same App and database, with the per-address limit on /pki/cmp lifted.
    const lifted = await buildServer(server.app, {
      logLevel: "warn",
      logStream: pino.destination(2),
      rateRules: { cmpPerAddress: { max: 1_000_000_000, windowMs: 60_000 } },
    });
    try {
      await lifted.listen({ host: "127.0.0.1", port: 0 });
      const liftedUrl = `http://127.0.0.1:${(lifted.server.address() as { port: number }).port}`;
      process.stderr.write("ocsp-flood: certificates\n");
      const bodies = await ocspBodies(server);
      process.stderr.write("ocsp-flood: authorisations\n");
      const wrongMac = await wrongMacBodies(server);
      const limit = `default limit (${defaultRateRules.cmpPerAddress.max}/min per address)`;
      const runs: [string, Run][] = [
        ["alone", await run(server, server.url, bodies)],
        [`malformed flood, ${limit}`, await run(server, server.url, bodies, malformedBodies)],
        ["malformed flood, limit lifted", await run(server, liftedUrl, bodies, malformedBodies)],
        [`wrong-MAC flood, ${limit}`, await run(server, server.url, bodies, wrongMac)],
        ["wrong-MAC flood, limit lifted", await run(server, liftedUrl, bodies, wrongMac)],
        ["alone again", await run(server, server.url, bodies)],
      ];
      for (const [what, r] of runs) {
        const f = r.flood;
        const floodText = f
          ? `${(f.sent / f.seconds).toFixed(0)} (${Object.entries(f.byStatus)
              .map(([s, n]) => `${n} × ${s}`)
              .join(", ")})`
          : "–";
        rows.push(
          `| ${kind === "pglite" ? "PGlite" : "PostgreSQL"} | ${what} | ${(r.ocsp.answers / r.ocsp.seconds).toFixed(0)} | ${r.ocsp.latencyMsP50.toFixed(1)} | ${r.ocsp.latencyMsP99.toFixed(1)} | ${r.ocsp.latencyMsMax.toFixed(0)} | ${floodText} | ${r.refusalsCounted} | ${r.auditEntries} |`,
        );
      }
    } finally {
      await lifted.close();
      await server.close();
    }
  }
  return [
    `${ocspClients} relying parties POST single-certificate OCSP requests (keep-alive, ${certificatesCount} certificates of an RSA-3072 CA, pre-signed responses), ${seconds} s after a 1 s warm-up; the flood: ${floodClients} CMP clients on keep-alive connections sending as fast as they are answered, either 2 malformed PKIMessages in turn (malformed flood) or those and 8 irs with a wrong MAC under live reference numbers at ${pbmIterations.toLocaleString("en")} PBM rounds (wrong-MAC flood). All from 127.0.0.1, so the default limit sees one address; "limit lifted" is a second server on the same process and database without it, as an attacker with many addresses would see.`,
    "",
    "| database | OCSP | answers/s | p50 ms | p99 ms | max ms | CMP flood requests/s (by HTTP status) | refusals counted | audit entries added |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ];
}
