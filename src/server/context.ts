// The running application's state: the configuration, the open database and the bank and CA
// contexts built on it. Opening for the server also sets an empty database up: the CA key
// ceremony when there is no CA, and the demo federation when the database was entirely empty.
import { join } from "node:path";
import type { CertificateLoginPort } from "../auth/certificate-login.ts";
import type { BankContext } from "../bank/context.ts";
import { revealRrnForVid } from "../bank/members.ts";
import { seal, unseal } from "../bank/seal.ts";
import { activeCaKeys, type CaKey, createCaHierarchy } from "../ca/ca-keys.ts";
import { certificateByIssuerAndSerial } from "../ca/certificates.ts";
import { type CaContext, caUrls } from "../ca/context.ts";
import { raHooks } from "../certcenter/ca-hooks.ts";
import { raRules } from "../certcenter/rules.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/db.ts";
import { openDatabase } from "../db/open.ts";
import { demoExists, seedDemo } from "../demo/seed.ts";
import { toBytes } from "../pki/bytes.ts";
import { checkKeys, type KeyCheckOutcome } from "./key-checks.ts";

export interface AppSetup {
  /** The active CA keys (issuing first), for the fingerprints printed at start. */
  caKeys: CaKey[];
  /** The key ceremony ran now. */
  caCreated: boolean;
  /** The demo federation was created now. */
  demoCreated: boolean;
  /** The key check values this process recorded now (key-checks.ts); absent where none ran. */
  keyChecks?: KeyCheckOutcome;
}

export interface App {
  config: Config;
  db: Db;
  bank: BankContext;
  ca: CaContext;
  setup: AppSetup;
  close(): Promise<void>;
}

/** Where relying parties reach us when GEUMGO_PUBLIC_URL does not say. */
export function defaultPublicUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** The bank and CA contexts over an open database. */
export function contextsFor(config: Config, db: Db): { bank: BankContext; ca: CaContext } {
  const key = config.rrnKeys.encryption;
  const bank: BankContext = { db, rrnKeys: config.rrnKeys, pinKey: config.pinKey, clock: config.clock };
  return {
    bank,
    ca: {
      db,
      clock: config.clock,
      passphrase: config.caPassphrase,
      sealer: {
        seal: (label, plaintext) => seal(key, label, plaintext),
        unseal: (label, sealed) => unseal(key, label, sealed),
      },
      urls: caUrls(config.publicUrl ?? defaultPublicUrl(config.port)),
      organization: config.caOrganization,
      requireVidRandom: config.requireVidRandom,
      raRules,
      // The RA inside the CA's transactions: web authorisations bound to their session, and the
      // universal certificate's fee held, captured and released beside the CA's work.
      certificateHooks: raHooks(bank),
    },
  };
}

/**
 * The ceremony, unless a CA exists. Several servers may start at once on one PostgreSQL: the
 * loser of the race finds the winner's keys (one active key per role is a unique index).
 */
async function ensureCaKeys(db: Db, config: Config): Promise<{ keys: CaKey[]; created: boolean }> {
  const existing = await activeCaKeys(db);
  if (existing.length > 0) return { keys: existing, created: false };
  try {
    const keys = await createCaHierarchy(db, {
      organization: config.caOrganization,
      algorithm: "RSA-3072",
      passphrase: config.caPassphrase,
      now: config.clock.now(),
      actor: "server:first-start",
    });
    return { keys, created: true };
  } catch (e) {
    const keys = await activeCaKeys(db);
    if (keys.length > 0) return { keys, created: false };
    throw e;
  }
}

/**
 * Opens the database, holds this process's keys to it (key-checks.ts: a mismatch refuses), and
 * builds the contexts. With `setUp` (the server), an empty database gets
 * the CA and, outside production, the demo; a database where anything exists (a CA made by
 * `geumgo init`, members) never gets demo data.
 */
export async function openApp(config: Config, options: { setUp?: boolean } = {}): Promise<App> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, "pglite") });
  try {
    // Before anything is sealed: a process with other keys than the database's stops here.
    const keyChecks = await checkKeys(db, config);
    const { bank, ca } = contextsFor(config, db);
    let setup: AppSetup;
    if (options.setUp) {
      const { keys, created } = await ensureCaKeys(db, config);
      let demoCreated = false;
      if (created && !config.production && !(await demoExists(bank))) {
        demoCreated = (await seedDemo(bank)).created;
      }
      setup = { caKeys: keys, caCreated: created, demoCreated, keyChecks };
    } else {
      setup = { caKeys: await activeCaKeys(db), caCreated: false, demoCreated: false, keyChecks };
    }
    return { config, db, bank, ca, setup, close: () => db.close() };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * What certificate login (src/auth/certificate-login.ts) needs of the CA and the bank, which auth
 * may not import: the issuing CA certificates, a certificate's record, and the member's resident
 * registration number for the VID (returned to the one caller that hashes it; never logged).
 */
export function certificateLoginPort(app: Pick<App, "db" | "bank">): CertificateLoginPort {
  return {
    async issuingCertificates() {
      const { rows } = await app.db.query<{ id: number; certificate: Uint8Array }>(
        "SELECT id, certificate FROM ca_keys WHERE role = 'issuing' ORDER BY active DESC, id DESC",
      );
      return rows.map((r) => ({ keyId: r.id, certificate: toBytes(r.certificate) }));
    },
    certificateRecord: (issuerKeyId, serial) => certificateByIssuerAndSerial(app.db, issuerKeyId, serial),
    revealRrn: (who) => revealRrnForVid(app.bank, who.cooperativeId, who.memberId),
  };
}

/**
 * The server now listens on `port`. Without GEUMGO_PUBLIC_URL our public URL is the local address,
 * whose port PORT=0 leaves to the system until this moment: from here on the CA's URLs (written into
 * every certificate) and with them our origin (certificate login's form) name the port chosen.
 */
export function listeningOn(app: Pick<App, "config" | "ca">, port: number): void {
  if (app.config.publicUrl) return;
  Object.assign(app.ca.urls, caUrls(defaultPublicUrl(port)));
}

/**
 * Our origin as the browser sees it: the public base URL's (GEUMGO_PUBLIC_URL, else the local
 * address with the port actually listened on, as the CA's URLs hold it), never a request's Host.
 */
export function publicOrigin(app: Pick<App, "ca">): string {
  return new URL(app.ca.urls.crl).origin;
}
