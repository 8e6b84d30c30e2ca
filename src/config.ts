// Configuration from the environment: where the data lives, the keys for personal data, and the
// clock. A demo or development install keeps generated keys in the data directory, with a
// warning; production (NODE_ENV=production) must be given its keys and may not fake the time.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Clock } from "./bank/context.ts";
import type { RrnKeys } from "./bank/rrn-vault.ts";

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  production: boolean;
  rrnKeys: RrnKeys;
  /** Unseals the CA's private keys (src/ca). */
  caPassphrase: string;
  /** The organisation named in the CA certificates. */
  caOrganization: string;
  clock: Clock;
  /** Things an operator should know at start (generated keys, a faked clock). */
  warnings: string[];
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function hexKey(name: string, value: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new ConfigError(`${name} must be 64 hex digits (32 bytes)`);
  return new Uint8Array(Buffer.from(value, "hex"));
}

interface SecretsFile {
  rrnEncryptionKey: string;
  rrnIndexKey: string;
}

function dataDirSecrets(dataDir: string, warnings: string[]): SecretsFile {
  const path = join(dataDir, "secrets.json");
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as SecretsFile;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: SecretsFile = {
    rrnEncryptionKey: randomBytes(32).toString("hex"),
    rrnIndexKey: randomBytes(32).toString("hex"),
  };
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  warnings.push(`generated personal-data keys in ${path}: fine for a demo, not for production`);
  return secrets;
}

function dataDirCaPassphrase(dataDir: string, warnings: string[]): string {
  const path = join(dataDir, "ca-passphrase");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passphrase = randomBytes(24).toString("base64url");
  writeFileSync(path, `${passphrase}\n`, { mode: 0o600, flag: "wx" });
  warnings.push(
    `generated the CA passphrase in ${path}: fine for a demo; production keeps it out of the data directory`,
  );
  return passphrase;
}

/**
 * A clock that starts at GEUMGO_FAKE_NOW and runs on from there at real speed, so that timeouts
 * still pass while tests look at another day.
 */
export function offsetClock(start: Date, real: () => number = Date.now): Clock {
  const offset = start.getTime() - real();
  return { now: () => new Date(real() + offset) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const warnings: string[] = [];
  const production = env.NODE_ENV === "production";
  const dataDir = resolve(env.GEUMGO_DATA || "./data");
  let rrnKeys: RrnKeys;
  if (env.GEUMGO_RRN_KEY || env.GEUMGO_RRN_INDEX_KEY) {
    rrnKeys = {
      encryption: hexKey("GEUMGO_RRN_KEY", env.GEUMGO_RRN_KEY ?? ""),
      index: hexKey("GEUMGO_RRN_INDEX_KEY", env.GEUMGO_RRN_INDEX_KEY ?? ""),
    };
  } else if (production) {
    throw new ConfigError("NODE_ENV=production needs GEUMGO_RRN_KEY and GEUMGO_RRN_INDEX_KEY");
  } else {
    const s = dataDirSecrets(dataDir, warnings);
    rrnKeys = {
      encryption: hexKey("rrnEncryptionKey", s.rrnEncryptionKey),
      index: hexKey("rrnIndexKey", s.rrnIndexKey),
    };
  }
  let caPassphrase = env.GEUMGO_CA_PASSPHRASE ?? "";
  if (!caPassphrase) {
    if (production) throw new ConfigError("NODE_ENV=production needs GEUMGO_CA_PASSPHRASE");
    caPassphrase = dataDirCaPassphrase(dataDir, warnings);
  } else if (caPassphrase.length < 16) {
    throw new ConfigError("GEUMGO_CA_PASSPHRASE must be at least 16 characters");
  }
  let clock: Clock = { now: () => new Date() };
  if (env.GEUMGO_FAKE_NOW) {
    if (production) throw new ConfigError("GEUMGO_FAKE_NOW is refused when NODE_ENV=production");
    const start = new Date(env.GEUMGO_FAKE_NOW);
    if (Number.isNaN(start.getTime())) throw new ConfigError("GEUMGO_FAKE_NOW is not an ISO time");
    clock = offsetClock(start);
    warnings.push(`the clock is faked: it started at ${start.toISOString()}`);
  }
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    production,
    rrnKeys,
    caPassphrase,
    caOrganization: env.GEUMGO_CA_ORG || "Geumgo Demo Federation",
    clock,
    warnings,
  };
}
