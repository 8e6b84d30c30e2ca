// `geumgo ca …`: the CA's operator commands. `ca init` is the key ceremony (also run by
// `geumgo init` on a database without a CA); `ca chain` prints the chain for relying parties.
import { join } from "node:path";
import type { Command } from "commander";
import { activeCaKeys, CaError, createCaHierarchy } from "../ca/ca-keys.ts";
import { type Config, loadConfig } from "../config.ts";
import type { Db } from "../db/db.ts";
import { openDatabase } from "../db/open.ts";
import { toPem } from "../pki/bytes.ts";
import type { CaKeyAlgorithm } from "../pki/ca-profile.ts";
import { CliError } from "./errors.ts";
import type { Output } from "./output.ts";

export async function withDatabase<T>(out: Output, fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  for (const w of config.warnings) out.warn(w);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, "pglite") });
  try {
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

/** Runs the ceremony when there is no CA yet; prints the fingerprints either way. */
export async function ensureCa(
  db: Db,
  config: Config,
  out: Output,
  algorithm: CaKeyAlgorithm = "RSA-3072",
): Promise<void> {
  let keys = await activeCaKeys(db);
  if (keys.length === 0) {
    keys = await createCaHierarchy(db, {
      organization: config.caOrganization,
      algorithm,
      passphrase: config.caPassphrase,
      now: config.clock.now(),
    });
    out.line(out.t("인증기관 키를 만들었습니다 (키 생성식):", "CA keys created (key ceremony):"));
  }
  for (const k of keys) out.line(`  ${k.role.padEnd(8)} ${k.algorithm}  SHA-256 ${k.fingerprint}`);
}

export function registerCaCommands(program: Command, out: Output): void {
  const ca = program.command("ca").description("the certificate authority / 인증기관 운영");
  ca.command("init")
    .description("the key ceremony: create the root and issuing CA (once)")
    .option("--algorithm <alg>", "RSA-3072 or P-384", "RSA-3072")
    .action(async (opts: { algorithm: string }) => {
      if (opts.algorithm !== "RSA-3072" && opts.algorithm !== "P-384") {
        throw new CliError("usage", "--algorithm RSA-3072 | P-384");
      }
      const algorithm: CaKeyAlgorithm = opts.algorithm;
      await withDatabase(out, (db, config) => ensureCa(db, config, out, algorithm));
    });
  ca.command("chain")
    .description("print the CA chain as PEM, issuing CA first")
    .action(async () => {
      await withDatabase(out, async (db) => {
        const keys = await activeCaKeys(db);
        if (keys.length === 0) throw new CaError("ca_missing");
        for (const k of keys) process.stdout.write(toPem("CERTIFICATE", k.certificate));
      });
    });
}
