// `geumgo ca revoke | hold | release | crl | rotate-ocsp-signer`: the operator's side of revocation.
// Each command is one function over a CaContext and its text arguments, returning plain JSON; the
// commands run it as a named operation (src/server/operations.ts), so it runs in the server when
// one holds the PGlite data directory, and on the database directly otherwise.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { CaContext } from "../ca/context.ts";
import { currentCrl } from "../ca/crl-publisher.ts";
import { CaLifecycleError } from "../ca/errors.ts";
import { rotateOcspSigner } from "../ca/maintenance.ts";
import {
  holdCertificate,
  releaseCertificate,
  revokeCertificate,
  type StatusChange,
} from "../ca/revocation.ts";
import { fromHex, toPem } from "../pki/bytes.ts";
import { type RevocationReason, revocationReasons } from "../pki/crl.ts";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";

/** The operator's text arguments. Who acts (for the audit log) is the caller's to say, not theirs. */
export interface OperatorArgs {
  serial?: string;
  reason?: string;
}

/** A serial as the operator types it: 32 hex digits, colons and spaces allowed (openssl prints them so). */
export function parseSerial(text: string | undefined): Uint8Array {
  const hex = (text ?? "").replace(/[\s:]/g, "").replace(/^0x/i, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new CaLifecycleError("bad_serial", (text ?? "").slice(0, 64));
  return fromHex(hex);
}

function parseReason(text: string | undefined): RevocationReason {
  const r = revocationReasons.find((x) => x.toLowerCase() === (text ?? "").toLowerCase());
  if (!r || r === "certificateHold") throw new CaLifecycleError("bad_reason", (text ?? "").slice(0, 40));
  return r;
}

function changeJson(c: StatusChange) {
  return {
    serial: c.serial,
    previous: c.previous,
    status: c.status,
    ...(c.revokedAt ? { revokedAt: c.revokedAt.toISOString() } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

export type StatusChangeJson = ReturnType<typeof changeJson>;

export async function revokeOperation(ca: CaContext, args: OperatorArgs, actor: string) {
  const change = await revokeCertificate(ca, {
    serial: parseSerial(args.serial),
    reason: parseReason(args.reason),
    actor,
  });
  return changeJson(change);
}

export async function holdOperation(ca: CaContext, args: OperatorArgs, actor: string) {
  return changeJson(await holdCertificate(ca, { serial: parseSerial(args.serial), actor }));
}

export async function releaseOperation(ca: CaContext, args: OperatorArgs, actor: string) {
  return changeJson(await releaseCertificate(ca, { serial: parseSerial(args.serial), actor }));
}

export type CrlJson = Awaited<ReturnType<typeof crlOperation>>;

/**
 * The current CRL (a first one is published if there is none, or a new one if it has expired),
 * as PEM: the answer may travel over HTTP as JSON.
 */
export async function crlOperation(ca: CaContext) {
  const crl = await currentCrl(ca);
  return {
    crlNumber: crl.crlNumber.toString(),
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    entries: crl.entries,
    pem: toPem("X509 CRL", crl.der),
  };
}

export type RotationJson = Awaited<ReturnType<typeof rotateOcspSignerOperation>>;

export async function rotateOcspSignerOperation(ca: CaContext, actor: string) {
  const r = await rotateOcspSigner(ca, { actor });
  return {
    signer: r.signer.fingerprint,
    notAfter: r.signer.notAfter.toISOString(),
    responsesSigned: r.responsesSigned,
  };
}

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
