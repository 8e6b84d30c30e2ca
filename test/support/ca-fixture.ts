// A CA on a fresh database for the revocation tests: the real key ceremony (P-384: quick), a clock
// the test moves, member certificates issued by the real issuing CA and recorded as the CMP side
// would record them, and the chain as PEM files for OpenSSL.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCaHierarchy } from "../../src/ca/ca-keys.ts";
import { type CaContext, caUrls, issuingCa } from "../../src/ca/context.ts";
import { raRules } from "../../src/certcenter/rules.ts";
import type { Db } from "../../src/db/db.ts";
import { toHex, toPem } from "../../src/pki/bytes.ts";
import { issuePersonalCertificate, newSerialNumber, personalSubjectName } from "../../src/pki/profile.ts";
import { type DbKind, freshDb } from "./db.ts";

export interface MovableClock {
  now(): Date;
  /** Moves the clock by this much (negative: back). */
  advance(ms: number): void;
}

/** Real time plus an offset the test moves: OpenSSL checks response times against the real clock. */
export function movableClock(): MovableClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
  };
}

export type FixtureStatus = "signing" | "pending" | "valid" | "hold" | "revoked" | "rejected";

export interface IssuedCertificate {
  serial: Uint8Array;
  hex: string;
  der: Uint8Array;
  /** A PEM file of it, for `openssl ocsp -cert`. */
  pemPath: string;
}

export interface CaFixture {
  db: Db;
  ca: CaContext;
  clock: MovableClock;
  /** A folder holding chain.pem (issuing, root), issuing.pem and root.pem. */
  dir: string;
  issue(options?: { status?: FixtureStatus }): Promise<IssuedCertificate>;
  close(): Promise<void>;
}

export const fixturePassphrase = "correct horse battery staple";
const dayMs = 86_400_000;

/** On a fresh database of the kind, or on a database the caller opened (and closes). */
export async function caFixture(kind: DbKind | Db, options: { poolSize?: number } = {}): Promise<CaFixture> {
  const db = typeof kind === "string" ? await freshDb(kind, options) : kind;
  const clock = movableClock();
  const keys = await createCaHierarchy(db, {
    organization: "Geumgo Test",
    algorithm: "P-384",
    passphrase: fixturePassphrase,
    now: new Date(clock.now().getTime() - dayMs),
    actor: "test",
  });
  const ca: CaContext = {
    db,
    clock,
    passphrase: fixturePassphrase,
    sealer: {
      seal: () => {
        throw new Error("not used here");
      },
      unseal: () => {
        throw new Error("not used here");
      },
    },
    urls: caUrls("http://127.0.0.1:8080"),
    organization: "Geumgo Test",
    requireVidRandom: false,
    raRules,
  };
  const dir = mkdtempSync(join(tmpdir(), "geumgo-ca-fixture-"));
  const issuingKey = keys.find((k) => k.role === "issuing");
  const rootKey = keys.find((k) => k.role === "root");
  writeFileSync(join(dir, "issuing.pem"), toPem("CERTIFICATE", issuingKey!.certificate));
  writeFileSync(join(dir, "root.pem"), toPem("CERTIFICATE", rootKey!.certificate));
  writeFileSync(
    join(dir, "chain.pem"),
    toPem("CERTIFICATE", issuingKey!.certificate) + toPem("CERTIFICATE", rootKey!.certificate),
  );
  return {
    db,
    ca,
    clock,
    dir,
    async issue({ status = "valid" } = {}) {
      // A key of its own, as the CA certifies each key once (certificates_one_per_key).
      const memberKey = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
        "sign",
        "verify",
      ])) as CryptoKeyPair;
      const spki = new Uint8Array(await crypto.subtle.exportKey("spki", memberKey.publicKey));
      const issuing = await issuingCa(ca);
      const serial = newSerialNumber();
      const now = clock.now();
      const notBefore = new Date(now.getTime() - 3_600_000);
      const notAfter = new Date(now.getTime() + 365 * dayMs);
      const holder = `member-${randomBytes(6).toString("hex")}`;
      const subject = personalSubjectName({
        realName: "홍길동",
        serialHint: toHex(serial).slice(0, 12),
        registrationUnit: "금고테스트",
        organization: "Geumgo Test",
      });
      const der =
        status === "signing"
          ? undefined
          : await issuePersonalCertificate({
              issuer: { certificate: issuing.certificate },
              signingKey: issuing.privateKey,
              signingAlgorithm: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams,
              publicKey: memberKey.publicKey,
              subject,
              serialNumber: serial,
              notBefore,
              notAfter,
              purpose: "bank",
              crlUrl: ca.urls.crl,
              ocspUrl: ca.urls.ocsp,
            });
      const held = status === "hold" || status === "revoked";
      await db.query(
        `INSERT INTO certificates (serial, issuer_key_id, holder, purpose, status, der, subject, not_before,
                                   not_after, spki_sha256, created_at, revoked_at, revocation_reason)
         VALUES ($1, $2, $3, 'bank', $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          serial,
          issuing.id,
          holder,
          status,
          der ?? null,
          `CN=${holder}`,
          notBefore,
          notAfter,
          createHash("sha256").update(spki).digest(),
          now,
          held ? now : null,
          status === "hold" ? "certificateHold" : status === "revoked" ? "unspecified" : null,
        ],
      );
      const hex = toHex(serial);
      const pemPath = join(dir, `${hex}.pem`);
      if (der) writeFileSync(pemPath, toPem("CERTIFICATE", der));
      return { serial, hex, der: der ?? new Uint8Array(), pemPath };
    },
    close: () => db.close(),
  };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function openssl(args: string[], input?: Uint8Array): Run {
  const r = spawnSync("openssl", args, { encoding: "utf8", ...(input ? { input: Buffer.from(input) } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** OpenSSL without blocking the event loop: for when it talks to a server in this process. */
export function opensslAsync(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn("openssl", args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += String(d);
    });
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}
