// `geumgo teller add | unlock | list`: the administrator's side of the teller console's logins. A
// teller works at one branch with an ID and password of their own; five wrong passwords lock the
// login until an administrator opens it here. The commands run as operations (src/server/operations.ts).
import type { Command } from "commander";
import type { TellerListJson } from "../server/teller-operations.ts";
import { CliError } from "./errors.ts";
import { promptSecret, readSecretFile } from "./io.ts";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";

/** The new teller's password: the first line of a file, or typed twice at the terminal without echo. */
async function newPassword(file: string | undefined, out: Output): Promise<string> {
  if (file !== undefined) return readSecretFile(file);
  const first = await promptSecret(out.t("직원 비밀번호: ", "teller password: "));
  const again = await promptSecret(out.t("한 번 더: ", "again: "));
  if (first !== again) throw new CliError("passwords_differ");
  return first;
}

export function registerTellerCommands(program: Command, out: Output): void {
  const teller = program.command("teller").description("teller console logins / 창구 직원 계정");
  teller
    .command("add")
    .description("add a teller at a branch, with the password they log in with")
    .requiredOption("--cooperative <code>", "the cooperative's 4-digit code, e.g. 9002")
    .requiredOption("--branch <code>", "the branch's 3-digit code, e.g. 001")
    .requiredOption("--id <tellerId>", "the teller's login ID: 4-20 letters and digits")
    .requiredOption("--name <name>", "the teller's name as shown in the console")
    .option("--password-file <file>", "read the password from the first line of this file")
    .option("--json", "machine-readable output")
    .action(
      async (opts: {
        cooperative: string;
        branch: string;
        id: string;
        name: string;
        passwordFile?: string;
        json?: boolean;
      }) => {
        const password = await newPassword(opts.passwordFile, out);
        const r = (await runOperation(
          "teller.add",
          { cooperative: opts.cooperative, branch: opts.branch, id: opts.id, name: opts.name, password },
          out,
        )) as { cooperative: string; branch: string; tellerId: string; name: string };
        if (opts.json) {
          out.json(r);
          return;
        }
        out.line(
          out.t(
            `직원 ${r.tellerId} (${r.name})을(를) 금고 ${r.cooperative} 지점 ${r.branch}에 등록했습니다`,
            `teller ${r.tellerId} (${r.name}) added at cooperative ${r.cooperative}, branch ${r.branch}`,
          ),
        );
      },
    );
  teller
    .command("unlock")
    .description("open a teller login locked by five wrong passwords (after checking who asks)")
    .requiredOption("--cooperative <code>", "the cooperative's 4-digit code")
    .requiredOption("--id <tellerId>", "the teller's login ID")
    .option("--json", "machine-readable output")
    .action(async (opts: { cooperative: string; id: string; json?: boolean }) => {
      const r = await runOperation("teller.unlock", { cooperative: opts.cooperative, id: opts.id }, out);
      if (opts.json) {
        out.json(r);
        return;
      }
      out.line(out.t(`직원 ${opts.id}의 로그인 제한을 해제했습니다`, `teller ${opts.id} can log in again`));
    });
  teller
    .command("list")
    .description("the tellers, with their branch, lock and last login")
    .option("--cooperative <code>", "only this cooperative's")
    .option("--json", "machine-readable output")
    .action(async (opts: { cooperative?: string; json?: boolean }) => {
      const r = (await runOperation(
        "teller.list",
        opts.cooperative === undefined ? {} : { cooperative: opts.cooperative },
        out,
      )) as TellerListJson;
      if (opts.json) {
        out.json(r);
        return;
      }
      if (r.tellers.length === 0) out.line(out.t("등록된 직원이 없습니다", "no tellers"));
      for (const t of r.tellers) {
        const state = t.locked ? out.t("로그인 제한", "locked") : out.t("사용 중", "active");
        const last = t.lastLoginAt ?? out.t("로그인 기록 없음", "never logged in");
        out.line(`${t.cooperative} ${t.branch} ${t.tellerId}\t${t.name}\t${t.branchName}\t${state}\t${last}`);
      }
    });
}
