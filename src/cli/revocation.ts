// `geumgo ca revoke | hold | release | crl | rotate-ocsp-signer`: the operator's side of revocation.
// Each command runs its operation (src/server/ca-operations.ts) by name, so it runs in the server
// when one holds the PGlite data directory, and on the database directly otherwise.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { revocationReasons } from "../pki/crl.ts";
import type { CrlJson, RotationJson, StatusChangeJson } from "../server/ca-operations.ts";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";

function printChange(out: Output, json: boolean | undefined, c: StatusChangeJson): void {
  if (json) {
    out.json(c);
    return;
  }
  const words: Record<string, [string, string]> = {
    revoked: ["폐지했습니다", "revoked"],
    hold: ["효력을 정지했습니다", "suspended (on hold)"],
    valid: ["효력정지를 해제했습니다", "released from hold"],
  };
  const [ko, en] = words[c.status]!;
  out.line(
    out.t(`인증서 ${c.serial}: ${ko}`, `certificate ${c.serial}: ${en}`),
    c.reason ? `(${c.reason})` : "",
  );
}

export function registerRevocationCommands(ca: Command, out: Output): void {
  ca.command("revoke")
    .description(
      `revoke a certificate; reasons: ${revocationReasons.filter((r) => r !== "certificateHold").join(", ")}`,
    )
    .requiredOption("--serial <hex>", "the certificate's serial number, 32 hex digits")
    .requiredOption("--reason <reason>", "RFC 5280 reason, e.g. keyCompromise, superseded")
    .option("--json", "machine-readable output")
    .action(async (opts: { serial: string; reason: string; json?: boolean }) => {
      const c = await runOperation("ca.revoke", { serial: opts.serial, reason: opts.reason }, out);
      printChange(out, opts.json, c as StatusChangeJson);
    });
  ca.command("hold")
    .description("suspend a certificate (효력정지); revoked automatically after 6 months on hold")
    .requiredOption("--serial <hex>", "the certificate's serial number, 32 hex digits")
    .option("--json", "machine-readable output")
    .action(async (opts: { serial: string; json?: boolean }) => {
      const c = await runOperation("ca.hold", { serial: opts.serial }, out);
      printChange(out, opts.json, c as StatusChangeJson);
    });
  ca.command("release")
    .description("release a suspended certificate (효력정지 해제)")
    .requiredOption("--serial <hex>", "the certificate's serial number, 32 hex digits")
    .option("--json", "machine-readable output")
    .action(async (opts: { serial: string; json?: boolean }) => {
      const c = await runOperation("ca.release", { serial: opts.serial }, out);
      printChange(out, opts.json, c as StatusChangeJson);
    });
  ca.command("crl")
    .description("the current CRL: PEM on stdout, or DER to --out")
    .option("--out <file>", "write the CRL as DER to this file")
    .option("--json", "machine-readable output")
    .action(async (opts: { out?: string; json?: boolean }) => {
      const crl = (await runOperation("ca.crl", {}, out)) as CrlJson;
      if (opts.out) {
        const der = Buffer.from(crl.pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
        writeFileSync(opts.out, der);
      }
      if (opts.json) {
        out.json({ ...crl, ...(opts.out ? { out: opts.out, pem: undefined } : {}) });
        return;
      }
      if (!opts.out) {
        process.stdout.write(crl.pem);
        return;
      }
      out.line(
        out.t(
          `CRL 번호 ${crl.crlNumber}, 폐지·정지 ${crl.entries}건, 다음 갱신 ${crl.nextUpdate}: ${opts.out}`,
          `CRL number ${crl.crlNumber}, ${crl.entries} entries, next update ${crl.nextUpdate}: ${opts.out}`,
        ),
      );
    });
  ca.command("rotate-ocsp-signer")
    .description("replace the delegated OCSP signer now and re-sign every OCSP response")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const r = (await runOperation("ca.rotate-ocsp-signer", {}, out)) as RotationJson;
      if (opts.json) {
        out.json(r);
        return;
      }
      out.line(
        out.t(
          `새 OCSP 서명 인증서 SHA-256 ${r.signer} (${r.notAfter}까지), 응답 ${r.responsesSigned}건 재서명`,
          `new OCSP signer SHA-256 ${r.signer} (until ${r.notAfter}), ${r.responsesSigned} responses re-signed`,
        ),
      );
    });
}
