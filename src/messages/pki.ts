// Words for the PKI library's refusals. The codes stay in src/pki/errors.ts, because src/pki imports
// nothing of ours; this table takes their type only.
import type { PkiErrorCode } from "../pki/errors.ts";
import type { Words } from "./words.ts";

export const pkiWords: Record<PkiErrorCode, Words> = {
  malformed: {
    ko: "파일이 손상되었거나 올바른 형식이 아니에요.",
    en: "The file is damaged or not in the expected format.",
  },
  unsupported_algorithm: { ko: "지원하지 않는 알고리즘이에요.", en: "The algorithm is not supported." },
  bad_password: { ko: "인증서 암호가 맞지 않아요.", en: "The certificate password is wrong." },
  bad_parameters: {
    ko: "암호화 매개변수가 허용 범위를 벗어났어요.",
    en: "An encryption parameter is out of bounds.",
  },
  missing_random: {
    ko: "개인키에 본인확인용 난수(R)가 없어 VID를 확인할 수 없어요.",
    en: "The private key carries no randomNum (R), so the VID cannot be checked.",
  },
  missing_vid: { ko: "인증서에 VID(식별번호 확인정보)가 없어요.", en: "The certificate carries no VID." },
  vid_mismatch: {
    ko: "주민등록번호가 인증서의 VID와 일치하지 않아요.",
    en: "The resident registration number does not match the certificate's VID.",
  },
  bad_rrn: { ko: "주민등록번호는 숫자 13자리예요.", en: "A resident registration number has 13 digits." },
  weak_password: {
    ko: "인증서 암호는 영문·숫자·특수문자를 넣어 10자 이상으로 정해 주세요. ' \" \\ | 문자, 같은 문자 3번 반복, 연속된 문자 3개는 쓸 수 없어요.",
    en: "A certificate password needs 10+ characters with letters, digits and symbols, no ' \" \\ |, and no 3 repeated or sequential characters.",
  },
  key_mismatch: {
    ko: "개인키가 인증서와 짝이 맞지 않아요.",
    en: "The private key does not belong to the certificate.",
  },
  bad_signature: { ko: "서명이 올바르지 않아요.", en: "The signature does not verify." },
  untrusted: {
    ko: "서명한 인증서가 신뢰하는 인증기관에서 발급되지 않았어요.",
    en: "The signer's certificate is not issued by a trusted CA.",
  },
  cmp_refused: { ko: "인증기관이 요청을 거절했어요.", en: "The CA refused the request." },
  several_keys: {
    ko: "이 .pfx 파일에는 개인키가 여러 개 있어요. 인증서 하나만 담긴 파일로 다시 내보내 주세요.",
    en: "This .pfx file holds more than one private key: export the one certificate you need on its own.",
  },
  bad_transfer_form: {
    ko: "서명할 이체 내용의 형식이 올바르지 않아요.",
    en: "The transfer to be signed is not in its canonical form.",
  },
};
