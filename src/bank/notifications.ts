// The members' notification centre: one row per event (money out, money in, a password change, a
// locked login, a change of transfer limits or details, a closed account), written in the transaction of the
// event itself, in Korean and English. The event key makes a repeated event notify once.
import type { Queryable } from "../db/db.ts";
import { formatAccountNumber } from "./account-number.ts";

export type NotificationKind =
  | "transfer_out"
  | "transfer_in"
  | "password_changed"
  | "login_locked"
  | "account_closed"
  | "limits_changed"
  /** The member's phone, e-mail, address or name changed at a branch's counter. */
  | "details_changed"
  /** Sent by the certcenter (the bank knows the kind, not the certificate). */
  | "certificate_expiring";

export interface Notification {
  id: bigint;
  at: Date;
  kind: string;
  title: { ko: string; en: string };
  body: { ko: string; en: string };
  read: boolean;
}

export interface NewNotification {
  cooperativeId: number;
  memberId: bigint;
  kind: NotificationKind;
  title: { ko: string; en: string };
  body: { ko: string; en: string };
  eventKey: string;
  at: Date;
}

export const notificationPageSize = 50;

export async function notify(tx: Queryable, n: NewNotification): Promise<void> {
  await notifyAll(tx, [n]);
}

/** Several notifications of one event in one statement, inserted in the order given. */
export async function notifyAll(tx: Queryable, ns: readonly NewNotification[]): Promise<void> {
  if (ns.length === 0) return;
  const width = 9;
  const values = ns
    .map((_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(", ")})`)
    .join(", ");
  await tx.query(
    `INSERT INTO notifications (cooperative_id, member_id, kind, title_ko, title_en, body_ko, body_en, event_key, created_at)
     VALUES ${values}
     ON CONFLICT (cooperative_id, member_id, event_key) DO NOTHING`,
    ns.flatMap((n) => [
      n.cooperativeId,
      n.memberId,
      n.kind,
      n.title.ko,
      n.title.en,
      n.body.ko,
      n.body.en,
      n.eventKey,
      n.at,
    ]),
  );
}

/** The member's newest notifications first; `before` pages back. */
export async function listNotifications(
  db: Queryable,
  who: { cooperativeId: number; memberId: bigint },
  options: { before?: bigint; limit?: number } = {},
): Promise<{ notifications: Notification[]; unread: number }> {
  const limit = Math.min(Math.max(options.limit ?? notificationPageSize, 1), 200);
  const { rows } = await db.query<{
    id: bigint;
    created_at: Date;
    kind: string;
    title_ko: string;
    title_en: string;
    body_ko: string;
    body_en: string;
    read_at: Date | null;
  }>(
    `SELECT id, created_at, kind, title_ko, title_en, body_ko, body_en, read_at FROM notifications
     WHERE cooperative_id = $1 AND member_id = $2 AND ($3::bigint IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [who.cooperativeId, who.memberId, options.before ?? null, limit],
  );
  const unread = await db.query<{ n: bigint }>(
    "SELECT count(*)::bigint AS n FROM notifications WHERE cooperative_id = $1 AND member_id = $2 AND read_at IS NULL",
    [who.cooperativeId, who.memberId],
  );
  return {
    notifications: rows.map((r) => ({
      id: r.id,
      at: r.created_at,
      kind: r.kind,
      title: { ko: r.title_ko, en: r.title_en },
      body: { ko: r.body_ko, en: r.body_en },
      read: r.read_at !== null,
    })),
    unread: Number(unread.rows[0]!.n),
  };
}

/** Marks one of the member's notifications read; false when the member has none with that id. */
export async function markNotificationRead(
  db: Queryable,
  who: { cooperativeId: number; memberId: bigint },
  id: bigint,
  at: Date,
): Promise<boolean> {
  const r = await db.query(
    `UPDATE notifications SET read_at = coalesce(read_at, $4)
     WHERE cooperative_id = $1 AND member_id = $2 AND id = $3`,
    [who.cooperativeId, who.memberId, id, at],
  );
  return r.rowCount > 0;
}

function won(amount: bigint): string {
  return `${amount.toLocaleString("en-US")}원`;
}

function wonEn(amount: bigint): string {
  return `KRW ${amount.toLocaleString("en-US")}`;
}

