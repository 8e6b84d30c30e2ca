// Expiry notices: one notification (and an e-mail where the member registered an address) at 30, 7 and 1 days before a certificate
// expires, each once, with the test's clock; only the nearest threshold after a gap; none for a
// renewed certificate, but one for a certificate whose renewal was abandoned; and once only when two
// jobs run at once (two pools on PostgreSQL).
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollUser, findUser } from "../../src/auth/users.ts";
import { createMember } from "../../src/bank/members.ts";
import { liveCertificate } from "../../src/ca/certificates.ts";
import { issuingCa } from "../../src/ca/context.ts";
import { confirmWaitMs, revokeUnconfirmed } from "../../src/ca/issuance.ts";
import { authorizeForUser, holderOf } from "../../src/certcenter/authorize.ts";
import { sendExpiryNotices } from "../../src/certcenter/expiry-notices.ts";
import { outboxSender, readOutbox } from "../../src/certcenter/message-sender.ts";
import type { Db } from "../../src/db/db.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { enrol, renew } from "../../src/pki/cmp-client.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { startJobs } from "../../src/server/jobs.ts";
import { testRrn } from "../support/bank.ts";
import { type CaServer, startCaServer } from "../support/ca-server.ts";
import { dbKinds } from "../support/db.ts";

const dayMs = 86_400_000;

