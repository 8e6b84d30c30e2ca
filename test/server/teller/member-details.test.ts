// The member-details routes over HTTP: a contact change and a name change answered with the member,
// the old e-mail told through the configured sender (the outbox here), and every bad input a 4xx
// with its code and Korean and English words, never a 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOutbox } from "../../../src/certcenter/message-sender.ts";
import { dbKinds } from "../../support/db.ts";
import {
  type Answer,
  auditHead,
  auditSince,
  demoMemberId,
  otherTeller,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

function expectRefusal(r: Answer, status: number, code: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  const e = (r.body as { error: { code: string; message: { ko: string; en: string } } }).error;
  expect(e.code).toBe(code);
  expect(e.message.ko).toMatch(/[가-힣]/);
  expect(e.message.en.length).toBeGreaterThan(0);
}

type Details = { member: { name: string; phone: string; email: string; address: string }; changed: string[] };

describe.each(dbKinds)("the teller's member-details routes on %s", (kind) => {
  let s: TellerServer;
  let t: TellerClient;
  let hong: string;
  let chulsoo: string;
  const checked = { document: "driver_license", checked: true };
  const details = (body: unknown, id = hong, options: { csrf?: boolean } = {}) =>
    t.post<Details>(`/api/teller/members/${id}/details`, body, options);

  beforeAll(async () => {
    s = await startTellerServer(kind);
    t = new TellerClient(s.url);
    await t.login();
    hong = await demoMemberId(s.app, "홍길동");
    chulsoo = await demoMemberId(s.app, "이철수");
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it("refuses bad input with 4xx and its code, never a 500", async () => {
    const head = await auditHead(s.app);
    expectRefusal(await details({ address: "대구광역시 중구 1" }), 400, "validation");
    expectRefusal(
      await details({ address: "대구광역시 중구 1", idCheck: { document: "library_card", checked: true } }),
      400,
      "validation",
    );
    expectRefusal(await details({ address: 7, idCheck: checked }), 400, "validation");
    expectRefusal(
      await details({ address: "대구광역시 중구 1", idCheck: checked }, "abc"),
      400,
      "validation",
    );
    expectRefusal(await details({ phone: "12", idCheck: checked }), 400, "bad_phone");
    // The field is the mobile the bank texts (휴대폰): a landline is refused by the same code.
    const landline = await details({ phone: "02-123-4567", idCheck: checked });
    expectRefusal(landline, 400, "bad_phone");
    expect(JSON.stringify(landline.body)).toContain("휴대폰");
    expectRefusal(await details({ email: "hong@", idCheck: checked }), 400, "bad_email");
    expectRefusal(await details({ address: "", idCheck: checked }), 400, "bad_address");
    expect((await details({ address: "서울\u0000종로", idCheck: checked })).status).toBe(400);
    expectRefusal(
      await details({ address: "대구광역시 중구 1", idCheck: { ...checked, checked: false } }),
      400,
      "identity_not_checked",
    );
    expectRefusal(await details({ idCheck: checked }), 409, "details_unchanged");
    expectRefusal(await details({ phone: "01012345678", idCheck: checked }), 409, "details_unchanged");
    expectRefusal(
      await details({ address: "대구광역시 중구 1", idCheck: checked }, chulsoo),
      404,
      "member_not_found",
    );
    expectRefusal(
      await details({ address: "대구광역시 중구 1", idCheck: checked }, "999999999999999999"),
      404,
      "member_not_found",
    );
    expectRefusal(
      await details({ address: "대구광역시 중구 1", idCheck: checked }, hong, { csrf: false }),
      403,
      "csrf",
    );

    const name = (body: unknown) => t.post(`/api/teller/members/${hong}/name`, body);
    expectRefusal(await name({ name: "홍길순", idCheck: checked }), 400, "validation");
    expectRefusal(
      await name({
        name: "홍길순",
        reason: { document: "court_permission", reference: " " },
        idCheck: checked,
      }),
      400,
      "name_reason_missing",
    );
    expectRefusal(
      await name({ name: 12, reason: { document: "court_permission", reference: "1234" }, idCheck: checked }),
      400,
      "validation",
    );
    expectRefusal(
      await name({
        name: "",
        reason: { document: "basic_certificate", reference: "1234" },
        idCheck: checked,
      }),
      400,
      "bad_name",
    );
    // Nothing was written, so nothing was audited.
    expect(await auditSince(s.app, head)).toEqual([]);
  });

  it("changes the address and the e-mail, telling the old e-mail; another cooperative's teller finds no one", async () => {
    const r = await details({
      address: "서울특별시 종로구 세종대로 209",
      email: "gildong@example.org",
      idCheck: checked,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.changed).toEqual(["email", "address"]);
    expect(r.body.member).toMatchObject({
      address: "서울특별시 종로구 세종대로 209",
      email: "gildong@example.org",
    });
    expect((r.body as unknown as { oldContactsTold: string[] }).oldContactsTold).toEqual(["email"]);
    const told = await readOutbox(s.app.db, { to: "hong@example.com" });
    expect(told[0]).toMatchObject({ channel: "email", purpose: "contact_changed" });
    expect(told[0]!.body).toContain("gi***@example.org");

    const view = await t.get<{ address: string }>(`/api/teller/members/${hong}`);
    expect(view.body.address).toBe("서울특별시 종로구 세종대로 209");

    const other = new TellerClient(s.url);
    await other.login(otherTeller);
    expectRefusal(
      await other.post(`/api/teller/members/${hong}/details`, { address: "부산광역시 1", idCheck: checked }),
      404,
      "member_not_found",
    );
  });

  it("changes the name with its document", async () => {
    const r = await t.post<Details>(`/api/teller/members/${hong}/name`, {
      name: "홍길순",
      reason: { document: "court_permission", reference: "2026호파1234" },
      idCheck: checked,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.member.name).toBe("홍길순");
    expect(r.body.changed).toEqual(["name"]);
  });
});
