// Configuration from the environment: where the data lives, the keys for personal data and passbook
// PINs, and the clock. A demo or development install keeps generated keys in the data directory, with a
// warning; production (NODE_ENV=production) must be given its keys and may not fake the time.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Clock } from "./bank/context.ts";
import type { RrnKeys } from "./bank/rrn-vault.ts";

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  production: boolean;
  rrnKeys: RrnKeys;
  /** The HMAC key of passbook PINs (GEUMGO_PIN_KEY), 32 bytes, kept apart from the database. */
  pinKey: Uint8Array;
  /** Unseals the CA's private keys (src/ca). */
  caPassphrase: string;
  /** The organisation named in the CA certificates. */
  caOrganization: string;
  clock: Clock;
  /** The HTTP server's port (PORT, default 8080; 0 picks a free one) and address (HOST). */
  port: number;
  host: string;
  /**
   * The base URL relying parties use to reach this server (GEUMGO_PUBLIC_URL), written into every
   * certificate's CRL and OCSP URLs; undefined means http://127.0.0.1:<port>.
   */
  publicUrl: string | undefined;
  /** GEUMGO_CA_REQUIRE_VID=1: refuse CMP requests that carry no VID random (R). */
  requireVidRandom: boolean;
  /**
   * GEUMGO_MESSAGE_SENDER: what carries messages to members' phones (src/server/message-senders.ts).
   * `outbox` (the default outside production) keeps them in the database for /dev/outbox; `none`
   * (the default in production) sends nothing, so a reissue's phone code is refused; a gateway
   * adds its own name there.
   */
  messageSender: string;
  /**
   * GEUMGO_TRUST_PROXY: the addresses (or CIDR ranges) of the reverse proxies in front of this
   * server, comma-separated. A request from one of them is taken to come from the address its
   * X-Forwarded-For names, so that per-address limits count callers, not the proxy. Empty: the TCP
   * peer is the caller (no header is believed).
   */
  trustProxy: string[];
  /** Things an operator should know at start (generated keys, a faked clock). */
  warnings: string[];
  /**
   * Where each key came from, by the environment variable that gives it; a key missing here came
   * from the environment. The key checks (src/server/key-checks.ts) name the file in a refusal.
   */
  keySources: Readonly<Record<string, KeySource>>;
}

/** A key read from a file of the data directory, or generated into one by this process just now. */
export interface KeySource {
  path: string;
  generated: boolean;
  /** Its field in secrets.json (a file holding several keys); undefined for a file of its own. */
  field?: keyof SecretsFile;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function hexKey(name: string, value: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new ConfigError(`${name} must be 64 hex digits (32 bytes)`);
  return new Uint8Array(Buffer.from(value, "hex"));
}

/** The demo keys in the data directory's secrets.json, as 64 hex digits each. */
export interface SecretsFile {
  rrnEncryptionKey?: string;
  rrnIndexKey?: string;
  pinKey?: string;
}

/**
 * The named keys from the data directory's secrets.json, each generated the first time it is
 * asked for: a file from before the PIN key gets `pinKey` added, the keys it holds kept as they are.
 * Returns the file's keys with the names generated now.
 */
function dataDirSecrets(
  dataDir: string,
  names: (keyof SecretsFile)[],
  warnings: string[],
): { secrets: SecretsFile; path: string; added: (keyof SecretsFile)[] } {
  const path = join(dataDir, "secrets.json");
  if (names.length === 0) return { secrets: {}, path, added: [] };
  const existed = existsSync(path);
  const secrets = existed ? (JSON.parse(readFileSync(path, "utf8")) as SecretsFile) : {};
  const added = names.filter((name) => !secrets[name]);
  for (const name of added) secrets[name] = randomBytes(32).toString("hex");
  if (!existed) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    warnings.push(
      `generated keys for personal data and PINs in ${path}: fine for a demo, not for production`,
    );
  } else if (added.length > 0) {
    writeSecrets(path, secrets);
    warnings.push(`added ${added.join(", ")} to ${path}: fine for a demo, not for production`);
  }
  return { secrets, path, added };
}

