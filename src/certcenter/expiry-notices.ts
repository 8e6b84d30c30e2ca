// Expiry notices (DESIGN §4 "Notices"): 30, 7 and 1 days before a member's
// certificate expires, a notification in the bank's notification centre pointing at
// /certcenter/renew. Each (certificate, threshold) notifies once, however many server processes
// run the job: the row in certificate_expiry_notices is inserted in the transaction that writes
// the notification, and a transaction-scoped advisory lock lets one process at a time scan.
// A certificate whose replacement is signed or live (renewed, reissued) gets no notice; a server
// that was down past a threshold sends only the nearest one, not every one it missed. Each
// threshold keeps a mark of how far its scan has come (certificate_notice_marks), so a run reads
// only the certificates that entered the threshold since the last run, not the month of them
// already notified; so a certificate that is valid only after its threshold has been passed (one
// released from a hold, a reissue that keeps an expiry already near) gets the next notice, not that one.
// A certificate skipped while its renewal awaited confirmation holds the mark, so if the renewal is
// abandoned the certificate still gets the notice it was skipped for. Each notice also goes by
// e-mail to a member who registered an address, through the message sender, once the notification
// is committed: at most once (a gateway that fails loses that e-mail; the notification stays).
import type { BankContext } from "../bank/context.ts";
import { type NewNotification, notifyAll } from "../bank/notifications.ts";
import type { CaContext } from "../ca/context.ts";
import { dayMs, formatSeoulDateTime } from "../calendar/seoul-day.ts";
import type { Queryable } from "../db/db.ts";
import { toBytes, toHex } from "../pki/bytes.ts";
import type { MessageSender } from "./message-sender.ts";

/** Days before expiry at which a notice goes out, nearest last. */
export const expiryNoticeDays = [30, 7, 1] as const;

/** Any fixed number; every process running the job takes the same lock. */
const noticeLockId = 0x6e6f7469; // "noti"

/** Certificates one run notifies at most per threshold, so a run's transaction stays short; the next run goes on. */
export const noticeBatch = 1000;

export interface NoticeRun {
  /** False when another process held the lock, so this one did nothing. */
  ran: boolean;
  sent: number;
  /** With a sender: notices that also went by e-mail, and those whose e-mail the gateway refused. */
  emailed?: number;
  emailFailed?: number;
}

/** The holder name the RA gave the CA ("<cooperative>:<member>", authorize.ts holderOf). */
function memberOf(holder: string): { cooperativeId: number; memberId: bigint } | undefined {
  const m = /^([0-9]{1,9}):([0-9]{1,19})$/.exec(holder);
  return m ? { cooperativeId: Number(m[1]), memberId: BigInt(m[2]!) } : undefined;
}

const purposeWords = {
  bank: { ko: "은행·보험용", en: "bank-use" },
  universal: { ko: "범용", en: "universal" },
} as const;

/** The notice for one certificate at one threshold, in Korean and English. */
export function expiryNotice(input: {
  purpose: "bank" | "universal";
  notAfter: Date;
  now: Date;
}): Pick<NewNotification, "title" | "body"> {
  const left = Math.max(1, Math.ceil((input.notAfter.getTime() - input.now.getTime()) / dayMs));
  const when = formatSeoulDateTime(input.notAfter).slice(0, 16);
  const p = purposeWords[input.purpose];
  return {
    title: {
      ko: `공동인증서 만료 ${left}일 전`,
      en: `Your certificate expires in ${left} ${left === 1 ? "day" : "days"}`,
    },
    body: {
      ko: `${p.ko} 공동인증서가 ${when}(한국 시간)에 만료돼요. 만료 전에 인증센터에서 갱신해 주세요: /certcenter/renew`,
      en: `Your ${p.en} joint certificate expires at ${when} (Korea time). Renew it in the certificate centre before then: /certcenter/renew`,
    },
  };
}

interface Due {
  serial: Uint8Array;
  purpose: "bank" | "universal";
  notAfter: Date;
  thresholdDays: number;
  member: { cooperativeId: number; memberId: bigint };
}

