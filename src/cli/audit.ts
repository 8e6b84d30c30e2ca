// `geumgo audit verify`: walks the audit log's hash chain; exit 0 when it is whole, 1 where it breaks.
import type { Command } from "commander";
import type { AuditVerification } from "../audit/audit-log.ts";
import { CliError } from "./errors.ts";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";

/** The verification as JSON carries it (the sequence number as text). */
type AuditVerificationJson =
  | Exclude<AuditVerification, { ok: false }>
  | { ok: false; seq: string; problem: string };

export function registerAuditCommands(program: Command, out: Output): void {
  const audit = program.command("audit").description("the append-only audit log / 감사 기록");
  audit
    .command("verify")
    .description("check the audit log's hash chain from the first entry to the head")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const result = (await runOperation("audit.verify", {}, out)) as AuditVerificationJson;
      if (opts.json) out.json(result);
      if (result.ok) {
        if (!opts.json) {
          out.line(
            out.t(
              `감사 기록이 온전합니다: ${result.entries}건, 끝 ${result.head}`,
              `audit log intact: ${result.entries} entries, head ${result.head}`,
            ),
          );
        }
        return;
      }
      throw new CliError("audit_broken", `#${result.seq} (${result.problem})`);
    });
}
