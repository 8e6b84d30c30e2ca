// `geumgo audit verify`: walks the audit log's hash chain; exit 0 when it is whole, 1 where it breaks.
// `geumgo audit transfer-signature`: writes a transfer's signature, signed form and CA chain to a
// folder for `openssl cms -verify`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { AuditVerification } from "../audit/audit-log.ts";
import { isDecimalId } from "../server/input-rules.ts";
import type { TransferSignatureJson } from "../server/transfer-signature-operations.ts";
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
  audit
    .command("transfer-signature")
    .description("write a transfer's certificate signature, its signed form and the CA chain to a folder")
    .requiredOption("--cooperative <id>", "the cooperative's number")
    .requiredOption("--transfer <id>", "the transfer's id")
    .requiredOption(
      "--out <dir>",
      "the folder to write transfer-<id>.p7s, transfer-<id>.json, chain.pem into",
    )
    .option("--json", "machine-readable output")
    .action(async (opts: { cooperative: string; transfer: string; out: string; json?: boolean }) => {
      // Refused here, in words, before any database is opened: 19 digits can pass the column's
      // bigint, which the database would answer with an error an auditor cannot act on.
      if (!isDecimalId(opts.transfer)) throw new CliError("transfer_id_invalid", opts.transfer);
      const r = (await runOperation(
        "audit.transfer-signature",
        { cooperative: opts.cooperative, transfer: opts.transfer },
        out,
      )) as TransferSignatureJson;
      mkdirSync(opts.out, { recursive: true });
      const files = {
        signature: join(opts.out, `transfer-${r.transferId}.p7s`),
        content: join(opts.out, `transfer-${r.transferId}.json`),
        chain: join(opts.out, "chain.pem"),
      };
      writeFileSync(files.signature, Buffer.from(r.signature, "base64"));
      writeFileSync(files.content, Buffer.from(r.content, "base64"));
      writeFileSync(files.chain, r.chain.join(""));
      const verify = `openssl cms -verify -binary -inform DER -in ${files.signature} -content ${files.content} -CAfile ${files.chain} -purpose any -out /dev/null`;
      if (opts.json) {
        out.json({ transferId: r.transferId, serial: r.serial, signedAt: r.signedAt, files, verify });
        return;
      }
      out.line(
        out.t(
          `이체 ${r.transferId}의 전자서명(인증서 ${r.serial}, ${r.signedAt})을 ${opts.out}에 썼습니다. 확인: ${verify}`,
          `wrote transfer ${r.transferId}'s signature (certificate ${r.serial}, ${r.signedAt}) to ${opts.out}; check it with: ${verify}`,
        ),
      );
    });
}
