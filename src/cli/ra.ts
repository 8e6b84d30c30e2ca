// `geumgo ra …`: the registration authority's operator commands. `ra authorize` is the branch flow:
// after the teller has proven the member's identity, an issuance authorisation (reference number +
// authorisation code, valid 14 days) for the member with that internet banking user ID.
import type { Command } from "commander";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";

interface Authorization {
  referenceNumber: string;
  authorizationCode: string;
  expiresAt: string;
}

export function registerRaCommands(program: Command, out: Output): void {
  const ra = program.command("ra").description("the registration authority / 등록기관 운영");
  ra.command("authorize")
    .description(
      "authorise a certificate issuance for a member (branch flow): reference number + authorisation code",
    )
    .requiredOption("--user <id>", "the member's internet banking user ID")
    .requiredOption("--purpose <purpose>", "bank | universal")
    .option(
      "--reissue <why>",
      "reissue the member's live certificate: lost (revoked now, keyCompromise) | damaged | forgotten (superseded when the new one is confirmed)",
    )
    .option("--json", "machine-readable output")
    .action(async (opts: { user: string; purpose: string; reissue?: string; json?: boolean }) => {
      const a = (await runOperation(
        "ra.authorize",
        { user: opts.user, purpose: opts.purpose, ...(opts.reissue ? { reissue: opts.reissue } : {}) },
        out,
      )) as Authorization;
      const result: Authorization = {
        referenceNumber: a.referenceNumber,
        authorizationCode: a.authorizationCode,
        expiresAt: a.expiresAt,
      };
      if (opts.json) {
        out.json(result);
        return;
      }
      out.line(out.t("인증서 발급을 인가했습니다", "certificate issuance authorised"));
      out.line(`  ${out.t("참조번호", "reference number")}: ${result.referenceNumber}`);
      out.line(`  ${out.t("인가코드", "authorisation code")}: ${result.authorizationCode}`);
      out.line(`  ${out.t("유효기한", "valid until")}: ${result.expiresAt}`);
      out.line(
        out.t(
          "회원에게만 전달하세요. 인가코드는 한 번만 쓸 수 있고 다시 보여 드릴 수 없습니다.",
          "hand these to the member only; the code works once and cannot be shown again.",
        ),
      );
    });
}
