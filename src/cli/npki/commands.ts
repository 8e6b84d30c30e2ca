// `geumgo npki …`: the NPKI toolkit for people and scripts. Each action reads its inputs, calls
// src/pki, and prints a human report or, with --json, one JSON document.

import { join } from "node:path";
import type { Command } from "commander";
import { fromPem, toPem } from "../../pki/bytes.ts";
import { daysLeft, parseCertificate, readCertificateSummary } from "../../pki/certificate.ts";
import { certificateMatchesKey, signCms, verifyCms } from "../../pki/cms.ts";
import { PkiError } from "../../pki/errors.ts";
import { changeKeyFilePassword, decryptKeyFile, encryptKeyFile, parseKeyFile } from "../../pki/key-file.ts";
import { assertCertificatePassword } from "../../pki/password-rules.ts";
import { describePbeScheme, isPbeSchemeOutdated } from "../../pki/pbe.ts";
import { readPkcs12 } from "../../pki/pkcs12.ts";
import { writePkcs12 } from "../../pki/pkcs12-write.ts";
import { getRandomNum, importSigningKey } from "../../pki/private-key.ts";
import { verifyVid } from "../../pki/vid.ts";
import { CliError } from "../errors.ts";
import { readInput, readSecretFile, replaceFile, secretFrom, writeOutput } from "../io.ts";
import type { Output } from "../output.ts";
import {
  defaultNpkiRoots,
  findNpkiFolders,
  keyFileName,
  npkiFolderFor,
  readNpkiFolder,
  readNpkiFolderWithKey,
  writeNpkiFolder,
} from "./folder.ts";

interface PasswordOpts {
  passwordFile?: string;
}

const passwordPrompt = "인증서 암호 / certificate password: ";

function summaryJson(der: Uint8Array, now: Date) {
  const s = readCertificateSummary(der);
  return {
    ...s,
    notBefore: s.notBefore.toISOString(),
    notAfter: s.notAfter.toISOString(),
    daysLeft: daysLeft(s.notAfter, now),
  };
}

function purposeText(p: string | undefined, out: Output): string {
  if (p === "bank") return out.t("은행·보험용", "bank/insurance use");
  if (p === "universal") return out.t("범용", "universal use");
  return out.t("알 수 없음", "unknown");
}

