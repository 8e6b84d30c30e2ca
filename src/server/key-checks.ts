// The keys every process on one database must share, held to the check values the database keeps
// (key_checks): a process given other keys refuses to start, rather than seal data that no other
// process can open. A new database takes the values of its first process's keys.
import { createHmac, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { decryptRrn, rrnIndex } from "../bank/rrn-vault.ts";
import { CaError, loadCaKey } from "../ca/ca-keys.ts";
import { type Config, removeGeneratedKeyFiles } from "../config.ts";
import type { Db, Queryable } from "../db/db.ts";
import { describeKeyMismatch, type KeyMismatch, keyMismatchCode } from "../messages/keys.ts";

const pbkdf2Async = promisify(pbkdf2);

/** One key the processes share. */
export interface CheckedKey {
  /** Its row in key_checks, and part of what its check value is computed over. */
  name: string;
  /** The environment variable that gives it: what a refusal names. */
  env: string;
  /** A random key (32 bytes) or a passphrase a person may have chosen. */
  kind: "key" | "passphrase";
  value(config: Config): Uint8Array | string;
  /**
   * For a database holding data but no check value of this key: whether a key this process
   * generated just now may still be the database's first, as nothing is sealed or keyed under any
   * key of this kind yet (a CA set up before the first member, say). Absent: never.
   */
  generatedFits?(db: Queryable): Promise<boolean>;
  /**
   * For a database from before the check values: whether the key opens what the database holds
   * under it; undefined when it holds nothing to try.
   */
  opensData?(db: Queryable, config: Config): Promise<boolean | undefined>;
}

async function oneMember(
  db: Queryable,
): Promise<{ rrn_ciphertext: Uint8Array; rrn_index: Uint8Array } | undefined> {
  const { rows } = await db.query<{ rrn_ciphertext: Uint8Array; rrn_index: Uint8Array }>(
    "SELECT rrn_ciphertext, rrn_index FROM members ORDER BY cooperative_id, id LIMIT 1",
  );
  return rows[0];
}

/** Whether no row matches: with nothing held under a key yet, a key generated now may be its first. */
async function none(db: Queryable, sql: string): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>(`SELECT EXISTS (${sql}) AS any`);
  return rows[0]?.any !== true;
}

function decrypts(config: Config, ciphertext: Uint8Array): string | undefined {
  try {
    return decryptRrn(config.rrnKeys, new Uint8Array(ciphertext));
  } catch {
    return undefined;
  }
}

/**
 * The keys, in the order a refusal lists them. A key added to the configuration is one more entry.
 */
export const checkedKeys: readonly CheckedKey[] = [
  {
    name: "rrn-encryption",
    env: "GEUMGO_RRN_KEY",
    kind: "key",
    value: (c) => c.rrnKeys.encryption,
    generatedFits: (db) => none(db, "SELECT 1 FROM members"),
    opensData: async (db, config) => {
      const member = await oneMember(db);
      return member && decrypts(config, member.rrn_ciphertext) !== undefined;
    },
  },
  {
    name: "rrn-index",
    env: "GEUMGO_RRN_INDEX_KEY",
    kind: "key",
    value: (c) => c.rrnKeys.index,
    generatedFits: (db) => none(db, "SELECT 1 FROM members"),
    opensData: async (db, config) => {
      const member = await oneMember(db);
      const rrn = member && decrypts(config, member.rrn_ciphertext);
      // Without the number (the encryption key is wrong too) there is nothing to hold the index to.
      if (!member || rrn === undefined) return undefined;
      return Buffer.from(rrnIndex(config.rrnKeys, rrn)).equals(Buffer.from(member.rrn_index));
    },
  },
  {
    name: "pin",
    env: "GEUMGO_PIN_KEY",
    kind: "key",
    value: (c) => c.pinKey,
    // A database from before the PIN key (migration 0021) holds PINs in the old scrypt form only,
    // which moves to the MAC on each right PIN: a key generated for it now is its first. Once any
    // PIN is in the MAC form, the key it was made under is recorded, and a MAC cannot be tried
    // without the member's PIN, so there is nothing else to hold the key to.
    generatedFits: (db) => none(db, "SELECT 1 FROM accounts WHERE pin_mac IS NOT NULL"),
  },
  {
    name: "ca-passphrase",
    env: "GEUMGO_CA_PASSPHRASE",
    kind: "passphrase",
    value: (c) => c.caPassphrase,
    generatedFits: (db) => none(db, "SELECT 1 FROM ca_keys"),
    opensData: async (db, config) => {
      try {
        await loadCaKey(db, "issuing", config.caPassphrase);
        return true;
      } catch (e) {
        if (e instanceof CaError && e.code === "bad_passphrase") return false;
        if (e instanceof CaError && e.code === "ca_missing") return undefined;
        throw e;
      }
    },
  },
];

/**
 * A random key's check value: HMAC-SHA-256 under the key of a fixed text naming it, cut to 16
 * bytes. It reveals nothing of a 256-bit key (HMAC is a pseudorandom function), and the text
 * differs from anything the keys are used on (RRN digits, labelled AES-GCM seals).
 */