/**
 * The certificates due one threshold's notice: valid, expiring within `thresholdDays` but not
 * within the next nearer threshold (that one's notice is due instead), from where the last scan of
 * this threshold stopped, without this notice or a nearer one, and not replaced.
 */
async function dueAt(
  tx: Queryable,
  now: Date,
  thresholdDays: number,
  nearerDays: number,
  batch: number,
): Promise<{ due: Due[]; scannedTo: Date }> {
  const upper = new Date(now.getTime() + thresholdDays * dayMs);
  const floor = new Date(now.getTime() + nearerDays * dayMs);
  const mark = await tx.query<{ scanned_to: Date }>(
    "SELECT scanned_to FROM certificate_notice_marks WHERE threshold_days = $1",
    [thresholdDays],
  );
  const scannedTo = mark.rows[0]?.scanned_to;
  // A mark beyond the band means the clock went back (a faked time, a test): scan the band again.
  const from = scannedTo && scannedTo <= upper && scannedTo > floor ? scannedTo : floor;
  const { rows } = await tx.query<{
    serial: Uint8Array;
    holder: string;
    purpose: "bank" | "universal";
    not_after: Date;
  }>(
    `SELECT c.serial, c.holder, c.purpose, c.not_after FROM certificates c
      WHERE c.status = 'valid' AND c.not_after >= $1 AND c.not_after > $2 AND c.not_after <= $3
        AND NOT EXISTS (SELECT 1 FROM certificate_expiry_notices n
                         WHERE n.serial = c.serial AND n.threshold_days <= $4)
        AND NOT EXISTS (SELECT 1 FROM certificates r
                         WHERE (r.replaces = c.serial AND r.status IN ('pending', 'valid', 'hold'))
                            OR (r.holder = c.holder AND r.purpose = c.purpose AND r.serial <> c.serial
                                AND r.status IN ('valid', 'hold') AND r.not_after > c.not_after))
      ORDER BY c.not_after LIMIT $5`,
    [from, floor, upper, thresholdDays, batch],
  );
  const due = rows.flatMap((r) => {
    const member = memberOf(r.holder);
    return member
      ? [{ serial: toBytes(r.serial), purpose: r.purpose, notAfter: r.not_after, thresholdDays, member }]
      : [];
  });
  // A full batch stops at its last expiry (scanned again next time, inclusively: certificates
  // sharing that instant are not lost); otherwise the whole band is done.
  const last = rows[rows.length - 1];
  const reached = rows.length === batch && last ? last.not_after : upper;
  // A certificate skipped because a renewal of it awaits its holder's confirmation is owed this
  // notice again if the renewal is abandoned (rejected, never confirmed): the mark stays at the
  // first such certificate, so the next run looks at it again. The wait is short (the CA's
  // confirmation wait), so the mark falls behind by minutes, not by the band.
  const held = await tx.query<{ first: Date | null }>(
    `SELECT min(c.not_after) AS first FROM certificates c
      WHERE c.status = 'valid' AND c.not_after >= $1 AND c.not_after > $2 AND c.not_after <= $3
        AND EXISTS (SELECT 1 FROM certificates r WHERE r.replaces = c.serial AND r.status = 'pending')
        AND NOT EXISTS (SELECT 1 FROM certificate_expiry_notices n
                         WHERE n.serial = c.serial AND n.threshold_days <= $4)`,
    [from, floor, reached, thresholdDays],
  );
  const first = held.rows[0]?.first;
  return { due, scannedTo: first && first < reached ? first : reached };
}