export function registerNpkiCommands(program: Command, out: Output): void {
  const npki = program
    .command("npki")
    .description("NPKI certificate files (signCert.der + signPri.key) / 공동인증서 파일 도구");

  npki
    .command("list")
    .argument("[dirs...]", "folders to search (default: the usual NPKI places)")
    .description("list NPKI certificates found under the given folders or the usual places")
    .option("--json", "machine-readable output")
    .action(async (dirs: string[], opts: { json?: boolean }) => {
      const roots = dirs.length > 0 ? dirs : await defaultNpkiRoots();
      const now = new Date();
      const found = [];
      for (const dir of await findNpkiFolders(roots)) {
        const files = await readNpkiFolder(dir);
        try {
          found.push({
            path: dir,
            hasKey: files.keyFile !== undefined,
            ...summaryJson(files.certificate, now),
          });
        } catch (e) {
          if (!(e instanceof PkiError)) throw e;
          found.push({ path: dir, error: e.code });
        }
      }
      if (opts.json) return out.json({ roots, certificates: found });
      if (found.length === 0)
        return out.line(
          out.t("인증서를 찾지 못했습니다", "no certificates found"),
          `(${roots.join(", ") || "-"})`,
        );
      for (const c of found) {
        if ("error" in c) {
          out.line(`${c.path}\n  ${out.t("읽을 수 없음", "unreadable")}: ${c.error}`);
          continue;
        }
        const state =
          c.daysLeft < 0
            ? out.t("만료", "expired")
            : out.t(`${c.daysLeft}일 남음`, `${c.daysLeft} days left`);
        out.line(
          `${c.path}\n  ${c.commonName ?? c.subject} · ${c.issuerOrganization ?? c.issuer} · ${purposeText(c.purpose, out)} · ${c.notAfter.slice(0, 10)} (${state})`,
        );
      }
    });

  npki
    .command("inspect")
    .argument("<path>", "a certificate folder, signCert.der or signPri.key")
    .description("show a certificate and its key file's protection")
    .option("--json", "machine-readable output")
    .action(async (path: string, opts: { json?: boolean }) => {
      const files = await readNpkiFolder(path);
      const cert = summaryJson(files.certificate, new Date());
      const key = files.keyFile ? parseKeyFile(files.keyFile).scheme : undefined;
      const keyInfo = key && {
        scheme: describePbeScheme(key),
        kind: key.kind,
        iterations: key.iterations,
        outdated: isPbeSchemeOutdated(key),
      };
      if (opts.json) return out.json({ path: files.dir, certificate: cert, keyFile: keyInfo ?? null });
      const rows: [string, string][] = [
        [out.t("주체", "subject"), cert.subject],
        [out.t("발급자", "issuer"), cert.issuer],
        [out.t("일련번호", "serial"), cert.serialNumber],
        [out.t("유효기간", "valid"), `${cert.notBefore} … ${cert.notAfter}`],
        [
          out.t("남은 기간", "days left"),
          cert.daysLeft < 0 ? out.t("만료됨", "expired") : String(cert.daysLeft),
        ],
        [
          out.t("용도", "purpose"),
          `${purposeText(cert.purpose, out)} (${cert.policyOids.join(", ") || "-"})`,
        ],
        [out.t("키", "key"), cert.keyType],
        [
          "VID",
          cert.hasVid
            ? out.t(`있음 (${cert.realName})`, `present (${cert.realName})`)
            : out.t("없음", "none"),
        ],
      ];
      if (keyInfo) {
        const note = keyInfo.outdated
          ? out.t(
              " — 오래된 방식: 암호를 바꾸면 새 방식으로 저장됩니다",
              " — outdated: changing the password re-encrypts it in the current form",
            )
          : "";
        rows.push([out.t("개인키 보호", "key protection"), `${keyInfo.scheme}${note}`]);
      } else {
        rows.push([out.t("개인키", "private key"), out.t("없음", "none")]);
      }
      for (const [k, v] of rows) out.line(`${k.padEnd(14)} ${v}`);
    });

  npki
    .command("decrypt")
    .argument("<key>", "signPri.key (or its folder)")
    .description("write the unencrypted PKCS#8 private key as PEM (attributes kept)")
    .option("--password-file <file>", "certificate password (first line of the file)")
    .requiredOption("--out <file>", "where to write the PEM")
    .option("--force", "overwrite --out if it exists")
    .action(async (path: string, opts: PasswordOpts & { out: string; force?: boolean }) => {
      const files = await readNpkiFolderOrKey(path);
      const password = await secretFrom(opts.passwordFile, passwordPrompt);
      const { pkcs8 } = await decryptKeyFile(files, password);
      await writeOutput(opts.out, toPem("PRIVATE KEY", pkcs8), opts.force);
      out.line(out.t(`개인키를 저장했습니다: ${opts.out}`, `private key written to ${opts.out}`));
    });

  npki
    .command("export-pfx")
    .argument("<dir>", "certificate folder")
    .description("export a certificate and its key as PKCS#12 (.pfx)")
    .option(
      "--password-file <file>",
      "certificate password; also the PFX password unless --pfx-password-file",
    )
    .option("--pfx-password-file <file>", "a different password for the PFX")
    .requiredOption("--out <file>", "the .pfx to write")
    .option("--force", "overwrite --out if it exists")
    .action(
      async (
        dir: string,
        opts: PasswordOpts & { pfxPasswordFile?: string; out: string; force?: boolean },
      ) => {
        const files = await readNpkiFolderWithKey(dir);
        const password = await secretFrom(opts.passwordFile, passwordPrompt);
        const { pkcs8 } = await decryptKeyFile(files.keyFile, password);
        await assertKeyMatches(files.certificate, pkcs8);
        const pfxPassword = opts.pfxPasswordFile ? await readSecretFile(opts.pfxPasswordFile) : password;
        const pfx = await writePkcs12({ privateKey: pkcs8, certificates: [files.certificate] }, pfxPassword);
        await writeOutput(opts.out, pfx, opts.force);
        out.line(out.t(`PFX를 저장했습니다: ${opts.out}`, `PFX written to ${opts.out}`));
      },
    );

  npki
    .command("import-pfx")
    .argument("<pfx>", "the .pfx or .p12 file")
    .description("write a PKCS#12 file's certificate and key in the NPKI folder layout")
    .option(
      "--password-file <file>",
      "PFX password; also the new certificate password unless --new-password-file",
    )
    .option("--new-password-file <file>", "certificate password for the key file written")
    .requiredOption("--out <dir>", "base folder: NPKI/<CA>/USER/<subject>/ is made under it")
    .option("--force", "overwrite an existing certificate folder")
    .action(
      async (
        pfxPath: string,
        opts: PasswordOpts & { newPasswordFile?: string; out: string; force?: boolean },
      ) => {
        const pfx = await readInput(pfxPath);
        const password = await secretFrom(opts.passwordFile, "PFX 암호 / PFX password: ");
        const contents = await readPkcs12(pfx, password);
        const certificate = contents.certificates[0];
        if (!certificate) throw new CliError("pkcs12_without_key", pfxPath);
        await assertKeyMatches(certificate, contents.privateKey);
        const newPassword = opts.newPasswordFile ? await readSecretFile(opts.newPasswordFile) : password;
        assertCertificatePassword(newPassword);
        const keyFile = await encryptKeyFile(contents.privateKey, newPassword);
        const dir = npkiFolderFor(opts.out, certificate);
        await writeNpkiFolder(dir, { certificate, keyFile }, opts.force ?? false);
        out.line(out.t(`인증서를 저장했습니다: ${dir}`, `certificate written to ${dir}`));
        if (!getRandomNum(contents.privateKey)) {
          out.warn(
            out.t(
              "이 개인키에는 본인확인용 난수(R)가 없어 VID 확인에 쓸 수 없습니다",
              "this key carries no randomNum (R): it cannot prove a VID",
            ),
          );
        }
      },
    );

  npki
    .command("passwd")
    .argument("<dir>", "certificate folder")
    .description("change the certificate password (R kept; the key file is rewritten in the current form)")
    .option("--password-file <file>", "current certificate password")
    .option("--new-password-file <file>", "new certificate password")
    .action(async (dir: string, opts: PasswordOpts & { newPasswordFile?: string }) => {
      const files = await readNpkiFolderWithKey(dir);
      const password = await secretFrom(opts.passwordFile, passwordPrompt);
      const newPassword = await secretFrom(
        opts.newPasswordFile,
        "새 인증서 암호 / new certificate password: ",
      );
      assertCertificatePassword(newPassword);
      const keyFile = await changeKeyFilePassword(files.keyFile, password, newPassword);
      await replaceFile(join(files.dir, keyFileName), keyFile);
      out.line(out.t("인증서 암호를 바꿨습니다", "certificate password changed"));
    });

  npki
    .command("check-vid")
    .argument("<dir>", "certificate folder")
    .description(
      "check the certificate's VID against a resident registration number (exit 0 match, 1 no match)",
    )
    .option("--password-file <file>", "certificate password (R is inside the key file)")
    .requiredOption("--rrn-file <file>", "file holding the resident registration number")
    .option("--json", "machine-readable output")
    .action(async (dir: string, opts: PasswordOpts & { rrnFile: string; json?: boolean }) => {
      const files = await readNpkiFolderWithKey(dir);
      const password = await secretFrom(opts.passwordFile, passwordPrompt);
      const rrn = await readSecretFile(opts.rrnFile);
      const { pkcs8 } = await decryptKeyFile(files.keyFile, password);
      const random = getRandomNum(pkcs8);
      if (!random) throw new PkiError("missing_random", "no R in the key file");
      const match = await verifyVid({ certificate: files.certificate, rrn, random });
      if (opts.json) out.json({ match });
      else if (match)
        out.line(
          out.t(
            "주민등록번호가 인증서의 VID와 일치합니다",
            "the resident registration number matches the certificate's VID",
          ),
        );
      if (!match) throw new PkiError("vid_mismatch", "VID mismatch");
    });

  npki
    .command("sign")
    .argument("<dir>", "certificate folder")
    .description("sign a file as CMS SignedData (detached unless --attached)")
    .option("--password-file <file>", "certificate password")
    .requiredOption("--in <file>", "the file to sign")
    .requiredOption("--out <file>", "the signature (DER, or PEM with --pem)")
    .option("--attached", "carry the content inside the signature")
    .option("--pem", "write PEM (-----BEGIN CMS-----) instead of DER")
    .option("--force", "overwrite --out if it exists")
    .action(
      async (
        dir: string,
        opts: PasswordOpts & { in: string; out: string; attached?: boolean; pem?: boolean; force?: boolean },
      ) => {
        const files = await readNpkiFolderWithKey(dir);
        const content = await readInput(opts.in);
        const password = await secretFrom(opts.passwordFile, passwordPrompt);
        const { pkcs8 } = await decryptKeyFile(files.keyFile, password);
        const privateKey = await assertKeyMatches(files.certificate, pkcs8);
        const signature = await signCms({
          content,
          certificate: files.certificate,
          privateKey,
          detached: !opts.attached,
        });
        await writeOutput(opts.out, opts.pem ? toPem("CMS", signature) : signature, opts.force);
        out.line(out.t(`서명을 저장했습니다: ${opts.out}`, `signature written to ${opts.out}`));
      },
    );

  npki
    .command("verify")
    .description("verify a CMS signature (exit 0 valid, 1 invalid)")
    .requiredOption("--in <file>", "the signature (DER or PEM)")
    .option("--content <file>", "the signed file, for a detached signature")
    .option("--out <file>", "write the signed content of an attached signature here")
    .option("--ca <file>", "PEM certificates the signer's certificate must be issued by")
    .option("--force", "overwrite --out if it exists")
    .option("--json", "machine-readable output")
    .action(
      async (opts: {
        in: string;
        content?: string;
        out?: string;
        ca?: string;
        force?: boolean;
        json?: boolean;
      }) => {
        const raw = await readInput(opts.in);
        const pem =
          fromPem(new TextDecoder().decode(raw), "CMS")[0] ??
          fromPem(new TextDecoder().decode(raw), "PKCS7")[0];
        const signature = pem ?? raw;
        const content = opts.content ? await readInput(opts.content) : undefined;
        const result = await verifyCms({ signature, ...(content ? { content } : {}) });
        if (opts.ca) await assertIssuedBy(result.signer, await readInput(opts.ca));
        if (opts.out) await writeOutput(opts.out, result.content, opts.force);
        const signer = readCertificateSummary(result.signer);
        if (opts.json) {
          out.json({
            valid: true,
            signer: signer.subject,
            serialNumber: signer.serialNumber,
            signingTime: result.signingTime?.toISOString() ?? null,
          });
        } else {
          out.line(
            out.t(
              `서명이 올바릅니다 — 서명자: ${signer.subject}`,
              `signature valid — signer: ${signer.subject}`,
            ),
          );
        }
      },
    );
}

async function readNpkiFolderOrKey(path: string): Promise<Uint8Array> {
  if (path.endsWith(".key")) return readInput(path);
  return (await readNpkiFolderWithKey(path)).keyFile;
}

/** Imports the key and proves it belongs to the certificate; a mismatched pair is an error. */
async function assertKeyMatches(certificate: Uint8Array, pkcs8: Uint8Array): Promise<CryptoKey> {
  const key = await importSigningKey(pkcs8);
  if (!(await certificateMatchesKey(certificate, key))) {
    throw new PkiError("key_mismatch", "the private key does not belong to the certificate");
  }
  return key;
}

async function assertIssuedBy(signer: Uint8Array, caPem: Uint8Array): Promise<void> {
  const cert = parseCertificate(signer);
  const cas = fromPem(new TextDecoder().decode(caPem), "CERTIFICATE").map((der) => parseCertificate(der));
  for (const ca of cas) {
    if (ca.subject === cert.issuer && (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })))
      return;
  }
  throw new PkiError("untrusted", "the signer's certificate is not issued by a certificate in the CA file");
}