/** The two notifications of a member's transfer: to the sender, and to the recipient if a member. */
export async function notifyTransfer(
  tx: Queryable,
  t: {
    transferId: bigint;
    cooperativeId: number;
    at: Date;
    amount: bigint;
    from: { memberId: bigint; cooperativeId: number; number: string; name: string; balanceAfter: bigint };
    to: { memberId: bigint | null; cooperativeId: number; number: string; name: string };
  },
): Promise<void> {
  const key = `transfer:${t.cooperativeId}:${t.transferId}`;
  const out: NewNotification = {
    cooperativeId: t.from.cooperativeId,
    memberId: t.from.memberId,
    kind: "transfer_out",
    title: { ko: `출금 ${won(t.amount)}`, en: `Sent ${wonEn(t.amount)}` },
    body: {
      ko: `${t.to.name}님(${formatAccountNumber(t.to.number)})께 ${won(t.amount)}을 보냈어요. 잔액은 ${won(t.from.balanceAfter)}이에요.`,
      en: `You sent ${wonEn(t.amount)} to ${t.to.name} (${formatAccountNumber(t.to.number)}). Your balance is ${wonEn(t.from.balanceAfter)}.`,
    },
    eventKey: `${key}:out`,
    at: t.at,
  };
  if (t.to.memberId === null) return notifyAll(tx, [out]);
  // Both in one statement: a transfer's round trips are most of what it costs.
  return notifyAll(tx, [
    out,
    {
      cooperativeId: t.to.cooperativeId,
      memberId: t.to.memberId,
      kind: "transfer_in",
      title: { ko: `입금 ${won(t.amount)}`, en: `Received ${wonEn(t.amount)}` },
      body: {
        ko: `${t.from.name}님이 ${formatAccountNumber(t.to.number)} 계좌로 ${won(t.amount)}을 보냈어요.`,
        en: `${t.from.name} sent ${wonEn(t.amount)} to ${formatAccountNumber(t.to.number)}.`,
      },
      eventKey: `${key}:in`,
      at: t.at,
    },
  ]);
}

export async function notifyPasswordChanged(
  tx: Queryable,
  who: { cooperativeId: number; memberId: bigint; at: Date },
): Promise<void> {
  // The customer centre is named only with its number; a cooperative without one sends to a branch.
  const { rows } = await tx.query<{ customer_centre_phone: string | null }>(
    "SELECT customer_centre_phone FROM cooperatives WHERE id = $1",
    [who.cooperativeId],
  );
  const phone = rows[0]?.customer_centre_phone ?? null;
  await notify(tx, {
    ...who,
    kind: "password_changed",
    title: { ko: "비밀번호 변경", en: "Password changed" },
    body: phone
      ? {
          ko: `인터넷뱅킹 비밀번호가 바뀌었어요. 직접 바꾸지 않았다면 바로 고객센터(${phone})나 영업점에 연락해 주세요.`,
          en: `Your internet banking password was changed. If this was not you, call the customer centre on ${phone} or visit a branch now.`,
        }
      : {
          ko: "인터넷뱅킹 비밀번호가 바뀌었어요. 직접 바꾸지 않았다면 바로 가까운 영업점에 연락해 주세요.",
          en: "Your internet banking password was changed. If this was not you, visit a branch now.",
        },
    eventKey: `password:${who.at.toISOString()}`,
  });
}

export async function notifyLoginLocked(
  tx: Queryable,
  who: { cooperativeId: number; memberId: bigint; at: Date },
): Promise<void> {
  await notify(tx, {
    ...who,
    kind: "login_locked",
    title: { ko: "로그인 제한", en: "Login locked" },
    body: {
      ko: "비밀번호를 5번 잘못 입력해 로그인이 제한되었어요. 신분증을 가지고 영업점에 오시면 잠금을 풀어 드려요.",
      en: "Five wrong passwords in a row locked your login. A branch unlocks it when you bring your ID card.",
    },
    eventKey: `locked:${who.at.toISOString()}`,
  });
}

/** Cash paid in or out at a branch's counter, told to the account's holder. */
export async function notifyCash(
  tx: Queryable,
  c: {
    kind: "deposit" | "withdrawal";
    transferId: bigint;
    cooperativeId: number;
    memberId: bigint;
    number: string;
    branchName: string;
    amount: bigint;
    balanceAfter: bigint;
    at: Date;
  },
): Promise<void> {
  const account = formatAccountNumber(c.number);
  const deposit = c.kind === "deposit";
  await notify(tx, {
    cooperativeId: c.cooperativeId,
    memberId: c.memberId,
    kind: deposit ? "transfer_in" : "transfer_out",
    title: deposit
      ? { ko: `현금입금 ${won(c.amount)}`, en: `Cash in ${wonEn(c.amount)}` }
      : { ko: `현금출금 ${won(c.amount)}`, en: `Cash out ${wonEn(c.amount)}` },
    body: deposit
      ? {
          ko: `${c.branchName} 창구에서 ${account} 계좌로 ${won(c.amount)}이 현금으로 입금되었어요. 잔액은 ${won(c.balanceAfter)}이에요.`,
          en: `${wonEn(c.amount)} in cash was paid into ${account} at the ${c.branchName} counter. Your balance is ${wonEn(c.balanceAfter)}.`,
        }
      : {
          ko: `${c.branchName} 창구에서 ${account} 계좌의 ${won(c.amount)}을 현금으로 찾았어요. 잔액은 ${won(c.balanceAfter)}이에요.`,
          en: `${wonEn(c.amount)} was withdrawn in cash from ${account} at the ${c.branchName} counter. Your balance is ${wonEn(c.balanceAfter)}.`,
        },
    eventKey: `cash:${c.cooperativeId}:${c.transferId}`,
    at: c.at,
  });
}

