// The command line's own refusals (files, usage), with their words; src/cli/errors.ts throws them.
import type { Words } from "./words.ts";

export const cliErrorCodes = [
  "file_not_found",
  "file_exists",
  "not_npki_folder",
  "password_required",
  "passwords_differ",
  "pkcs12_without_key",
  "usage",
  "audit_broken",
  "transfer_id_invalid",
] as const;

export type CliErrorCode = (typeof cliErrorCodes)[number];

export const cliWords: Record<CliErrorCode, Words> = {
  file_not_found: { ko: "파일이나 폴더를 찾을 수 없어요.", en: "There is no such file or folder." },
  file_exists: {
    ko: "파일이 이미 있어요(덮어쓰려면 --force를 붙여 주세요).",
    en: "The file exists already (add --force to overwrite it).",
  },
  not_npki_folder: {
    ko: "NPKI 인증서 폴더가 아니에요(signCert.der와 signPri.key가 있어야 해요).",
    en: "This is not an NPKI certificate folder (signCert.der and signPri.key are needed).",
  },
  password_required: {
    ko: "암호가 필요해요. --password-file로 주거나 터미널에서 입력해 주세요.",
    en: "A password is needed: give --password-file, or run at a terminal to type it.",
  },
  passwords_differ: { ko: "두 번 입력한 비밀번호가 달라요.", en: "The two passwords typed differ." },
  pkcs12_without_key: { ko: "PFX 파일에 개인키가 없어요.", en: "The PFX file holds no private key." },
  usage: { ko: "명령 사용법이 올바르지 않아요.", en: "The command is not used right." },
  audit_broken: {
    ko: "감사 기록의 해시 체인이 끊어졌어요(바뀌거나 지워진 기록이 있어요).",
    en: "The audit log's hash chain is broken (an entry was changed or removed).",
  },
  transfer_id_invalid: {
    ko: "이체 번호는 1부터 9223372036854775807까지의 숫자여야 해요.",
    en: "A transfer id is a number from 1 to 9223372036854775807.",
  },
};
