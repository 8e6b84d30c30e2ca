// The closing route over HTTP, as the console drives it: bad input a 4xx with its code and Korean
// and English words (never a 500), a member's account closed with its balance paid in cash, a
// repeat answered once, and the last demand account of an internet banking user kept.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbKinds } from "../../support/db.ts";
import {
  demoAccount,
  expectRefusal,
  startTellerServer,
  TellerClient,
  type TellerServer,
} from "./teller-server.ts";

describe.each(dbKinds)("the closing route on %s", (kind) => {
  let s: TellerServer;
  let t: TellerClient;
  beforeAll(async () => {
    s = await startTellerServer(kind);
    t = new TellerClient(s.url);
    await t.login();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  }, 60_000);

  it("refuses bad input by name, closes with cash paid, and answers a repeat once", async () => {
    const savings = await demoAccount(s.app, "홍길동", "savings");
    const demand = await demoAccount(s.app, "홍길동");
    const younghee = await demoAccount(s.app, "김영희");
    const chulsoo = await demoAccount(s.app, "이철수");
    expect((await t.post("/api/teller/cash/drawer/open", { count: "500000" })).status).toBe(201);
    const deposited = await t.post("/api/teller/cash/deposits", {
      idempotencyKey: randomUUID(),
      account: savings.number,
      amount: "30000",
    });
    expect(deposited.status).toBe(201);

    const url = (memberId: string, number: string) =>
      `/api/teller/members/${memberId}/accounts/${encodeURIComponent(number)}/close`;
    const close = (body: Record<string, unknown>, path = url(savings.memberId, savings.number)) =>
      t.post<{
        amount: string;
        receipt: { kind: string } | null;
        account: { status: string };
        replayed: boolean;
      }>(path, {
        idempotencyKey: randomUUID(),
        payout: { kind: "cash" },
        pin: "1234",
        idCheck: { document: "resident_card", checked: true },
        ...body,
      });
    expectRefusal(await close({ payout: { kind: "cheque" } }), 400, "validation");
    expectRefusal(await close({ payout: { kind: "transfer" } }), 400, "validation");
    expectRefusal(await close({ payout: { kind: "cash", to: demand.number } }), 400, "validation");
    expectRefusal(await close({ pin: "12a4" }), 400, "validation");
    expectRefusal(await close({ idempotencyKey: "short" }), 400, "validation");
    expectRefusal(await close({}, url(savings.memberId, "not-a-number")), 400, "validation");
    expectRefusal(await close({}, url("0", savings.number)), 400, "validation");
    expectRefusal(await close({}, url(savings.memberId, "9002-0000-9999-0")), 400, "bad_account_number");
    // Another member's account under this member, another cooperative's member: not found.
    expectRefusal(await close({}, url(savings.memberId, younghee.number)), 404, "account_not_found");
    expectRefusal(await close({}, url(chulsoo.memberId, chulsoo.number)), 404, "member_not_found");
    expectRefusal(
      await close({ payout: { kind: "transfer", to: chulsoo.number } }),
      400,
      "close_target_not_own",
    );
    expectRefusal(
      await close({ idCheck: { document: "resident_card", checked: false } }),
      400,
      "id_not_checked",
    );
    expectRefusal(await close({ pin: "0000" }), 400, "pin_wrong");
    expectRefusal(
      await t.post(
        url(savings.memberId, savings.number),
        {
          idempotencyKey: randomUUID(),
          payout: { kind: "cash" },
          pin: "1234",
          idCheck: { document: "passport", checked: true },
        },
        { csrf: false },
      ),
      403,
      "csrf",
    );

    const key = randomUUID();
    const closed = await close({ idempotencyKey: key });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({
      amount: "30000",
      receipt: { kind: "closing" },
      account: { status: "closed" },
    });
    const again = await close({ idempotencyKey: key });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual({ ...closed.body, replayed: true });
    expectRefusal(await close({}), 400, "account_closed");
    const drawer = await t.get<{ cash: string }>("/api/teller/cash/drawer");
    expect(drawer.body.cash).toBe("500000");

    // 홍길동 is enrolled for internet banking: the last demand account stays.
    expectRefusal(await close({}, url(demand.memberId, demand.number)), 409, "last_account_internet_banking");
  });
});
