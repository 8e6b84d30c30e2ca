// `geumgo teller add | unlock | list | rules`: the administrator's side of the teller console's
// logins. A teller (or a manager, 책임자, who approves colleagues' large withdrawals and limit raises)
// works at one branch with an ID and password of their own; five wrong passwords lock the login
// until an administrator opens it here. `rules` sets the amounts above which a manager approves.
// The commands run as operations (src/server/operations.ts).
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
    .option("--role <role>", "teller (default) or manager (책임자: approves colleagues' requests)")
    .option("--password-file <file>", "read the password from the first line of this file")
    .option("--json", "machine-readable output")
    .action(
      async (opts: {
        cooperative: string;
        branch: string;
        id: string;
        name: string;
        role?: string;
        passwordFile?: string;
        json?: boolean;
      }) => {
        const password = await newPassword(opts.passwordFile, out);
        const r = (await runOperation(
          "teller.add",
          {
            cooperative: opts.cooperative,
            branch: opts.branch,
            id: opts.id,
            name: opts.name,
            password,
            ...(opts.role === undefined ? {} : { role: opts.role }),
          },
          out,
        )) as { cooperative: string; branch: string; tellerId: string; name: string; role: string };
        if (opts.json) {
          out.json(r);
          return;
        }
        const manager = r.role === "manager";
        out.line(
          out.t(
            `${manager ? "책임자" : "직원"} ${r.tellerId} (${r.name})을(를) 금고 ${r.cooperative} 지점 ${r.branch}에 등록했습니다`,
            `${manager ? "manager" : "teller"} ${r.tellerId} (${r.name}) added at cooperative ${r.cooperative}, branch ${r.branch}`,
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
        const role = t.role === "manager" ? out.t("책임자", "manager") : out.t("직원", "teller");
        out.line(
          `${t.cooperative} ${t.branch} ${t.tellerId}\t${t.name}\t${role}\t${t.branchName}\t${state}\t${last}`,
        );
      }
    });
  teller
    .command("rules")
    .description("set the amounts above which a manager approves a withdrawal or a limit raise")
    .requiredOption("--cooperative <code>", "the cooperative's 4-digit code")
    .option("--withdrawal-above <won>", "a cash withdrawal above this waits for a manager (default 10000000)")
    .option(
      "--limit-above <won>",
      "a raise to a daily limit above this waits for a manager (default 50000000)",
    )
    .option("--json", "machine-readable output")
    .action(
      async (opts: {
        cooperative: string;
        withdrawalAbove?: string;
        limitAbove?: string;
        json?: boolean;
      }) => {
        const r = (await runOperation(
          "teller.rules",
          {
            cooperative: opts.cooperative,
            ...(opts.withdrawalAbove === undefined ? {} : { "withdrawal-above": opts.withdrawalAbove }),
            ...(opts.limitAbove === undefined ? {} : { "limit-above": opts.limitAbove }),
          },
          out,
        )) as { cooperative: string; withdrawalApprovalAbove: string; limitApprovalAbove: string };
        if (opts.json) {
          out.json(r);
          return;
        }
        out.line(
          out.t(
            `금고 ${r.cooperative}: 현금출금 ${r.withdrawalApprovalAbove}원 초과, 이체한도 일 ${r.limitApprovalAbove}원 초과 증액은 책임자 승인`,
            `cooperative ${r.cooperative}: a manager approves cash withdrawals above ${r.withdrawalApprovalAbove} won and limit raises to a daily limit above ${r.limitApprovalAbove} won`,
          ),
        );
      },
    );
}