/** Through a new file renamed over the old, so that a crash never leaves half a file of keys. */
function writeSecrets(path: string, secrets: SecretsFile): void {
  const next = `${path}.${process.pid}.tmp`;
  writeFileSync(next, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  renameSync(next, path);
}

function dataDirCaPassphrase(dataDir: string, warnings: string[]): { passphrase: string } & KeySource {
  const path = join(dataDir, "ca-passphrase");
  if (existsSync(path)) return { passphrase: readFileSync(path, "utf8").trim(), path, generated: false };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passphrase = randomBytes(24).toString("base64url");
  writeFileSync(path, `${passphrase}\n`, { mode: 0o600, flag: "wx" });
  warnings.push(
    `generated the CA passphrase in ${path}: fine for a demo; production keeps it out of the data directory`,
  );
  return { passphrase, path, generated: true };
}

/**
 * Removes the keys this process generated (a database set up with other keys refused them), so
 * that they do not stay behind looking like the right keys: a file it created goes; from a file
 * that held other keys before (secrets.json given a `pinKey`), only the added keys go. Returns the
 * paths it changed.
 */
export function removeGeneratedKeyFiles(config: Pick<Config, "keySources">): string[] {
  const sources = Object.values(config.keySources);
  const paths = [...new Set(sources.filter((s) => s.generated).map((s) => s.path))];
  for (const path of paths) {
    const here = sources.filter((s) => s.path === path);
    const kept = here.filter((s) => !s.generated && s.field !== undefined);
    if (kept.length === 0 || !existsSync(path)) {
      rmSync(path, { force: true });
      continue;
    }
    const secrets = JSON.parse(readFileSync(path, "utf8")) as SecretsFile;
    for (const s of here) if (s.generated && s.field) delete secrets[s.field];
    writeSecrets(path, secrets);
  }
  return paths;
}

/**
 * A clock that starts at GEUMGO_FAKE_NOW and runs on from there at real speed, so that timeouts
 * still pass while tests look at another day.
 */
export function offsetClock(start: Date, real: () => number = Date.now): Clock {
  const offset = start.getTime() - real();
  return { now: () => new Date(real() + offset) };
}

function portFrom(value: string | undefined): number {
  if (value === undefined || value === "") return 8080;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`PORT must be a port number from 0 to 65535, not "${value}"`);
  }
  return Number(value);
}

function trustProxyFrom(value: string | undefined): string[] {
  if (value === undefined || value.trim() === "") return [];
  const entries = value.split(",").map((v) => v.trim());
  for (const entry of entries) {
    // An IPv4 or IPv6 address, with an optional prefix length; never "true" (that would believe anyone).
    if (!/^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/.test(entry) || !/[.:]/.test(entry)) {
      throw new ConfigError(
        `GEUMGO_TRUST_PROXY must list the proxies' addresses, such as 127.0.0.1 or 10.0.0.0/8, not "${entry}"`,
      );
    }
  }
  return entries;
}

function hostFrom(value: string | undefined): string {
  if (value === undefined || value === "") return "127.0.0.1";
  // An address or a host name; no scheme, port or path (those belong in GEUMGO_PUBLIC_URL).
  if (!/^(\[?[0-9a-fA-F:.]+\]?|[A-Za-z0-9.-]+)$/.test(value)) {
    throw new ConfigError(
      `HOST must be an address or a host name such as 127.0.0.1 or 0.0.0.0, not "${value}"`,
    );
  }
  return value.replace(/^\[(.*)\]$/, "$1");
}

