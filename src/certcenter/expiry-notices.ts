// Expiry notices (DESIGN §4 "Notices", issue 14 item 6): 30, 7 and 1 days before a member's
// certificate expires, a notification in the bank's notification centre pointing at
// /certcenter/renew. Each (certificate, threshold) notifies once, however many server processes
// run the job: the row in certificate_expiry_notices is inserted in the transaction that writes
// the notification, and a transaction-scoped advisory lock lets one process at a time scan.
// A certificate whose replacement is signed or live (renewed, reissued) gets no notice; a server
// that was down past a threshold sends only the nearest one, not every one it missed.
import type { BankContext } from "../bank/context.ts";
import { type NewNotification, notifyAll } from "../bank/notifications.ts";
import type { CaContext } from "../ca/context.ts";
import { dayMs, formatSeoulDateTime } from "../calendar/seoul-day.ts";
import { toBytes, toHex } from "../pki/bytes.ts";

/** Days before expiry at which a notice goes out, nearest last. */
export const expiryNoticeDays = [30, 7, 1] as const;

/** Any fixed number; every process running the job takes the same lock. */
const noticeLockId = 0x6e6f7469; // "noti"

/** Certificates one run notifies at most, so a run's transaction stays short; the next run goes on. */
export const noticeBatch = 1000;

export interface NoticeRun {
  /** False when another process held the lock, so this one did nothing. */
  ran: boolean;
  sent: number;
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

/**
 * One run: every valid certificate that has entered a notice threshold and has not had that notice
 * (or a nearer one) gets it, up to `noticeBatch`. Skips (ran: false) while another process runs.
 */
export async function sendExpiryNotices(ctx: { bank: BankContext; ca: CaContext }): Promise<NoticeRun> {
  const now = ctx.ca.clock.now();
  const [far, mid, near] = expiryNoticeDays.map((d) => new Date(now.getTime() + d * dayMs)) as [
    Date,
    Date,
    Date,
  ];
  return ctx.ca.db.transaction(async (tx) => {
    const lock = await tx.query<{ got: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS got", [
      noticeLockId,
    ]);
    if (!lock.rows[0]?.got) return { ran: false, sent: 0 };
    // The threshold a certificate is in now: the nearest one its expiry has come within.
    const threshold = `CASE WHEN c.not_after <= $4 THEN ${expiryNoticeDays[2]} WHEN c.not_after <= $3 THEN ${expiryNoticeDays[1]} ELSE ${expiryNoticeDays[0]} END`;
    const { rows } = await tx.query<{
      serial: Uint8Array;
      holder: string;
      purpose: "bank" | "universal";
      not_after: Date;
      threshold_days: number;
    }>(
      `SELECT c.serial, c.holder, c.purpose, c.not_after, t.threshold_days
         FROM certificates c CROSS JOIN LATERAL (SELECT ${threshold} AS threshold_days) t
        WHERE c.status = 'valid' AND c.not_after > $1 AND c.not_after <= $2
          AND NOT EXISTS (SELECT 1 FROM certificate_expiry_notices n
                           WHERE n.serial = c.serial AND n.threshold_days <= t.threshold_days)
          AND NOT EXISTS (SELECT 1 FROM certificates r
                           WHERE (r.replaces = c.serial AND r.status IN ('pending', 'valid', 'hold'))
                              OR (r.holder = c.holder AND r.purpose = c.purpose AND r.serial <> c.serial
                                  AND r.status IN ('valid', 'hold') AND r.not_after > c.not_after))
        ORDER BY c.not_after LIMIT ${noticeBatch}`,
      [now, far, mid, near],
    );
    const due = rows.flatMap((r) => {
      const member = memberOf(r.holder);
      return member ? [{ ...r, serial: toBytes(r.serial), member }] : [];
    });
    if (due.length === 0) return { ran: true, sent: 0 };
    // The once-only guard: a (serial, threshold) row that already exists inserts nothing, and
    // only what was inserted now is notified, in this same transaction.
    const values = due.map(
      (_, i) =>
        `($${i * 4 + 1}::bytea, $${i * 4 + 2}::int, $${i * 4 + 3}::int, $${i * 4 + 4}::bigint, $${due.length * 4 + 1}::timestamptz)`,
    );
    const inserted = await tx.query<{ serial: Uint8Array; threshold_days: number }>(
      `INSERT INTO certificate_expiry_notices (serial, threshold_days, cooperative_id, member_id, sent_at)
       VALUES ${values.join(", ")}
       ON CONFLICT (serial, threshold_days) DO NOTHING RETURNING serial, threshold_days`,
      [...due.flatMap((d) => [d.serial, d.threshold_days, d.member.cooperativeId, d.member.memberId]), now],
    );
    const fresh = new Set(inserted.rows.map((r) => `${toHex(toBytes(r.serial))}:${r.threshold_days}`));
    const notices: NewNotification[] = due
      .filter((d) => fresh.has(`${toHex(d.serial)}:${d.threshold_days}`))
      .map((d) => ({
        cooperativeId: d.member.cooperativeId,
        memberId: d.member.memberId,
        kind: "certificate_expiring",
        ...expiryNotice({ purpose: d.purpose, notAfter: d.not_after, now }),
        eventKey: `certificate_expiring:${toHex(d.serial)}:${d.threshold_days}`,
        at: now,
      }));
    await notifyAll(tx, notices);
    return { ran: true, sent: notices.length };
  });
}
