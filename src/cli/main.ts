// The `geumgo` command: parses arguments, runs one action, and turns every known error into one
// sentence and an exit code (1: the answer is no, 2: the request could not be done).
import { Command, CommanderError } from "commander";
import { CaError } from "../ca/ca-keys.ts";
import { ConfigError } from "../config.ts";
import { describeError } from "../messages/index.ts";
import { describeKeyMismatch } from "../messages/keys.ts";
import { PkiError } from "../pki/errors.ts";
import { ServerError } from "../server/errors.ts";
import { KeyCheckError } from "../server/key-checks.ts";
import { registerAuditCommands } from "./audit.ts";
import { registerCaCommands } from "./ca.ts";
import { registerDemoCommands } from "./demo.ts";
import { CliError } from "./errors.ts";
import { registerInitCommand } from "./init.ts";
import { chooseLang } from "./messages.ts";
import { registerNpkiCommands } from "./npki/commands.ts";
import { asOperationFailed, OperationFailed } from "./operation-client.ts";
import { consoleOutput } from "./output.ts";
import { registerRaCommands } from "./ra.ts";
import { registerServeCommand } from "./serve.ts";
import { registerTellerCommands } from "./teller.ts";

/** Codes that mean "checked, and the answer is no" rather than "could not check". */
const negativeAnswers = new Set(["vid_mismatch", "bad_signature", "untrusted", "audit_broken"]);

export async function main(argv: string[]): Promise<number> {
  const lang = chooseLang();
  const out = consoleOutput(lang);
  const program = new Command("geumgo")
    .description("Geumgo: internet banking and joint-certificate centre / 금고: 인터넷뱅킹과 공동인증센터")
    .exitOverride()
    .showHelpAfterError();
  registerInitCommand(program, out);
  registerCaCommands(program, out);
  registerAuditCommands(program, out);
  registerNpkiCommands(program, out);
  registerRaCommands(program, out);
  registerServeCommand(program, out);
  registerTellerCommands(program, out);
  registerDemoCommands(program, out);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (caught) {
    // The server's own refusals (a busy data directory, a bad argument) speak from its table.
    const e = caught instanceof ServerError ? asOperationFailed(caught) : caught;
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ConfigError) {
      process.stderr.write(`${out.t("설정 오류", "configuration error")}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof KeyCheckError) {
      // Several lines: one per key that does not fit, then what to do.
      const text = describeKeyMismatch(e.mismatches, e.removedFiles, lang);
      process.stderr.write(`${out.t("키 불일치", "keys do not match the database")}:\n${text}\n`);
      return 2;
    }
    if (e instanceof OperationFailed) {
      // The same words whether the server or this process refused (both come from one table).
      if (e.code === "internal") {
        const id = e.requestId ? ` (request id ${e.requestId})` : "";
        process.stderr.write(`${out.t("내부 오류", "internal error")}: ${e.text[lang]}${id}\n`);
        return 70;
      }
      process.stderr.write(`${out.t("오류", "error")}: ${e.text[lang]}\n`);
      return negativeAnswers.has(e.code) ? 1 : 2;
    }
    const text = describeError(e, lang);
    if (text === undefined) {
      process.stderr.write(
        `${out.t("내부 오류", "internal error")}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      if (process.env.GEUMGO_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : ""}\n`);
      return 70;
    }
    process.stderr.write(`${out.t("오류", "error")}: ${text}\n`);
    const code = e instanceof PkiError || e instanceof CliError || e instanceof CaError ? e.code : "";
    return negativeAnswers.has(code) ? 1 : 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
