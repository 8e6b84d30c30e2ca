// Refusals of the teller side (the teller's login and the branch desk; src/auth/teller-errors.ts),
// with their words.
import type { Words } from "./words.ts";

export const tellerErrorCodes = [
  /** Unknown teller ID or wrong password (the same answer for both); details: remaining tries. */
  "teller_bad_credentials",
  /** Five wrong passwords in a row: the teller's login is locked until an administrator opens it. */
  "teller_locked",
  /** A new internet banking user ID is 6–12 letters and digits (DESIGN.md §3). */
  "bad_user_id",
  /** Another member has that user ID (IDs are unique regardless of case). */
  "user_id_taken",
  /** The member is enrolled for internet banking already: reset the password instead. */
  "already_enrolled",
  /** The member is not enrolled for internet banking: enrol first. */
  "not_enrolled",
  /** A member has this resident registration number, under another name: check the ID card. */
  "name_mismatch",
  /** No member of the teller's cooperative has this id (another cooperative's member is the same). */
  "member_not_found",
  /** A teller ID is 4–20 letters and digits. */
  "bad_teller_id",
  /** Another teller has that ID (IDs are unique regardless of case). */
  "teller_id_taken",
  /** No teller with that ID in that cooperative. */
  "teller_not_found",
  /** The cooperative has no branch with that code. */
  "branch_not_found",
  /** Cash needs the teller's drawer open: open it with a count first. */
  "drawer_not_open",
  /** The drawer is open already (it opens once a day). */
  "drawer_already_open",
  /** The drawer was closed today: it takes no more cash until tomorrow, and closes only once. */
  "drawer_closed",
  /** Cash amounts are whole won. */
  "amount_not_whole",
  /** The account belongs to another cooperative: its own branches take its cash. */
  "account_other_cooperative",
  /** Cash goes only to and from members' accounts. */
  "not_member_account",
  /** A withdrawal needs the holder's ID document checked, and which one it was. */
  "id_not_checked",
  /** No receipt of the teller's cooperative has this number. */
  "receipt_not_found",
  /** The receipt was written at another branch of the cooperative: that branch reprints it. */
  "receipt_other_branch",
  /** The receipt is of an earlier day: only today's are reprinted (the account's history shows older postings). */
  "receipt_not_today",
  /** A drawer count is whole won, zero or more, and no more than a drawer can hold. */
  "bad_count",
  // ---- closing an account at the counter (src/branch/close-account.ts) ----
  /** A hold the bank must honour (a certificate fee, or a hold still within its time) is on the account. */
  "account_has_holds",
  /** The balance is below zero (an overdraft in use): it is repaid before the account is closed. */
  "account_overdrawn",
  /** A frozen account pays nothing out, so it cannot be closed. */
  "account_frozen",
  /** The member's last demand account stays while they are enrolled for internet banking. */
  "last_account_internet_banking",
  /** A closing's balance goes only to another account of the same member at the cooperative. */
  "close_target_not_own",
  /** A cash payout above the cooperative's withdrawal-approval amount: moved to an account instead, or withdrawn with a manager's approval first. */
  "closing_needs_approval",
  // ---- transfer limits changed at the counter ----
  /** Limits are whole won, at least 1, and the per-transfer limit is no more than the daily one. */
  "bad_limits",
  /** Above the cooperative's maximum for the medium: no branch can raise a limit past it. */
  "limit_above_maximum",
  /** A limit change needs the member's ID document checked, and which one it was. */
  "limit_id_not_checked",
  /** A limit change records why: a reason of 1–200 characters. */
  "limit_reason_required",
  /** Limits belong to a security medium: the member has none registered. */
  "no_security_medium",
  // ---- member details changed at the counter ----
  /** A change of the member's details needs their ID document checked, and which one it was. */
  "identity_not_checked",
  /** A member's phone is a Korean mobile number (010-1234-5678; 011, 016–019 too): the bank texts it. */
  "bad_phone",
  /** An e-mail address such as name@example.com, up to 100 characters. */
  "bad_email",
  /** An address of 1–200 characters, without control characters. */
  "bad_address",
  /** A real name of 1–50 characters, without control characters. */
  "bad_name",
  /** A name changes only with its document (court permission or 기본증명서) and that document's reference. */
  "name_reason_missing",
  /** Nothing to change: no detail given, or each one the same as the member's now. */
  "details_unchanged",
  // ---- maker-checker (src/branch/approvals.ts) ----
  /** No request of the teller's branch has this id. */
  "approval_not_found",
  /** Only a manager (책임자) approves or rejects a request, or lists those waiting. */
  "approval_not_manager",
  /** The teller who made a request cannot decide it: another manager must. */
  "approval_own_request",
  /** The request was approved or rejected already. */
  "approval_already_decided",
  /** The request waited too long (half an hour, or past the day's end): the teller asks again. */
  "approval_expired",
  /** The withdrawal is paid from the maker's drawer, which is not open any more. */
  "approval_drawer_closed",
  /** The limits or medium a change was judged on changed before it applied (lowered online, a new medium): asked again. */
  "limits_stale",
] as const;

