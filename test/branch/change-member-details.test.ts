// A member's details changed at the counter, on both databases: each contact field normalised and
// written, the phone only a mobile's (a landline kept from before passes only unchanged), the
// refusals by code (ID not checked, bad phone or e-mail, a name without its document,
// nothing changed, another cooperative's member), the member's notification with masked values,
// the old phone and e-mail told, and audit entries naming fields, never contact values or the RRN.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, getMember, type Member } from "../../src/bank/members.ts";
import {
  changeMemberDetails,
  changeMemberName,
  maskAddress,
  maskEmail,
  maskName,
  maskPhone,
} from "../../src/branch/change-member-details.ts";
import { formatKoreanPhone, normalizeMemberPhone } from "../../src/branch/member-phone.ts";
import type { MessageSender, OutgoingMessage } from "../../src/certcenter/message-sender.ts";
import { bankFixture, type Fixture } from "../support/bank.ts";
import { dbKinds } from "../support/db.ts";
import { tellerDesk } from "../support/desk.ts";

const rrn = "850505-1234567";
const checked = { document: "resident_card", checked: true } as const;

describe("phone numbers and masks", () => {
  it("takes Korean mobile numbers, normalised, and refuses landlines, 070 and others", () => {
    expect(normalizeMemberPhone("01012345678")).toBe("010-1234-5678");
    expect(normalizeMemberPhone(" 010 1234 5678 ")).toBe("010-1234-5678");
    expect(normalizeMemberPhone("+82 10-1234-5678")).toBe("010-1234-5678");
    expect(normalizeMemberPhone("011-123-4567")).toBe("011-123-4567");
    expect(normalizeMemberPhone("019.9876.5432")).toBe("019-9876-5432");
    for (const bad of [
      "",
      "010-123-456",
      "0101234567",
      "1234-5678",
      "010-1234-56789",
      "099-123-4567",
      "010-abcd-5678",
      "012-123-4567",
      // Numbers, but not a mobile's: no SMS reaches them.
      "02-123-4567",
      "0311234567",
      "070.1234.5678",
      "+82 2 123 4567",
    ]) {
      expect(() => normalizeMemberPhone(bad), bad).toThrow(expect.objectContaining({ code: "bad_phone" }));
    }
    // Read as numbers all the same, so that one stored before the rule compares with itself.
    expect(formatKoreanPhone("021234567")).toBe("02-123-4567");
    expect(formatKoreanPhone("070.1234.5678")).toBe("070-1234-5678");
    expect(formatKoreanPhone("12345")).toBeUndefined();
  });

  it("masks as a bank does", () => {
    expect(maskPhone("010-1234-5678")).toBe("010-****-5678");
    expect(maskPhone("02-123-4567")).toBe("02-***-4567");
    expect(maskEmail("hong.gildong@example.com")).toBe("ho***@example.com");
    expect(maskEmail("a@example.com")).toBe("a***@example.com");
    expect(maskAddress("서울특별시 종로구 세종대로 209")).toBe("서울특별시 종로구 …");
    // Without spaces, only the first characters: never the whole address.
    expect(maskAddress("서울특별시종로구세종대로209")).toBe("서울특별 …");
    expect(maskAddress("세종대로 209")).toBe("세종대로 …");
    expect(maskName("홍길순")).toBe("홍*순");
    expect(maskName("남궁민수")).toBe("남**수");
  });
});

