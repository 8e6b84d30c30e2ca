// What the teller console shows of a member: their details, accounts, internet banking enrolment
// and security medium, read in the caller's transaction.
import { enrolmentDeadline } from "../auth/business-days.ts";
import { loginFailuresMax } from "../auth/login.ts";
import { formatAccountNumber } from "../bank/account-number.ts";
import { type Account, listMemberAccounts } from "../bank/accounts.ts";
import type { BankContext } from "../bank/context.ts";
import type { Member } from "../bank/members.ts";
import { mediumFailuresMax } from "../bank/security-medium.ts";

export interface AccountView {
  number: string;
  kind: "demand" | "savings";
  name: string;
  status: string;
  balance: string;
  held: string;
  openedAt: string;
}

export interface MemberView {
  id: string;
  name: string;
  rrnMasked: string;
  branch: { code: string; name: string };
  phone: string | null;
  email: string | null;
  address: string | null;
  createdAt: string;
  accounts: AccountView[];
  internetBanking: {
    userId: string;
    enrolledAt: string;
    mustChangePassword: boolean;
    deadline: string | null;
    lapsed: boolean;
    locked: boolean;
    failedLogins: number;
  } | null;
  securityMedium: {
    kind: "otp" | "card";
    cardSerial: string | null;
    locked: boolean;
    registeredAt: string;
  } | null;
}

export function accountView(a: Account): AccountView {
  return {
    number: formatAccountNumber(a.number),
    kind: a.kind as "demand" | "savings",
    name: a.name,
    status: a.status,
    balance: a.balance.toString(),
    held: a.held.toString(),
    openedAt: a.openedAt.toISOString(),
  };
}

export async function memberView(bank: BankContext, m: Member): Promise<MemberView> {
  const db = bank.db;
  const [branch, user, medium, accounts] = [
    (
      await db.query<{ code: string; name: string }>(
        "SELECT code, name FROM branches WHERE cooperative_id = $1 AND id = $2",
        [m.cooperativeId, m.branchId],
      )
    ).rows[0]!,
    (
      await db.query<{
        user_id: string;
        enrolled_at: Date;
        must_change_password: boolean;
        failed_logins: number;
        locked_at: Date | null;
      }>(
        `SELECT user_id, enrolled_at, must_change_password, failed_logins, locked_at
           FROM users WHERE cooperative_id = $1 AND member_id = $2`,
        [m.cooperativeId, m.id],
      )
    ).rows[0],
    (
      await db.query<{
        kind: "otp" | "card";
        card_serial: string | null;
        failures: number;
        registered_at: Date;
      }>(
        "SELECT kind, card_serial, failures, registered_at FROM security_media WHERE cooperative_id = $1 AND member_id = $2",
        [m.cooperativeId, m.id],
      )
    ).rows[0],
    await listMemberAccounts(db, m.cooperativeId, m.id),
  ];
  const now = bank.clock.now();
  const deadline = user?.must_change_password ? enrolmentDeadline(user.enrolled_at) : null;
  return {
    id: m.id.toString(),
    name: m.realName,
    rrnMasked: m.rrnMasked,
    branch,
    phone: m.phone,
    email: m.email,
    address: m.address,
    createdAt: m.createdAt.toISOString(),
    accounts: accounts.filter((a) => a.kind === "demand" || a.kind === "savings").map(accountView),
    internetBanking: user
      ? {
          userId: user.user_id,
          enrolledAt: user.enrolled_at.toISOString(),
          mustChangePassword: user.must_change_password,
          deadline: deadline?.toISOString() ?? null,
          lapsed: deadline !== null && now.getTime() >= deadline.getTime(),
          locked: user.locked_at !== null || user.failed_logins >= loginFailuresMax,
          failedLogins: user.failed_logins,
        }
      : null,
    securityMedium: medium
      ? {
          kind: medium.kind,
          cardSerial: medium.card_serial,
          locked: medium.failures >= mediumFailuresMax,
          registeredAt: medium.registered_at.toISOString(),
        }
      : null,
  };
}