export type TellerErrorCode = (typeof tellerErrorCodes)[number];

export const tellerWords: Record<TellerErrorCode, Words> = {
  teller_bad_credentials: {
    ko: "직원 아이디 또는 비밀번호가 맞지 않아요.",
    en: "The teller ID or password is wrong.",
  },
  teller_locked: {
    ko: "비밀번호를 5번 잘못 입력해 직원 로그인이 제한되었어요. 관리자에게 해제를 요청해 주세요.",
    en: "Five wrong passwords have locked this teller login: ask an administrator to open it.",
  },
  bad_user_id: {
    ko: "이용자 아이디는 영문과 숫자 6~12자예요.",
    en: "A user ID has 6-12 letters and digits.",
  },
  user_id_taken: {
    ko: "이미 쓰이는 이용자 아이디예요. 다른 아이디를 골라 주세요.",
    en: "That user ID is taken: choose another.",
  },
  already_enrolled: {
    ko: "이미 인터넷뱅킹에 가입한 회원이에요(비밀번호를 잊었다면 비밀번호를 재발급해 주세요).",
    en: "The member is enrolled for internet banking already (a forgotten password is reset instead).",
  },
  not_enrolled: {
    ko: "인터넷뱅킹에 가입하지 않은 회원이에요. 먼저 가입을 진행해 주세요.",
    en: "The member is not enrolled for internet banking: enrol first.",
  },
  name_mismatch: {
    ko: "이 주민등록번호로 등록된 회원의 이름이 달라요. 신분증을 다시 확인해 주세요.",
    en: "The member with this resident registration number has another name: check the ID card.",
  },
  member_not_found: { ko: "회원을 찾을 수 없어요.", en: "There is no such member." },
  bad_teller_id: {
    ko: "직원 아이디는 영문과 숫자 4~20자예요.",
    en: "A teller ID has 4-20 letters and digits.",
  },
  teller_id_taken: {
    ko: "이미 쓰이는 직원 아이디예요. 다른 아이디를 골라 주세요.",
    en: "That teller ID is taken: choose another.",
  },
  teller_not_found: {
    ko: "그 금고에 이 아이디의 직원이 없어요.",
    en: "There is no teller with this ID in that cooperative.",
  },
  branch_not_found: {
    ko: "그 금고에 이 코드의 지점이 없어요.",
    en: "The cooperative has no branch with this code.",
  },
  drawer_not_open: {
    ko: "시재가 개시되지 않았어요. 현금을 세어 시재를 먼저 개시해 주세요.",
    en: "The cash drawer is not open: count the cash and open it first.",
  },
  drawer_already_open: {
    ko: "시재가 이미 개시되어 있어요.",
    en: "The cash drawer is open already.",
  },
  drawer_closed: {
    ko: "오늘 시재는 이미 마감되었어요. 마감한 시재로는 현금을 받거나 내줄 수 없어요.",
    en: "Today's cash drawer is closed already: a closed drawer takes and pays no cash.",
  },
  amount_not_whole: {
    ko: "금액은 원 단위 정수로 입력해 주세요.",
    en: "Amounts are whole won.",
  },
  account_other_cooperative: {
    ko: "다른 금고의 계좌예요. 현금 입출금은 그 금고의 창구에서 해 주세요.",
    en: "The account belongs to another cooperative: its own branches handle its cash.",
  },
  not_member_account: {
    ko: "회원 계좌가 아니에요. 현금은 회원의 예금 계좌로만 입출금할 수 있어요.",
    en: "This is not a member's account: cash goes only to and from members' accounts.",
  },
  id_not_checked: {
    ko: "현금 출금은 예금주의 신분증을 확인한 뒤에 할 수 있어요. 확인한 신분증의 종류를 골라 주세요.",
    en: "A cash withdrawal needs the holder's ID checked: choose the ID document you checked.",
  },
  receipt_not_found: { ko: "영수증을 찾을 수 없어요.", en: "There is no such receipt." },
  receipt_other_branch: {
    ko: "다른 영업점에서 발행한 영수증이에요. 영수증은 발행한 영업점에서만 재발행할 수 있어요.",
    en: "This receipt was issued at another branch: only the branch that issued it reprints it.",
  },
  receipt_not_today: {
    ko: "오늘 발행한 영수증만 재발행할 수 있어요. 지난 거래는 계좌의 거래내역으로 확인해 주세요.",
    en: "Only today's receipts can be reprinted: an earlier transaction is in the account's history.",
  },
  bad_count: {
    ko: "시재 금액은 0원 이상의 원 단위 정수로 입력해 주세요.",
    en: "A drawer count is whole won, zero or more.",
  },
  // ---- closing an account at the counter ----
  account_has_holds: {
    ko: "이 계좌에 지급정지(홀드)된 금액이 있어 해지할 수 없어요. 인증서 수수료 등 처리가 끝난 뒤에 해지해 주세요.",
    en: "Money is held on this account (a certificate fee, say): it can be closed once the hold is settled.",
  },
  account_overdrawn: {
    ko: "잔액이 마이너스(대출 사용 중)인 계좌예요. 먼저 상환한 뒤에 해지해 주세요.",
    en: "The balance is below zero (an overdraft in use): repay it before closing the account.",
  },
  account_frozen: {
    ko: "거래정지된 계좌는 지급할 수 없어 해지할 수 없어요.",
    en: "A frozen account pays nothing out, so it cannot be closed.",
  },
  last_account_internet_banking: {
    ko: "인터넷뱅킹에 가입한 회원의 마지막 입출금 계좌예요. 인터넷뱅킹을 먼저 해지해 주세요.",
    en: "This is the last demand account of a member enrolled for internet banking: end internet banking first.",
  },
  close_target_not_own: {
    ko: "해지 잔액은 같은 회원의 우리 금고 다른 계좌로만 옮길 수 있어요.",
    en: "A closing's balance goes only to another account of the same member at this cooperative.",
  },
  bad_limits: {
    ko: "한도는 1원 이상의 원 단위 정수로 입력하고, 1회 한도는 1일 한도보다 클 수 없어요.",
    en: "Limits are whole won, 1 or more, and the per-transfer limit cannot exceed the daily limit.",
  },
  limit_above_maximum: {
    ko: "금고가 정한 최고 한도를 넘어요. 최고 한도 이하로 입력해 주세요.",
    en: "This is above the cooperative's maximum: enter limits no higher than the maximum.",
  },
  limit_id_not_checked: {
    ko: "한도 변경은 회원의 신분증을 확인한 뒤에 할 수 있어요. 확인한 신분증의 종류를 골라 주세요.",
    en: "A limit change needs the member's ID checked: choose the ID document you checked.",
  },
  limit_reason_required: {
    ko: "한도를 바꾸는 사유를 200자 이내로 적어 주세요.",
    en: "Give the reason for the limit change, in 200 characters or fewer.",
  },
  no_security_medium: {
    ko: "등록된 보안매체(OTP·보안카드)가 없어요. 보안매체를 먼저 등록해 주세요.",
    en: "The member has no security medium (OTP or security card): register one first.",
  },
  identity_not_checked: {
    ko: "회원 본인의 신분증을 확인한 뒤에 할 수 있어요. 확인한 신분증의 종류를 골라 표시해 주세요.",
    en: "This needs the member's ID checked first: choose the ID document you checked and tick it.",
  },
  bad_phone: {
    ko: "휴대폰 번호를 010-1234-5678처럼 입력해 주세요. 문자 알림을 받을 수 있는 휴대폰 번호만 등록할 수 있어요.",
    en: "Enter a Korean mobile number, such as 010-1234-5678: only a mobile can receive the bank's text messages.",
  },
  bad_email: {
    ko: "이메일 주소를 name@example.com 형식으로 100자 이내로 입력해 주세요.",
    en: "Enter an e-mail address such as name@example.com, up to 100 characters.",
  },
  bad_address: {
    ko: "주소를 200자 이내로 입력해 주세요.",
    en: "Enter the address, up to 200 characters.",
  },
  bad_name: {
    ko: "이름을 50자 이내로 입력해 주세요.",
    en: "Enter the name, up to 50 characters.",
  },
  name_reason_missing: {
    ko: "이름은 개명 서류(법원의 개명허가 결정문 또는 기본증명서)와 그 번호를 확인한 뒤에만 바꿀 수 있어요.",
    en: "A name changes only with its document (the court's name-change permission or a basic certificate showing it) and its reference.",
  },
  details_unchanged: {
    ko: "바뀐 내용이 없어요. 새 정보를 입력해 주세요.",
    en: "Nothing changes: enter the new details.",
  },
  // ---- maker-checker ----
  approval_not_found: { ko: "승인 요청을 찾을 수 없어요.", en: "There is no such approval request." },
  approval_not_manager: {
    ko: "책임자만 승인 요청을 보고 승인하거나 반려할 수 있어요.",
    en: "Only a manager can see, approve or reject approval requests.",
  },
  approval_own_request: {
    ko: "본인이 올린 요청은 본인이 승인할 수 없어요. 다른 책임자의 승인을 받아 주세요.",
    en: "You cannot decide your own request: another manager must approve it.",
  },
  approval_already_decided: {
    ko: "이미 승인되었거나 반려된 요청이에요.",
    en: "This request has been approved or rejected already.",
  },
  approval_expired: {
    ko: "승인 대기 시간이 지나 요청이 만료되었어요. 창구에서 다시 요청해 주세요.",
    en: "The request waited too long and has expired: the teller asks again.",
  },
  approval_drawer_closed: {
    ko: "요청한 직원의 시재가 열려 있지 않아 지급할 수 없어요. 시재가 열린 뒤 다시 요청하게 해 주세요.",
    en: "The requesting teller's cash drawer is not open, so nothing can be paid: they ask again with an open drawer.",
  },
  limits_stale: {
    ko: "요청한 뒤 회원의 이체한도나 보안매체가 바뀌었어요. 지금 한도를 다시 보고 요청해 주세요(승인 대기 중인 요청은 반려해 주세요).",
    en: "The member's limits or security medium changed since this change was asked: read them again and ask anew (reject a request waiting for approval).",
  },
  closing_needs_approval: {
    ko: "책임자 승인 금액을 넘는 잔액은 해지 때 현금으로 지급할 수 없어요. 다른 계좌로 옮기거나, 책임자 승인을 받아 먼저 출금한 뒤 해지해 주세요.",
    en: "A balance above the manager-approval amount is not paid in cash by a closing: move it to another account, or withdraw it with a manager's approval first.",
  },
};