describe.each(dbKinds)("member details changed at the counter on %s", (kind) => {
  let f: Fixture;
  let m: Member;
  const sent: OutgoingMessage[] = [];
  const sender: MessageSender = {
    name: "test",
    async send(message) {
      sent.push(message);
    },
  };
  const desk = (cooperativeId = 1) => tellerDesk(f, "teller01", { cooperativeId });
  const notices = async () =>
    (
      await f.db.query<{ kind: string; title_ko: string; body_ko: string; body_en: string }>(
        "SELECT kind, title_ko, body_ko, body_en FROM notifications WHERE cooperative_id = 1 AND member_id = $1 ORDER BY id",
        [m.id],
      )
    ).rows;
  const audits = async () =>
    (
      await f.db.query<{ action: string; payload: string }>(
        "SELECT action, payload FROM audit_log WHERE action LIKE 'teller.member_%' ORDER BY seq",
      )
    ).rows;

  beforeAll(async () => {
    f = await bankFixture(kind, { membersPerCoop: 1 });
    m = await createMember(f.ctx, {
      cooperativeId: 1,
      branchId: 1,
      realName: "홍길동",
      rrn,
      phone: "010-1111-2222",
      email: "old@example.com",
      address: "부산광역시 해운대구 해운대로 1",
    });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it("changes the phone alone, normalised, tells the member masked and the old phone", async () => {
    const a = await changeMemberDetails(
      desk(),
      m.id,
      { phone: "010 9876 5432", idCheck: checked },
      { sender },
    );
    expect(a.changed).toEqual(["phone"]);
    expect(a.member).toMatchObject({ phone: "010-9876-5432", email: "old@example.com" });
    expect(a.oldContactsTold).toEqual(["sms"]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: "sms", to: "010-1111-2222", purpose: "contact_changed" });
    expect(sent[0]!.body).toContain("010-****-5432");
    expect(sent[0]!.body).not.toContain("9876");
    const n = await notices();
    expect(n).toHaveLength(1);
    expect(n[0]).toMatchObject({ kind: "details_changed", title_ko: "회원 정보 변경" });
    expect(n[0]!.body_ko).toContain("휴대폰 번호 010-****-5432");
    expect(n[0]!.body_en).toContain("mobile number 010-****-5432");
    expect(n[0]!.body_ko).not.toContain("9876");
  });

  it("changes the e-mail and the address together, telling the old e-mail", async () => {
    sent.length = 0;
    const a = await changeMemberDetails(
      desk(),
      m.id,
      { email: " New.Mail@Example.COM ", address: "  서울특별시   종로구 세종대로 209 ", idCheck: checked },
      { sender },
    );
    expect(a.changed).toEqual(["email", "address"]);
    expect(a.member).toMatchObject({
      email: "New.Mail@example.com",
      address: "서울특별시 종로구 세종대로 209",
    });
    expect(a.oldContactsTold).toEqual(["email"]);
    expect(sent.map((s) => [s.channel, s.to])).toEqual([["email", "old@example.com"]]);
    const last = (await notices()).at(-1)!;
    expect(last.body_ko).toContain("이메일 Ne***@example.com");
    expect(last.body_ko).toContain("주소 서울특별시 종로구 …");
    expect(last.body_ko).not.toContain("세종대로");
    const stored = await getMember(f.ctx, 1, m.id);
    expect(stored.address).toBe("서울특별시 종로구 세종대로 209");
  });

  it("answers without the old contacts told when the sender fails, the change kept", async () => {
    const failing: MessageSender = {
      name: "down",
      send: () => Promise.reject(new Error("gateway down")),
    };
    const a = await changeMemberDetails(
      desk(),
      m.id,
      { phone: "011-123-4567", idCheck: checked },
      { sender: failing },
    );
    expect(a.oldContactsTold).toEqual([]);
    expect((await getMember(f.ctx, 1, m.id)).phone).toBe("011-123-4567");
    // The clock has not moved since the first phone change: still a notice of its own.
    expect((await notices()).map((n) => n.body_ko.match(/\(([^)]*)\)/)?.[1])).toEqual([
      "휴대폰 번호 010-****-5432",
      "이메일 Ne***@example.com, 주소 서울특별시 종로구 …",
      "휴대폰 번호 011-***-4567",
    ]);
  });

  it("refuses by code: ID not checked, bad phone, bad e-mail, bad address, nothing changed", async () => {
    const before = (await notices()).length;
    const refused = (input: Parameters<typeof changeMemberDetails>[2]) =>
      changeMemberDetails(desk(), m.id, input);
    await expect(
      refused({ address: "대구광역시 중구", idCheck: { document: "passport", checked: false } }),
    ).rejects.toMatchObject({ code: "identity_not_checked" });
    await expect(refused({ phone: "12345", idCheck: checked })).rejects.toMatchObject({ code: "bad_phone" });
    // The console's field is the mobile the bank texts: a landline or an 070 number is refused.
    for (const phone of ["02-123-4567", "031-123-4567", "070-1234-5678"]) {
      await expect(
        refused({ phone, address: "대구광역시 중구 1", idCheck: checked }),
        phone,
      ).rejects.toMatchObject({ code: "bad_phone" });
    }
    expect((await getMember(f.ctx, 1, m.id)).phone).toBe("011-123-4567");
    for (const email of [
      "no-at-sign",
      "a@b",
      "a b@example.com",
      "a@@example.com",
      `${"a".repeat(95)}@example.com`,
    ]) {
      await expect(refused({ email, idCheck: checked }), email).rejects.toMatchObject({ code: "bad_email" });
    }
    for (const address of ["   ", "가".repeat(201), "서울\u0000종로"]) {
      await expect(refused({ address, idCheck: checked })).rejects.toMatchObject({ code: "bad_address" });
    }
    await expect(refused({ idCheck: checked })).rejects.toMatchObject({ code: "details_unchanged" });
    // The same as now, typed differently, is still no change.
    await expect(refused({ phone: "0111234567", idCheck: checked })).rejects.toMatchObject({
      code: "details_unchanged",
    });
    expect(await notices()).toHaveLength(before);
  });

  it("does not find another cooperative's member", async () => {
    await expect(
      changeMemberDetails(desk(2), m.id, { address: "대구광역시 중구 1", idCheck: checked }),
    ).rejects.toMatchObject({ code: "member_not_found" });
    expect((await getMember(f.ctx, 1, m.id)).address).toBe("서울특별시 종로구 세종대로 209");
  });

  it("changes the name only with its document and reference", async () => {
    const reason = { document: "court_permission", reference: "2026호파1234" } as const;
    await expect(
      changeMemberName(desk(), m.id, {
        name: "홍길순",
        reason: { ...reason, reference: "  " },
        idCheck: checked,
      }),
    ).rejects.toMatchObject({ code: "name_reason_missing" });
    await expect(
      changeMemberName(desk(), m.id, {
        name: "홍길순",
        // A document the schema would not let through, as a caller without it might send.
        reason: { document: "rumour" as "court_permission", reference: "x" },
        idCheck: checked,
      }),
    ).rejects.toMatchObject({ code: "name_reason_missing" });
    await expect(
      changeMemberName(desk(), m.id, { name: "홍길1", reason, idCheck: checked }),
    ).rejects.toMatchObject({ code: "bad_name" });
    await expect(
      changeMemberName(desk(), m.id, { name: "홍길순", reason, idCheck: { ...checked, checked: false } }),
    ).rejects.toMatchObject({ code: "identity_not_checked" });
    await expect(
      changeMemberName(desk(), m.id, { name: "홍길동", reason, idCheck: checked }),
    ).rejects.toMatchObject({ code: "details_unchanged" });
    expect((await getMember(f.ctx, 1, m.id)).realName).toBe("홍길동");

    const a = await changeMemberName(desk(), m.id, { name: " 홍길순 ", reason, idCheck: checked });
    expect(a).toMatchObject({ changed: ["name"], member: { name: "홍길순" } });
    expect((await notices()).at(-1)!.body_ko).toContain("이름 홍*순");
  });

  it("audits which fields changed and the name change's names, never the RRN or contact values", async () => {
    const entries = await audits();
    expect(entries.map((e) => e.action)).toEqual([
      "teller.member_details_change",
      "teller.member_details_change",
      "teller.member_details_change",
      "teller.member_name_change",
    ]);
    const details = entries.map(
      (e) => (JSON.parse(e.payload) as { details: Record<string, unknown> }).details,
    );
    expect(details[0]).toMatchObject({ changed: ["phone"], idDocument: "resident_card", branchId: 1 });
    expect(details[1]).toMatchObject({ changed: ["email", "address"] });
    expect(details[3]).toMatchObject({
      oldName: "홍길동",
      newName: "홍길순",
      reasonDocument: "court_permission",
      reasonReference: "2026호파1234",
    });
    const all = entries.map((e) => e.payload).join("\n");
    for (const secret of [
      rrn,
      rrn.replace("-", ""),
      "9876",
      "1111-2222",
      "old@example.com",
      "New.Mail",
      "세종대로",
    ]) {
      expect(all, secret).not.toContain(secret);
    }
  });
  it("keeps a landline stored before the mobile rule when the form sends it back unchanged", async () => {
    await f.db.query("UPDATE members SET phone = '02-123-4567' WHERE cooperative_id = 1 AND id = $1", [m.id]);
    const a = await changeMemberDetails(desk(), m.id, {
      phone: "02 123 4567",
      address: "광주광역시 서구 내방로 111",
      idCheck: checked,
    });
    expect(a.changed).toEqual(["address"]);
    await expect(
      changeMemberDetails(desk(), m.id, { phone: "02-987-6543", idCheck: checked }),
    ).rejects.toMatchObject({ code: "bad_phone" });
    const b = await changeMemberDetails(desk(), m.id, { phone: "010-2222-3333", idCheck: checked });
    expect(b.member.phone).toBe("010-2222-3333");
  });

  it("compares a phone stored as typed before (no hyphens) as the counter writes it now", async () => {
    for (const [stored, sent] of [
      ["0212345678", "02-1234-5678"],
      ["01033334444", "010-3333-4444"],
    ] as const) {
      await f.db.query("UPDATE members SET phone = $2 WHERE cooperative_id = 1 AND id = $1", [m.id, stored]);
      const a = await changeMemberDetails(desk(), m.id, {
        phone: sent,
        address: `부산광역시 중구 중앙대로 ${stored.slice(-3)}`,
        idCheck: checked,
      });
      // Not a change, so not a refused landline, and no false "phone changed" notice.
      expect(a.changed).toEqual(["address"]);
      expect(a.oldContactsTold).toEqual([]);
    }
  });
});