const hmacLabel = "geumgo key check v1";
/** A passphrase's check value costs a guesser as much as the CA keys sealed under it (ca-keys.ts). */
const passphraseIterations = 600_000;
const checkLength = 16;

interface CheckRow {
  name: string;
  algorithm: "hmac-sha256" | "pbkdf2-sha256";
  salt: Uint8Array | null;
  iterations: number | null;
  check_value: Uint8Array;
}

async function checkValue(
  key: CheckedKey,
  config: Config,
  salt: Uint8Array | null,
  iterations: number | null,
): Promise<Uint8Array> {
  const value = key.value(config);
  if (key.kind === "key") {
    const mac = createHmac("sha256", value).update(`${hmacLabel}\0${key.name}`, "utf8").digest();
    return new Uint8Array(mac.subarray(0, checkLength));
  }
  if (!salt || !iterations) throw new Error(`key_checks row ${key.name}: a passphrase check needs a salt`);
  return new Uint8Array(await pbkdf2Async(value, salt, iterations, checkLength, "sha256"));
}

async function newRow(key: CheckedKey, config: Config): Promise<CheckRow> {
  const salt = key.kind === "passphrase" ? new Uint8Array(randomBytes(16)) : null;
  const iterations = key.kind === "passphrase" ? passphraseIterations : null;
  return {
    name: key.name,
    algorithm: key.kind === "key" ? "hmac-sha256" : "pbkdf2-sha256",
    salt,
    iterations,
    check_value: await checkValue(key, config, salt, iterations),
  };
}

/** The start of a check value, to tell processes' keys apart in a message (never the whole). */
function shown(value: Uint8Array): string {
  return Buffer.from(value).subarray(0, 4).toString("hex");
}

/** A refusal: this process's keys are not the database's. */
export class KeyCheckError extends Error {
  override readonly name = "KeyCheckError";
  readonly code = keyMismatchCode;
  constructor(
    readonly mismatches: readonly KeyMismatch[],
    /** The key files this process had generated, removed again. */
    readonly removedFiles: readonly string[],
  ) {
    super(describeKeyMismatch(mismatches, removedFiles, "en"));
  }
}

export interface KeyCheckOutcome {
  /** The keys (their environment variables) whose check values this process recorded now. */
  recorded: string[];
  /** They were recorded for a database that held data already (from before the check values). */
  existingDatabase: boolean;
}

/** Whether anything is sealed or keyed in the database yet: a CA, a cooperative, a member. */
async function holdsData(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ca_keys) OR EXISTS (SELECT 1 FROM cooperatives)
        OR EXISTS (SELECT 1 FROM members) AS any`,
  );
  return rows[0]?.any === true;
}

/** Any fixed number: processes recording check values at once take turns. */
const keyCheckLockId = 0x6b657973; // "keys"

/**
 * Holds this process's keys to the database's check values, and records those that are absent: all
 * of them on a new database; on a database from before the check values, each key that opens the
 * data there (or finds none to try). Throws KeyCheckError, after removing the key files this
 * process generated, when a key does not fit.
 */
export async function checkKeys(
  db: Db,
  config: Config,
  keys: readonly CheckedKey[] = checkedKeys,
): Promise<KeyCheckOutcome> {
  const mismatches: KeyMismatch[] = [];
  const outcome = await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [keyCheckLockId]);
    const { rows } = await tx.query<CheckRow>(
      "SELECT name, algorithm, salt, iterations, check_value FROM key_checks",
    );
    const recorded = new Map(rows.map((r) => [r.name, r]));
    const existingDatabase = await holdsData(tx);
    const toRecord: CheckRow[] = [];
    for (const key of keys) {
      const source = config.keySources[key.env];
      const file = source ? { file: source.path, generated: source.generated } : {};
      const row = recorded.get(key.name);
      if (row) {
        const salt = row.salt ? new Uint8Array(row.salt) : null;
        const here = await checkValue(key, config, salt, row.iterations);
        const there = new Uint8Array(row.check_value);
        if (here.length !== there.length || !timingSafeEqual(here, there)) {
          mismatches.push({
            env: key.env,
            reason: "differs",
            database: shown(there),
            here: shown(here),
            ...file,
          });
        }
        continue;
      }
      if (existingDatabase) {
        // Keys made just now cannot be the ones the data there was sealed under, if there is any.
        if (source?.generated && !(await key.generatedFits?.(tx))) {
          mismatches.push({ env: key.env, reason: "generated", ...file });
          continue;
        }
        if ((await key.opensData?.(tx, config)) === false) {
          mismatches.push({ env: key.env, reason: "does_not_open", ...file });
          continue;
        }
      }
      toRecord.push(await newRow(key, config));
    }
    if (mismatches.length > 0) return undefined;
    for (const r of toRecord) {
      await tx.query(
        "INSERT INTO key_checks (name, algorithm, salt, iterations, check_value) VALUES ($1, $2, $3, $4, $5)",
        [r.name, r.algorithm, r.salt, r.iterations, r.check_value],
      );
    }
    const envOf = new Map(keys.map((k) => [k.name, k.env]));
    return { recorded: toRecord.map((r) => envOf.get(r.name) ?? r.name), existingDatabase };
  });
  if (!outcome) throw new KeyCheckError(mismatches, removeGeneratedKeyFiles(config));
  return outcome;
}