/** An account closed at a branch's counter, told to its holder with where its balance went. */
export async function notifyAccountClosed(
  tx: Queryable,
  c: {
    cooperativeId: number;
    memberId: bigint;
    accountId: bigint;
    number: string;
    branchName: string;
    amount: bigint;
    /** The holder's account that received the balance; none when it was paid in cash. */
    to: string | null;
    at: Date;
  },
): Promise<void> {
  const account = formatAccountNumber(c.number);
  const paid = c.to
    ? {
        ko: ` 잔액 ${won(c.amount)}은 ${formatAccountNumber(c.to)} 계좌로 옮겼어요.`,
        en: ` Its balance of ${wonEn(c.amount)} went to ${formatAccountNumber(c.to)}.`,
      }
    : c.amount > 0n
      ? {
          ko: ` 잔액 ${won(c.amount)}은 현금으로 지급했어요.`,
          en: ` Its balance of ${wonEn(c.amount)} was paid in cash.`,
        }
      : { ko: "", en: "" };
  await notify(tx, {
    cooperativeId: c.cooperativeId,
    memberId: c.memberId,
    kind: "account_closed",
    title: { ko: `계좌 해지 ${account}`, en: `Account closed ${account}` },
    body: {
      ko: `${c.branchName} 창구에서 ${account} 계좌를 해지했어요.${paid.ko}`,
      en: `${account} was closed at the ${c.branchName} counter.${paid.en}`,
    },
    eventKey: `closed:${c.cooperativeId}:${c.accountId}`,
    at: c.at,
  });
}

/** A change of the member's transfer limits, at a branch's counter or online: told either way. */
export async function notifyLimitsChanged(
  tx: Queryable,
  c: {
    cooperativeId: number;
    memberId: bigint;
    medium: "otp" | "card";
    perTransfer: bigint;
    perDay: bigint;
    /** The counter's branch, or null when the member lowered them online. */
    branchName: string | null;
    at: Date;
  },
): Promise<void> {
  const medium = c.medium === "otp" ? { ko: "OTP", en: "OTP" } : { ko: "보안카드", en: "security card" };
  const amounts = {
    ko: `1회 ${won(c.perTransfer)}, 1일 ${won(c.perDay)}`,
    en: `${wonEn(c.perTransfer)} a transfer and ${wonEn(c.perDay)} a day`,
  };
  // A change the member did not make is how a stolen login starts: the body says what to do then.
  const where =
    c.branchName === null
      ? {
          ko: `인터넷뱅킹에서 ${medium.ko} 이체한도를 ${amounts.ko}으로 바꿨어요.`,
          en: `Your transfer limits with the ${medium.en} were changed online to ${amounts.en}.`,
        }
      : {
          ko: `${c.branchName} 창구에서 ${medium.ko} 이체한도를 ${amounts.ko}으로 바꿨어요.`,
          en: `At the ${c.branchName} counter, your transfer limits with the ${medium.en} were changed to ${amounts.en}.`,
        };
  await notify(tx, {
    cooperativeId: c.cooperativeId,
    memberId: c.memberId,
    kind: "limits_changed",
    title: { ko: "이체한도 변경", en: "Transfer limits changed" },
    body: {
      ko: `${where.ko} 직접 바꾸지 않았다면 바로 영업점에 연락해 주세요.`,
      en: `${where.en} If this was not you, contact a branch now.`,
    },
    eventKey: `limits:${c.medium}:${c.perTransfer}:${c.perDay}:${c.at.toISOString()}`,
    at: c.at,
  });
}

/** A detail changed at the counter, as the member is told it: the new value already masked. */
export interface ChangedDetail {
  field: "name" | "phone" | "email" | "address";
  masked: string;
}

const detailWords: Record<ChangedDetail["field"], { ko: string; en: string }> = {
  name: { ko: "이름", en: "name" },
  phone: { ko: "휴대폰 번호", en: "mobile number" },
  email: { ko: "이메일", en: "e-mail address" },
  address: { ko: "주소", en: "address" },
};

/**
 * Details changed at a branch's counter, told to the member (masked values only); answers the
 * notification, which the branch also sends to the old phone or e-mail address.
 */
export async function notifyDetailsChanged(
  tx: Queryable,
  c: {
    cooperativeId: number;
    memberId: bigint;
    branchName: string;
    changed: readonly ChangedDetail[];
    at: Date;
  },
): Promise<NewNotification> {
  const list = (lang: "ko" | "en") =>
    c.changed.map((d) => `${detailWords[d.field][lang]} ${d.masked}`).join(", ");
  const n: NewNotification = {
    cooperativeId: c.cooperativeId,
    memberId: c.memberId,
    kind: "details_changed",
    title: { ko: "회원 정보 변경", en: "Your details changed" },
    body: {
      ko: `${c.branchName} 창구에서 회원 정보가 바뀌었어요(${list("ko")}). 직접 바꾸지 않았다면 바로 가까운 영업점에 연락해 주세요.`,
      en: `Your details were changed at the ${c.branchName} counter (${list("en")}). If this was not you, contact a branch now.`,
    },
    // Each change is an event of its own (never replayed as a transfer is): two in the same
    // millisecond, or under a test's frozen clock, are still two notices.
    eventKey: `details:${crypto.randomUUID()}`,
    at: c.at,
  };
  await notify(tx, n);
  return n;
}
