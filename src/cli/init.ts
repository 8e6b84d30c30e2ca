// `geumgo init [--demo]`: creates the data directory and the schema, and with --demo the demo
// federation; safe to run again (it adds nothing to a database that has data).
import { join } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { demoLogins, seedDemo } from "../demo/seed.ts";
import type { Output } from "./output.ts";

export function registerInitCommand(program: Command, out: Output): void {
  program
    .command("init")
    .description(
      "create the database (PGlite in GEUMGO_DATA, or DATABASE_URL) and, with --demo, the demo cooperative",
    )
    .option("--demo", "add the demo federation (members, accounts, history)")
    .action(async (opts: { demo?: boolean }) => {
      const config = loadConfig();
      for (const w of config.warnings) out.warn(w);
      const db = await openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: join(config.dataDir, "pglite"),
      });
      try {
        out.line(out.t(`데이터베이스 준비 완료 (${db.kind})`, `database ready (${db.kind})`));
        if (opts.demo) {
          const { created } = await seedDemo({ db, rrnKeys: config.rrnKeys, clock: config.clock });
          out.line(
            created
              ? out.t(
                  `데모 금고를 만들었습니다. 회원 로그인: ${demoLogins.member.userId} / ${demoLogins.member.password}`,
                  `demo cooperative created; member login: ${demoLogins.member.userId} / ${demoLogins.member.password}`,
                )
              : out.t(
                  "이미 데이터가 있어 데모를 추가하지 않았습니다",
                  "the database has data already; no demo added",
                ),
          );
        }
      } finally {
        await db.close();
      }
    });
}
