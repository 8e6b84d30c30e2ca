// `geumgo ca …`: the CA's operator commands. `ca init` is the key ceremony (also run by
// `geumgo init` on a database without a CA); `ca chain` prints the chain for relying parties.
import { join } from "node:path";
import type { Command } from "commander";
import { activeCaKeys, createCaHierarchy } from "../ca/ca-keys.ts";
import { type Config, loadConfig } from "../config.ts";
import type { Db } from "../db/db.ts";
import { openDatabase } from "../db/open.ts";
import type { CaKeyAlgorithm } from "../pki/ca-profile.ts";
import { type RefusalsJson, refusalsMinutesDefault } from "../server/ca-operations.ts";
import { checkKeys } from "../server/key-checks.ts";
import { claimDataDir } from "../server/server-file.ts";
import { CliError } from "./errors.ts";
import { keysRecordedLine } from "./keys-recorded.ts";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";
import { registerRevocationCommands } from "./revocation.ts";

/** How long a command that opens PGlite itself waits for another command to let go of it. */
const waitForCommandMs = 30_000;

/**
 * Opens the database for a command that cannot run inside the server (`init`, `ca init`). PGlite
 * admits one process, so the data directory is claimed first, as the operation client does for a
 * direct run: a running (or starting) server makes it `data_dir_busy`; another command is waited for.
 */
export async function withDatabase<T>(out: Output, fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  for (const w of config.warnings) out.warn(w);
  const claim = config.databaseUrl
    ? undefined
    : await claimDataDir(config.dataDir, { role: "command", waitMs: waitForCommandMs });
  try {
    const db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: join(config.dataDir, "pglite"),
    });
    try {
      const { recorded, existingDatabase } = await checkKeys(db, config);
      if (recorded.length > 0) {
        const line = keysRecordedLine(out, recorded, existingDatabase);
        if (existingDatabase) out.warn(line);
        else out.line(line);
      }
      return await fn(db, config);
    } finally {
      await db.close();
    }
  } finally {
    claim?.release();
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
  registerRevocationCommands(ca, out);
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
  ca.command("refusals")
    .description("CMP requests refused before they proved their sender (an attack shows here), by code")
    .option("--minutes <n>", "how far back to count", String(refusalsMinutesDefault))
    .option("--json", "machine-readable output")
    .action(async (opts: { minutes: string; json?: boolean }) => {
      const r = (await runOperation("ca.refusals", { minutes: opts.minutes }, out)) as RefusalsJson;
      if (opts.json) {
        out.json(r);
        return;
      }
      out.line(
        out.t(
          `${r.since} 이후 인증되지 않은 CMP 요청 거절 ${r.total}건`,
          `${r.total} unauthenticated CMP requests refused since ${r.since}`,
        ),
      );
      for (const c of r.byCode) out.line(`  ${c.code.padEnd(28)} ${c.count}`);
      if (r.peakMinute)
        out.line(
          out.t(
            `가장 많은 1분: ${r.peakMinute.at}, ${r.peakMinute.count}건`,
            `busiest minute: ${r.peakMinute.at}, ${r.peakMinute.count}`,
          ),
        );
    });
  ca.command("chain")
    .description("print the CA chain as PEM, issuing CA first")
    .action(async () => {
      const { certificates } = (await runOperation("ca.chain", {}, out)) as { certificates: string[] };
      for (const pem of certificates) process.stdout.write(pem);
    });
}