function publicUrlFrom(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `GEUMGO_PUBLIC_URL must be an absolute URL such as https://ca.example.kr, not "${value}"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("GEUMGO_PUBLIC_URL must start with http:// or https://");
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError("GEUMGO_PUBLIC_URL may not carry a query, a fragment or credentials");
  }
  return url.toString().replace(/\/+$/, "");
}

function messageSenderFrom(value: string | undefined, production: boolean): string {
  const name = value || (production ? "none" : "outbox");
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) {
    throw new ConfigError(`GEUMGO_MESSAGE_SENDER must be a sender's name such as outbox, not "${name}"`);
  }
  // The outbox delivers nothing: members of a real bank would wait for codes that never come.
  if (production && name === "outbox")
    throw new ConfigError("GEUMGO_MESSAGE_SENDER=outbox is refused when NODE_ENV=production");
  return name;
}

function flagFrom(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new ConfigError(`${name} must be 1 or 0, not "${value}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const warnings: string[] = [];
  const keySources: Record<string, KeySource> = {};
  const production = env.NODE_ENV === "production";
  const dataDir = resolve(env.GEUMGO_DATA || "./data");
  const rrnFromEnv = Boolean(env.GEUMGO_RRN_KEY || env.GEUMGO_RRN_INDEX_KEY);
  const pinFromEnv = Boolean(env.GEUMGO_PIN_KEY);
  if (production && !rrnFromEnv)
    throw new ConfigError("NODE_ENV=production needs GEUMGO_RRN_KEY and GEUMGO_RRN_INDEX_KEY");
  if (production && !pinFromEnv) throw new ConfigError("NODE_ENV=production needs GEUMGO_PIN_KEY");
  const {
    secrets,
    path: secretsPath,
    added,
  } = dataDirSecrets(
    dataDir,
    [
      ...(rrnFromEnv ? [] : (["rrnEncryptionKey", "rrnIndexKey"] as const)),
      ...(pinFromEnv ? [] : (["pinKey"] as const)),
    ],
    warnings,
  );
  const rrnKeys: RrnKeys = rrnFromEnv
    ? {
        encryption: hexKey("GEUMGO_RRN_KEY", env.GEUMGO_RRN_KEY ?? ""),
        index: hexKey("GEUMGO_RRN_INDEX_KEY", env.GEUMGO_RRN_INDEX_KEY ?? ""),
      }
    : {
        encryption: hexKey("rrnEncryptionKey", secrets.rrnEncryptionKey ?? ""),
        index: hexKey("rrnIndexKey", secrets.rrnIndexKey ?? ""),
      };
  const pinKey = pinFromEnv
    ? hexKey("GEUMGO_PIN_KEY", env.GEUMGO_PIN_KEY ?? "")
    : hexKey("pinKey", secrets.pinKey ?? "");
  const fromFile = (field: keyof SecretsFile): KeySource => ({
    path: secretsPath,
    generated: added.includes(field),
    field,
  });
  if (!rrnFromEnv) {
    keySources.GEUMGO_RRN_KEY = fromFile("rrnEncryptionKey");
    keySources.GEUMGO_RRN_INDEX_KEY = fromFile("rrnIndexKey");
  }
  if (!pinFromEnv) keySources.GEUMGO_PIN_KEY = fromFile("pinKey");
  let caPassphrase = env.GEUMGO_CA_PASSPHRASE ?? "";
  if (!caPassphrase) {
    if (production) throw new ConfigError("NODE_ENV=production needs GEUMGO_CA_PASSPHRASE");
    const p = dataDirCaPassphrase(dataDir, warnings);
    keySources.GEUMGO_CA_PASSPHRASE = { path: p.path, generated: p.generated };
    caPassphrase = p.passphrase;
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
    pinKey,
    caPassphrase,
    caOrganization: env.GEUMGO_CA_ORG || "Geumgo Demo Federation",
    clock,
    port: portFrom(env.PORT),
    host: hostFrom(env.HOST),
    publicUrl: publicUrlFrom(env.GEUMGO_PUBLIC_URL),
    requireVidRandom: flagFrom("GEUMGO_CA_REQUIRE_VID", env.GEUMGO_CA_REQUIRE_VID),
    messageSender: messageSenderFrom(env.GEUMGO_MESSAGE_SENDER, production),
    trustProxy: trustProxyFrom(env.GEUMGO_TRUST_PROXY),
    warnings,
    keySources,
  };
}
