// `geumgo init [--demo]`: creates the data directory, the schema and the CA keys (the key ceremony,
// once), and with --demo the demo federation; safe to run again (it adds nothing that exists).
import type { Command } from "commander";
import { demoLogins, seedDemo } from "../demo/seed.ts";
import { ensureCa, withDatabase } from "./ca.ts";
import type { Output } from "./output.ts";

export function registerInitCommand(program: Command, out: Output): void {
  program
    .command("init")
    .description(
      "create the database (PGlite in GEUMGO_DATA, or DATABASE_URL), the CA keys and, with --demo, the demo cooperative",
    )
    .option("--demo", "add the demo federation (members, accounts, history)")
    .action(async (opts: { demo?: boolean }) => {
      await withDatabase(out, async (db, config) => {
        out.line(out.t(`데이터베이스 준비 완료 (${db.kind})`, `database ready (${db.kind})`));
        await ensureCa(db, config, out);
        if (!opts.demo) return;
        const { created } = await seedDemo({
          db,
          rrnKeys: config.rrnKeys,
          pinKey: config.pinKey,
          clock: config.clock,
        });
        out.line(
          created
            ? out.t(
                `데모 금고를 만들었습니다. 회원 로그인: ${demoLogins.member.userId} / ${demoLogins.member.password}, 직원 로그인 (/teller): ${demoLogins.teller.tellerId} / ${demoLogins.teller.password}`,
                `demo cooperative created; member login: ${demoLogins.member.userId} / ${demoLogins.member.password}, teller login (/teller): ${demoLogins.teller.tellerId} / ${demoLogins.teller.password}`,
              )
            : out.t(
                "이미 데이터가 있어 데모를 추가하지 않았습니다",
                "the database has data already; no demo added",
              ),
        );
      });
    });
}