describe.each(dbKinds)("certificate expiry notices on %s", (kind) => {
  let s: CaServer;
  // Certificates are issued at the start, almost a year before now: a renewal's CMP message carries
  // the real time, which the CA holds to within 5 minutes of its clock, so the second test renews
  // at the real time, a few days before its certificate expires.
  const start = Date.now() - 362 * dayMs;
  beforeAll(async () => {
    s = await startCaServer(kind, { at: new Date(start) });
  }, 60_000);
  afterAll(async () => s?.close());

  const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);

  async function issue(userId: string) {
    const keys = await generateKeyPair({ algorithm: "EC" });
    const auth = await authorizeForUser(s.app, { userId, purpose: "bank", channel: "web", actor: "test" });
    const { certificate } = await enrol({ send, ...auth, keys });
    const user = (await findUser(s.app.db, userId))!;
    const live = (await liveCertificate(s.app.db, holderOf(user.cooperativeId, user.memberId), "bank"))!;
    return { certificate, keys, live, user };
  }

  async function noticesOf(memberId: bigint) {
    const { rows } = await s.app.db.query<{
      title_ko: string;
      title_en: string;
      body_ko: string;
      body_en: string;
    }>(
      "SELECT title_ko, title_en, body_ko, body_en FROM notifications WHERE member_id = $1 AND kind = 'certificate_expiring' ORDER BY id",
      [memberId],
    );
    return rows;
  }

  const at = (t: number) => {
    s.clock.at = new Date(t);
  };

  it("notifies at 30, 7 and 1 days before expiry, each once, in Korean and English", async () => {
    const { live, user } = await issue(s.users[0]!.userId);
    // The member registered an e-mail address: each notice goes there too, through the sender.
    const email = `member-${user.memberId}@example.com`;
    await s.app.db.query("UPDATE members SET email = $3 WHERE cooperative_id = $1 AND id = $2", [
      user.cooperativeId,
      user.memberId,
      email,
    ]);
    const withOutbox = { bank: s.app.bank, ca: s.app.ca, sender: outboxSender(s.app.db, s.app.bank.clock) };
    const end = live.notAfter.getTime();
    at(end - 30 * dayMs - 1000);
    expect((await sendExpiryNotices(withOutbox)).sent).toBe(0);
    at(end - 30 * dayMs);
    expect(await sendExpiryNotices(withOutbox)).toEqual({ ran: true, sent: 1, emailed: 1, emailFailed: 0 });
    expect(await sendExpiryNotices(withOutbox)).toEqual({ ran: true, sent: 0, emailed: 0, emailFailed: 0 });
    const mail = await readOutbox(s.app.db, { to: email });
    expect(mail.map((m) => [m.channel, m.purpose])).toEqual([["email", "expiry_notice"]]);
    expect(mail[0]!.body).toContain("공동인증서 만료 30일 전");
    expect(mail[0]!.body).toContain("Your certificate expires in 30 days");
    let notices = await noticesOf(user.memberId);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.title_ko).toBe("공동인증서 만료 30일 전");
    expect(notices[0]!.title_en).toBe("Your certificate expires in 30 days");
    expect(notices[0]!.body_ko).toContain("/certcenter/renew");
    expect(notices[0]!.body_en).toContain("/certcenter/renew");

    at(end - 7 * dayMs - 1000);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
    at(end - 7 * dayMs);
    // A gateway that is down loses that e-mail, not the notice in the notification centre.
    const down = {
      name: "down",
      send: async () => {
        throw new Error("gateway down");
      },
    };
    expect(await sendExpiryNotices({ bank: s.app.bank, ca: s.app.ca, sender: down })).toEqual({
      ran: true,
      sent: 1,
      emailed: 0,
      emailFailed: 1,
    });
    at(end - 3 * dayMs);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
    at(end - dayMs);
    expect((await sendExpiryNotices(s.app)).sent).toBe(1);
    at(end - 1000);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
    at(end + 1000);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
    notices = await noticesOf(user.memberId);
    expect(notices.map((n) => n.title_en)).toEqual([
      "Your certificate expires in 30 days",
      "Your certificate expires in 7 days",
      "Your certificate expires in 1 day",
    ]);
    // Revoked for the next test: the member may have a new one issued.
    await s.app.db.query("UPDATE certificates SET status = 'revoked', revoked_at = $2 WHERE serial = $1", [
      live.serial,
      new Date(end + 1000),
    ]);
  });

  it("notifies a certificate skipped while its renewal was pending, once the renewal is abandoned", async () => {
    // Two members' certificates, both issued before any scan that could pass them by.
    at(start);
    const members = [];
    for (const userId of ["abandon1", "abandon2"]) {
      const m = await createMember(s.app.bank, {
        cooperativeId: 1,
        branchId: 1,
        realName: "갱신포기",
        rrn: testRrn(),
      });
      await enrollUser(s.app.db, {
        cooperativeId: 1,
        memberId: m.id,
        userId,
        password: "Temp!2026pass",
        mustChangePassword: false,
        at: s.clock.now(),
      });
      members.push(await issue(userId));
    }
    const [rejected, unconfirmed] = members as [(typeof members)[0], (typeof members)[0]];
    // Both renewed at the real time, a few days before expiry: within the 7-day notice's band.
    const now = Date.now();
    at(now);
    const caCertificate = (await issuingCa(s.app.ca)).certificate;
    let offline = false;
    const renewing = (m: typeof rejected, store: () => Promise<void>) =>
      generateKeyPair({ algorithm: "EC" }).then((newKeys) =>
        renew({
          // Once offline, the certConf never reaches the CA.
          send: (der) => (offline ? Promise.reject(new Error("offline")) : send(der)),
          certificate: m.certificate,
          key: m.keys.privateKey,
          newKeys,
          caCertificate,
          store,
        }),
      );
    // The first renewal is stored by its holder only while the second awaits its confirmation, and
    // the scan runs while both are pending: neither certificate is notified.
    await expect(
      renewing(rejected, async () => {
        await expect(
          renewing(unconfirmed, async () => {
            expect((await sendExpiryNotices(s.app)).sent).toBe(0);
            offline = true;
          }),
        ).rejects.toThrow("offline");
        offline = false;
        // A failed store makes the client reject its certificate.
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    const title = (m: typeof rejected) =>
      `Your certificate expires in ${Math.ceil((m.live.notAfter.getTime() - s.clock.now().getTime()) / dayMs)} days`;
    // The rejected renewal: its certificate gets the notice it was skipped for, once.
    expect((await sendExpiryNotices(s.app)).sent).toBe(1);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
    expect((await noticesOf(rejected.user.memberId)).map((n) => n.title_en)).toEqual([title(rejected)]);
    // The unconfirmed one is revoked once the confirmation wait is over; then its certificate's turn.
    at(now + confirmWaitMs + 1000);
    expect(await revokeUnconfirmed(s.app.ca)).toHaveLength(1);
    expect((await sendExpiryNotices(s.app)).sent).toBe(1);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
    expect((await noticesOf(unconfirmed.user.memberId)).map((n) => n.title_en)).toEqual([title(unconfirmed)]);
    for (const m of members) {
      expect((await liveCertificate(s.app.db, m.live.holder, "bank"))?.serial).toEqual(m.live.serial);
      // Revoked for the next tests, which count the notices of their own certificates.
      await s.app.db.query("UPDATE certificates SET status = 'revoked', revoked_at = $2 WHERE serial = $1", [
        m.live.serial,
        s.clock.now(),
      ]);
    }
  });

  it("sends only the nearest notice after a gap, and none once the certificate is renewed", async () => {
    at(start);
    const { live, user, certificate, keys } = await issue(s.users[1]!.userId);
    const end = live.notAfter.getTime();
    expect(end - Date.now()).toBeGreaterThan(2 * dayMs);
    expect(end - Date.now()).toBeLessThan(5 * dayMs);
    // The server was down from before 30 days to 5 days: the 7-day notice only.
    at(end - 5 * dayMs);
    expect((await sendExpiryNotices(s.app)).sent).toBe(1);
    expect((await noticesOf(user.memberId)).map((n) => n.title_ko)).toEqual(["공동인증서 만료 5일 전"]);
    // Renewed now: the old certificate is superseded, the new one runs a year from the old expiry.
    at(Date.now());
    await renew({
      send,
      certificate,
      key: keys.privateKey,
      newKeys: await generateKeyPair({ algorithm: "EC" }),
      caCertificate: (await issuingCa(s.app.ca)).certificate,
    });
    at(end - dayMs);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
    expect(await noticesOf(user.memberId)).toHaveLength(1);
  });

  it("notifies each certificate once when two jobs run at once", async () => {
    const now = Date.parse("2027-06-01T00:00:00Z");
    at(now);
    const issuer = await s.app.db.query<{ id: number }>(
      "SELECT id FROM ca_keys WHERE role = 'issuing' AND active",
    );
    const members: bigint[] = [];
    for (let i = 0; i < 40; i++) {
      const m = await createMember(s.app.bank, {
        cooperativeId: 1,
        branchId: 1,
        realName: `만료${i}`,
        rrn: testRrn(),
      });
      members.push(m.id);
      // A certificate record as the CA keeps it; the notices read no more of it than this.
      await s.app.db.query(
        `INSERT INTO certificates (serial, issuer_key_id, holder, purpose, status, subject, not_before, not_after, spki_sha256, created_at)
         VALUES ($1, $2, $3, 'bank', 'valid', 'CN=test', $4, $5, $6, $4)`,
        [
          randomBytes(16),
          issuer.rows[0]!.id,
          holderOf(1, m.id),
          new Date(now - 300 * dayMs),
          // Pairs share an expiry instant, so a batch may stop between two certificates of one instant.
          new Date(now + 20 * dayMs + Math.floor(i / 2) * 1000),
          randomBytes(32),
        ],
      );
    }
    const url = (s.app.db as Db & { url?: string }).url;
    const pools: Db[] = kind === "postgres" ? [openPostgres(url!), openPostgres(url!)] : [s.app.db, s.app.db];
    try {
      const runs = await Promise.all(
        [0, 1, 2, 3].map((i) => {
          const db = pools[i % 2]!;
          return sendExpiryNotices({ bank: { ...s.app.bank, db }, ca: { ...s.app.ca, db } });
        }),
      );
      expect(
        runs.reduce((n, r) => n + r.sent, 0),
        "notifications written, summed over the runs",
      ).toBe(40);
    } finally {
      if (kind === "postgres") await Promise.all(pools.map((p) => p.close()));
    }
    const { rows } = await s.app.db.query<{ member_id: bigint; n: bigint }>(
      `SELECT member_id, count(*)::bigint AS n FROM notifications
        WHERE kind = 'certificate_expiring' AND member_id = ANY($1::bigint[]) GROUP BY member_id`,
      [members],
    );
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.n === 1n)).toBe(true);
    expect((await sendExpiryNotices(s.app)).sent).toBe(0);
  });

  it("goes on from where a full batch stopped, losing none that share its last instant", async () => {
    // The same 40 certificates, a week later: each is due its 7-day notice, 15 a run.
    at(Date.parse("2027-06-14T00:01:00Z"));
    const sent: number[] = [];
    for (let i = 0; i < 4; i++) sent.push((await sendExpiryNotices(s.app, { batch: 15 })).sent);
    expect(sent).toEqual([15, 15, 10, 0]);
    const { rows } = await s.app.db.query<{ n: bigint }>(
      "SELECT count(DISTINCT serial)::bigint AS n FROM certificate_expiry_notices WHERE threshold_days = 7 AND sent_at = $1",
      [s.clock.now()],
    );
    expect(rows[0]!.n).toBe(40n);
  });

  it("are sent by the server's scheduled job", async () => {
    const now = Date.parse("2027-09-01T00:00:00Z");
    at(now);
    const m = await createMember(s.app.bank, {
      cooperativeId: 1,
      branchId: 1,
      realName: "예약",
      rrn: testRrn(),
    });
    const issuer = await s.app.db.query<{ id: number }>(
      "SELECT id FROM ca_keys WHERE role = 'issuing' AND active",
    );
    await s.app.db.query(
      `INSERT INTO certificates (serial, issuer_key_id, holder, purpose, status, subject, not_before, not_after, spki_sha256, created_at)
       VALUES ($1, $2, $3, 'universal', 'valid', 'CN=test', $4, $5, $6, $4)`,
      [
        randomBytes(16),
        issuer.rows[0]!.id,
        holderOf(1, m.id),
        new Date(now - 300 * dayMs),
        new Date(now + 6 * dayMs),
        randomBytes(32),
      ],
    );
    const logged: string[] = [];
    const jobs = startJobs(s.app, pino({}, { write: (line: string) => void logged.push(line) }), {
      intervalMs: 3_600_000,
    });
    await jobs.stop();
    expect(logged.join(""), "the run did not fail").not.toContain("failed");
    const notices = await noticesOf(m.id);
    expect(notices.map((n) => n.title_en)).toEqual(["Your certificate expires in 6 days"]);
    expect(notices[0]!.body_ko).toContain("범용 공동인증서");
  }, 60_000);
});