/** The once-only guard and the notifications, in the caller's transaction. Returns those sent. */
async function notifyDue(tx: Queryable, due: readonly Due[], now: Date): Promise<NewNotification[]> {
  if (due.length === 0) return [];
  // A (serial, threshold) row that exists already inserts nothing, and only what was inserted now
  // is notified, in this same transaction.
  const values = due.map(
    (_, i) =>
      `($${i * 4 + 1}::bytea, $${i * 4 + 2}::int, $${i * 4 + 3}::int, $${i * 4 + 4}::bigint, $${due.length * 4 + 1}::timestamptz)`,
  );
  const inserted = await tx.query<{ serial: Uint8Array; threshold_days: number }>(
    `INSERT INTO certificate_expiry_notices (serial, threshold_days, cooperative_id, member_id, sent_at)
     VALUES ${values.join(", ")}
     ON CONFLICT (serial, threshold_days) DO NOTHING RETURNING serial, threshold_days`,
    [...due.flatMap((d) => [d.serial, d.thresholdDays, d.member.cooperativeId, d.member.memberId]), now],
  );
  const fresh = new Set(inserted.rows.map((r) => `${toHex(toBytes(r.serial))}:${r.threshold_days}`));
  const notices: NewNotification[] = due
    .filter((d) => fresh.has(`${toHex(d.serial)}:${d.thresholdDays}`))
    .map((d) => ({
      cooperativeId: d.member.cooperativeId,
      memberId: d.member.memberId,
      kind: "certificate_expiring",
      ...expiryNotice({ purpose: d.purpose, notAfter: d.notAfter, now }),
      eventKey: `certificate_expiring:${toHex(d.serial)}:${d.thresholdDays}`,
      at: now,
    }));
  await notifyAll(tx, notices);
  return notices;
}

/** Each notice to its member's registered e-mail address, Korean first; members without one get none. */
async function emailNotices(
  db: Queryable,
  sender: MessageSender,
  notices: readonly NewNotification[],
): Promise<{ emailed: number; emailFailed: number }> {
  let emailed = 0;
  let emailFailed = 0;
  for (const n of notices) {
    const { rows } = await db.query<{ email: string | null }>(
      "SELECT email FROM members WHERE cooperative_id = $1 AND id = $2",
      [n.cooperativeId, n.memberId],
    );
    const to = rows[0]?.email;
    if (!to) continue;
    try {
      await sender.send({
        channel: "email",
        to,
        purpose: "expiry_notice",
        body: `${n.title.ko}\n${n.body.ko}\n\n${n.title.en}\n${n.body.en}`,
      });
      emailed++;
    } catch {
      // The notification centre has it already; the job does not stop for one gateway failure.
      emailFailed++;
    }
  }
  return { emailed, emailFailed };
}

/**
 * One run: every valid certificate that has entered a notice threshold since the last run (or
 * since the clock went back) and has not had that notice or a nearer one gets it, up to `batch`
 * a threshold; the next run goes on from there. Skips (ran: false) while another process runs.
 */
export async function sendExpiryNotices(
  ctx: { bank: BankContext; ca: CaContext; sender?: MessageSender },
  options: { batch?: number } = {},
): Promise<NoticeRun> {
  const now = ctx.ca.clock.now();
  const batch = options.batch ?? noticeBatch;
  const sent: NewNotification[] = [];
  const ran = await ctx.ca.db.transaction(async (tx) => {
    const lock = await tx.query<{ got: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS got", [
      noticeLockId,
    ]);
    if (!lock.rows[0]?.got) return false;
    for (const [i, days] of expiryNoticeDays.entries()) {
      const { due, scannedTo } = await dueAt(tx, now, days, expiryNoticeDays[i + 1] ?? 0, batch);
      sent.push(...(await notifyDue(tx, due, now)));
      await tx.query(
        `INSERT INTO certificate_notice_marks (threshold_days, scanned_to) VALUES ($1, $2)
         ON CONFLICT (threshold_days) DO UPDATE SET scanned_to = $2`,
        [days, scannedTo],
      );
    }
    return true;
  });
  if (!ran) return { ran: false, sent: 0 };
  if (!ctx.sender) return { ran: true, sent: sent.length };
  return { ran: true, sent: sent.length, ...(await emailNotices(ctx.ca.db, ctx.sender, sent)) };
}
