// The bank's business rejections (src/bank), each named for the rule that failed, with their words.
import type { Words } from "./words.ts";

export const bankErrorCodes = [
  "amount_must_be_positive",
  "amount_too_large",
  "account_not_found",
  "account_not_active",
  "account_closed",
  "same_account",
  "not_account_owner",
  "insufficient_funds",
  "exceeds_transfer_limit",
  "exceeds_daily_limit",
  "idempotency_key_reused",
  "memo_too_long",
  "bad_date_range",
  "pin_wrong",
  "pin_locked",
  "hold_not_found",
  "hold_not_active",
  "member_not_found",
  "member_exists",
  "cooperative_not_found",
  "branch_not_found",
  "bad_account_number",
  "bad_rrn",
  "limit_raise_needs_branch",
  "medium_locked",
  "medium_wrong",
  "medium_not_registered",
  "otp_reused",
  "transfer_in_progress",
  "cash_insufficient",
] as const;

export type BankErrorCode = (typeof bankErrorCodes)[number];

export const bankWords: Record<BankErrorCode, Words> = {
  amount_must_be_positive: { ko: "금액은 1원 이상이어야 해요.", en: "The amount must be at least 1 won." },
  amount_too_large: { ko: "금액이 너무 커요.", en: "The amount is too large." },
  account_not_found: { ko: "계좌를 찾을 수 없어요.", en: "There is no such account." },
  account_not_active: {
    ko: "거래할 수 없는 계좌예요(휴면·거래정지).",
    en: "The account cannot be used (dormant or frozen).",
  },
  account_closed: { ko: "해지된 계좌예요.", en: "The account is closed." },
  same_account: { ko: "같은 계좌로는 이체할 수 없어요.", en: "You cannot transfer to the same account." },
  not_account_owner: { ko: "본인 계좌가 아니에요.", en: "The account is not yours." },
  insufficient_funds: { ko: "잔액이 부족해요.", en: "The balance is not enough." },
  exceeds_transfer_limit: {
    ko: "1회 이체한도를 넘었어요.",
    en: "The amount exceeds the per-transfer limit.",
  },
  exceeds_daily_limit: { ko: "1일 이체한도를 넘었어요.", en: "The amount exceeds the daily limit." },
  idempotency_key_reused: {
    ko: "같은 요청 번호로 다른 이체를 보낼 수 없어요.",
    en: "This request key was used for a different transfer.",
  },
  memo_too_long: {
    ko: "통장 표시 내용은 20자까지 쓸 수 있어요.",
    en: "A statement memo has at most 20 characters.",
  },
  bad_date_range: { ko: "조회 기간이 올바르지 않아요.", en: "The date range is not valid." },
  pin_wrong: { ko: "계좌 비밀번호가 맞지 않아요.", en: "The account PIN is wrong." },
  pin_locked: {
    ko: "계좌 비밀번호를 5번 잘못 입력했어요. 통장과 신분증을 가지고 영업점에 방문해 주세요.",
    en: "Five wrong account PINs: visit a branch with your passbook and ID card.",
  },
  hold_not_found: { ko: "지급정지 내역을 찾을 수 없어요.", en: "There is no such hold." },
  hold_not_active: { ko: "이미 처리된 지급정지예요.", en: "The hold is settled already." },
  member_not_found: { ko: "회원을 찾을 수 없어요.", en: "There is no such member." },
  member_exists: { ko: "이미 등록된 회원이에요.", en: "The member exists already." },
  cooperative_not_found: { ko: "금고를 찾을 수 없어요.", en: "There is no such cooperative." },
  branch_not_found: { ko: "지점을 찾을 수 없어요.", en: "There is no such branch." },
  bad_account_number: {
    ko: "계좌번호가 올바르지 않아요(13자리, 검증번호를 확인해 주세요).",
    en: "This is not a valid account number (13 digits with a check digit).",
  },
  bad_rrn: { ko: "주민등록번호는 숫자 13자리예요.", en: "A resident registration number has 13 digits." },
  limit_raise_needs_branch: {
    ko: "이체한도 증액은 영업점에서 신청해 주세요.",
    en: "A transfer limit is raised at a branch.",
  },
  medium_locked: {
    ko: "보안매체 번호를 5번 잘못 입력해 이체가 제한되었어요.",
    en: "Five wrong security codes: transfers are locked.",
  },
  medium_wrong: { ko: "보안매체 번호가 맞지 않아요.", en: "The security code is wrong." },
  medium_not_registered: { ko: "등록된 보안매체가 없어요.", en: "No security medium is registered." },
  otp_reused: {
    ko: "이 번호는 방금 사용했어요. 다음 번호가 나오면 입력해 주세요.",
    en: "This code was just used; wait for the next one.",
  },
  transfer_in_progress: {
    ko: "같은 이체를 처리하고 있어요. 잠시 후 거래내역에서 결과를 확인해 주세요.",
    en: "This transfer is already being processed. Check the result in your history in a moment.",
  },
  cash_insufficient: {
    ko: "창구 시재가 부족해요. 시재를 채운 뒤 다시 해 주세요.",
    en: "The teller's drawer does not hold that much cash: refill it first.",
  },
};
