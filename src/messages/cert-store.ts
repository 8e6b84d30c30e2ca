// The refusals of the browser's certificate stores and signer (web/src/certcenter), with their
// words: what a member meets when saving or opening a certificate in this browser, a folder, a .zip
// or a .pfx.
import type { Words } from "./words.ts";

export const certStoreErrorCodes = [
  /** IndexedDB (or the folder API) is not there: a private window, or storage switched off. */
  "store_unavailable",
  /** The browser's storage quota is used up (QuotaExceededError). */
  "store_full",
  /** A stored record is not a certificate and key file (changed by hand, or damaged). */
  "store_damaged",
  /** No certificate is kept under that id. */
  "not_found",
  /** The member (or the browser) refused access to the folder. */
  "folder_denied",
  /** A .zip entry's path leaves its folder, is absolute, or is a symbolic link. */
  "archive_unsafe_path",
  /** A .zip asks for more entries, bytes or compression than an NPKI folder ever needs (a zip bomb). */
  "archive_too_large",
  /** The file is not a .zip we can read (damaged, encrypted, or an unsupported compression). */
  "archive_malformed",
  /** The .zip or .pfx holds no certificate with its key. */
  "archive_empty",
  /** The signer was asked to sign twice; each opening signs once. */
  "signer_used",
  /** A .pfx was opened where certificates are listed; its password must open it first. */
  "pfx_not_listed",
] as const;

export type CertStoreErrorCode = (typeof certStoreErrorCodes)[number];

export const certStoreWords: Record<CertStoreErrorCode, Words> = {
  store_unavailable: {
    ko: "이 브라우저에는 인증서를 저장할 수 없어요(사생활 보호 창이거나 저장소가 꺼져 있어요). 하드디스크·USB에 저장해 주세요.",
    en: "This browser cannot keep certificates (a private window, or storage is switched off): save it to a disk or USB memory instead.",
  },
  store_full: {
    ko: "브라우저 저장 공간이 가득 찼어요. 사용하지 않는 사이트 데이터를 지우거나 하드디스크·USB에 저장해 주세요.",
    en: "The browser's storage is full: clear data of sites you no longer use, or save to a disk or USB memory instead.",
  },
  store_damaged: {
    ko: "저장된 인증서가 손상되었어요. 백업본을 쓰거나 인증서를 재발급해 주세요.",
    en: "The stored certificate is damaged: use a backup copy or reissue the certificate.",
  },
  not_found: { ko: "그 인증서가 저장되어 있지 않아요.", en: "That certificate is not stored here." },
  folder_denied: {
    ko: "폴더에 접근할 권한이 없어요. 폴더를 다시 선택하고 허용해 주세요.",
    en: "Access to the folder was not allowed: choose the folder again and allow access.",
  },
  archive_unsafe_path: {
    ko: "압축 파일 안의 경로가 안전하지 않아 열지 않았어요(폴더 밖을 가리키거나 링크예요).",
    en: "The archive was not opened: a path in it leaves its folder, is absolute, or is a link.",
  },
  archive_too_large: {
    ko: "압축 파일이 인증서 폴더라고 보기에는 너무 크거나 항목이 너무 많아 열지 않았어요.",
    en: "The archive was not opened: it is far larger, or holds far more entries, than a certificate folder.",
  },
  archive_malformed: {
    ko: "압축 파일이 손상되었거나 읽을 수 없는 형식이에요.",
    en: "The archive is damaged or in a form we cannot read.",
  },
  archive_empty: {
    ko: "파일 안에 인증서와 개인키가 없어요.",
    en: "The file holds no certificate with its private key.",
  },
  signer_used: {
    ko: "인증서 암호를 다시 입력해 주세요. 한 번 입력으로 한 번만 서명해요.",
    en: "Enter the certificate password again: each entry signs once.",
  },
  pfx_not_listed: {
    ko: ".pfx 파일은 목록에서 열 수 없어요. NPKI 폴더나 .zip 파일을 선택해 주세요.",
    en: "A .pfx file cannot be listed here: choose an NPKI folder or a .zip file.",
  },
};
