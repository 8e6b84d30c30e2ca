// Transfers through the API: recipient preview, OTP, idempotent repeats, the medium lock, limits,
// notifications; balances checked in the ledger, not only in the answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueSecurityCard } from "../../../src/bank/security-medium.ts";
import { deposit, expectLedgerInvariants } from "../../support/bank.ts";
import { dbKinds } from "../../support/db.ts";
import { pins, type Session, startWebServer, type WebServer } from "../../support/web-server.ts";

describe.each(dbKinds)("transfers through the API on %s", (kind) => {
  let s: WebServer;
  let hong: Session;
  beforeAll(async () => {
    s = await startWebServer(kind);
    hong = await s.login("hong", "Hong!2026demo");
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  async function balance(number: string): Promise<bigint> {
    const { rows } = await s.app.db.query<{ balance: bigint }>(
      "SELECT balance FROM accounts WHERE number = $1",
      [number.replaceAll("-", "")],
    );
    return rows[0]!.balance;
  }

  it("shows the recipient's real name and cooperative before sending", async () => {
    const r = await s.request("POST", "/api/transfers/recipient", {
      session: hong,
      body: {
        fromAccount: s.hong.accounts[0],
        toAccount: s.lee.accounts[0]!.replaceAll("-", ""),
        amount: "30000",
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      toAccount: s.lee.accounts[0],
      recipientName: "이철수",
      cooperativeName: "해오름새마을금고",
      amount: "30000",
      fee: "0",
    });
    const bad = await s.request("POST", "/api/transfers/recipient", {
      session: hong,
      body: { fromAccount: s.hong.accounts[0], toAccount: "9002-0000-1000-0", amount: "1" },
    });
    expect(bad.json().error.code).toBe("bad_account_number");
    const tooMuch = await s.request("POST", "/api/transfers/recipient", {
      session: hong,
      body: { fromAccount: s.hong.accounts[0], toAccount: s.kim.accounts[0], amount: "5000001" },
    });
    expect(tooMuch.json().error.code).toBe("insufficient_funds");
  });

  it("sends once per idempotency key: a repeat gets the same receipt and moves nothing", async () => {
    const before = { hong: await balance(s.hong.accounts[0]!), lee: await balance(s.lee.accounts[0]!) };
    expect((await s.request("GET", "/api/transfers/challenge", { session: hong })).json()).toEqual({
      medium: "otp",
      signatureNonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      signatureNonceExpiresAt: new Date(s.clock.now().getTime() + 600_000).toISOString(),
    });
    const body = {
      idempotencyKey: "form-3f9a1c7e-0001",
      fromAccount: s.hong.accounts[0],
      toAccount: s.lee.accounts[0],
      amount: "30000",
      memo: "모임회비",
      pin: pins.hong,
      otp: s.nextOtp(s.hong),
    };
    const first = await s.request("POST", "/api/transfers", { session: hong, body });
    expect(first.statusCode).toBe(201);
    const receipt = first.json();
    expect(receipt).toMatchObject({
      fromAccount: s.hong.accounts[0],
      toAccount: s.lee.accounts[0],
      recipientName: "이철수",
      amount: "30000",
      balanceAfter: String(before.hong - 30_000n),
      memo: "모임회비",
      at: s.clock.now().toISOString(),
    });
    // The double click, and a retry a minute later: the same OTP code, the same answer.
    const again = await s.request("POST", "/api/transfers", { session: hong, body });
    s.clock.advance(60_000);
    const later = await s.request("POST", "/api/transfers", { session: hong, body });
    for (const r of [again, later]) {
      expect(r.statusCode).toBe(201);
      expect(r.json()).toEqual(receipt);
      expect(r.headers["idempotent-replayed"]).toBe("true");
    }
    expect(await balance(s.hong.accounts[0]!)).toBe(before.hong - 30_000n);
    expect(await balance(s.lee.accounts[0]!)).toBe(before.lee + 30_000n);
    const { rows } = await s.app.db.query("SELECT 1 FROM transfers WHERE idempotency_key = $1", [
      body.idempotencyKey,
    ]);
    expect(rows).toHaveLength(1);
    // The same key for another transfer is refused.
    const other = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...body, amount: "31000" },
    });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.code).toBe("idempotency_key_reused");
    await expectLedgerInvariants(s.app.db);

    // One notification each way, however many repeats; the history shows it with the names.
    const notes = (await s.request("GET", "/api/notifications", { session: hong })).json();
    expect(notes.notifications.filter((n: { kind: string }) => n.kind === "transfer_out")).toHaveLength(1);
    expect(notes.notifications[0].body.ko).toContain("이철수");
    const leeNotes = await s.app.db.query<{ kind: string }>(
      "SELECT kind FROM notifications WHERE cooperative_id = 2 AND member_id = $1",
      [s.lee.member.id],
    );
    expect(leeNotes.rows.map((r) => r.kind)).toEqual(["transfer_in"]);
    const history = (
      await s.request("GET", `/api/accounts/${s.hong.accounts[0]}/history?limit=1`, { session: hong })
    ).json();
    expect(history.entries[0]).toMatchObject({
      kind: "out",
      amount: "30000",
      counterpartyName: "이철수",
      memo: "이철수",
    });
  });

  /** Hong's wrong-code counts: the withdrawal account's PIN and the OTP device. */
  async function hongFailures(): Promise<{ pin: number; medium: number }> {
    const pin = await s.app.db.query<{ pin_failures: number }>(
      "SELECT pin_failures FROM accounts WHERE number = $1",
      [s.hong.accounts[0]!.replaceAll("-", "")],
    );
    const medium = await s.app.db.query<{ failures: number }>(
      "SELECT failures FROM security_media WHERE cooperative_id = 1 AND member_id = $1",
      [s.hong.member.id],
    );
    return { pin: pin.rows[0]!.pin_failures, medium: medium.rows[0]!.failures };
  }

  it("the same transfer sent twice at once goes once; the duplicate checks no code and counts no try", async () => {
    const before = await balance(s.hong.accounts[0]!);
    const body = {
      idempotencyKey: "twice-at-once-0001",
      fromAccount: s.hong.accounts[0],
      toAccount: s.lee.accounts[0],
      amount: "2000",
      pin: pins.hong,
      otp: s.nextOtp(s.hong),
    };
    const answers = await Promise.all([
      s.request("POST", "/api/transfers", { session: hong, body }),
      s.request("POST", "/api/transfers", { session: hong, body }),
    ]);
    const made = answers.filter((r) => r.statusCode === 201 && !r.headers["idempotent-replayed"]);
    expect(made).toHaveLength(1);
    const receipt = made[0]!.json();
    const duplicate = answers.find((r) => r !== made[0])!;
    // Still running: 409 with Retry-After, and asking again then gets the first receipt.
    if (duplicate.statusCode === 409) {
      expect(duplicate.json().error.code).toBe("transfer_in_progress");
      expect(duplicate.headers["retry-after"]).toBe("1");
      const again = await s.request("POST", "/api/transfers", { session: hong, body });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(receipt);
    } else {
      expect(duplicate.statusCode).toBe(201);
      expect(duplicate.json()).toEqual(receipt);
    }
    expect(await hongFailures()).toEqual({ pin: 0, medium: 0 });
    expect(await balance(s.hong.accounts[0]!)).toBe(before - 2000n);
    const { rows } = await s.app.db.query("SELECT 1 FROM transfers WHERE idempotency_key = $1", [
      body.idempotencyKey,
    ]);
    expect(rows).toHaveLength(1);
  });

  it("another transfer under a key in flight is idempotency_key_reused, not a wrong code", async () => {
    const body = {
      idempotencyKey: "twice-other-0001",
      fromAccount: s.hong.accounts[0],
      toAccount: s.lee.accounts[0],
      amount: "2000",
      pin: pins.hong,
      otp: s.nextOtp(s.hong),
    };
    const answers = await Promise.all([
      s.request("POST", "/api/transfers", { session: hong, body }),
      s.request("POST", "/api/transfers", { session: hong, body: { ...body, amount: "2100" } }),
    ]);
    // Whichever claims the key first goes (the two race, on PGlite too); the other is refused.
    const [first, other] = answers[0]!.statusCode === 201 ? answers : [answers[1]!, answers[0]!];
    expect(first!.statusCode).toBe(201);
    expect(other!.statusCode).toBe(400);
    expect(other!.json().error.code).toBe("idempotency_key_reused");
    expect(await hongFailures()).toEqual({ pin: 0, medium: 0 });
  });

  it("an OTP code used again in its step is otp_reused, not counted; a wrong PIN tells the tries left", async () => {
    const otp = s.nextOtp(s.hong);
    const body = {
      fromAccount: s.hong.accounts[0],
      toAccount: s.lee.accounts[0],
      amount: "1000",
      pin: pins.hong,
    };
    const first = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...body, idempotencyKey: "otp-once-0001", otp },
    });
    expect(first.statusCode).toBe(201);
    const reused = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...body, idempotencyKey: "otp-once-0002", otp },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toMatchObject({
      code: "otp_reused",
      message: { en: "This code was just used; wait for the next one." },
    });
    expect(await hongFailures()).toEqual({ pin: 0, medium: 0 });

    const wrongPin = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...body, idempotencyKey: "otp-once-0003", otp: s.nextOtp(s.hong), pin: "0000" },
    });
    expect(wrongPin.json().error).toMatchObject({ code: "pin_wrong", details: { remaining: 4, max: 5 } });
    const right = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...body, idempotencyKey: "otp-once-0004", otp: s.nextOtp(s.hong) },
    });
    expect(right.statusCode).toBe(201);
    expect(await hongFailures()).toEqual({ pin: 0, medium: 0 });
  });

  it("notifies the recipient member, who can mark it read", async () => {
    const kim = await s.login("kim2026", "Kim!2026pass");
    const r = await s.request("POST", "/api/transfers", {
      session: kim,
      body: {
        idempotencyKey: "kim-to-hong-000001",
        fromAccount: s.kim.accounts[0],
        toAccount: s.hong.accounts[1],
        amount: "12345",
        pin: pins.kim,
        otp: s.nextOtp(s.kim),
      },
    });
    expect(r.statusCode).toBe(201);
    const list = (await s.request("GET", "/api/notifications", { session: hong })).json();
    const incoming = list.notifications.find((n: { kind: string }) => n.kind === "transfer_in");
    expect(incoming).toMatchObject({
      read: false,
      title: { ko: "입금 12,345원", en: "Received KRW 12,345" },
    });
    const read = await s.request("POST", `/api/notifications/${incoming.id}/read`, { session: hong });
    expect(read.statusCode).toBe(204);
    const after = (await s.request("GET", "/api/notifications", { session: hong })).json();
    expect(after.unread).toBe(list.unread - 1);
  });

  it("a wrong PIN is refused before the OTP is spent", async () => {
    const code = s.nextOtp(s.hong);
    const body = { fromAccount: s.hong.accounts[0], toAccount: s.kim.accounts[0], amount: "1000", otp: code };
    const wrong = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...body, idempotencyKey: "pin-wrong-0000001", pin: "0000" },
    });
    expect(wrong.json().error.code).toBe("pin_wrong");
    const right = await s.request("POST", "/api/transfers", {
      session: hong,
      body: { ...body, idempotencyKey: "pin-right-0000001", pin: pins.hong },
    });
    expect(right.statusCode).toBe(201);
  });

  it("every code entry counts, refused or not: wrong PINs add up, and the eleventh in 10 minutes is 429 unjudged", async () => {
    // A session of its own: code entry is limited per session.
    const session = await s.login("hong", "Hong!2026demo");
    const before = await balance(s.hong.accounts[0]!);
    let n = 0;
    // One code for all: none of the refused transfers below gets as far as spending it.
    let otp = s.nextOtp(s.hong);
    const send = (body: { pin?: string; amount?: string }) =>
      s.request("POST", "/api/transfers", {
        session,
        body: {
          idempotencyKey: `every-entry-${++n}`,
          fromAccount: s.hong.accounts[0],
          toAccount: s.kim.accounts[0],
          amount: "1000",
          pin: pins.hong,
          otp,
          ...body,
        },
      });
    // The misses are written though each transfer is refused.
    expect((await send({ pin: "0000" })).json().error).toMatchObject({
      code: "pin_wrong",
      details: { remaining: 4 },
    });
    expect((await send({ pin: "0001" })).json().error).toMatchObject({
      code: "pin_wrong",
      details: { remaining: 3 },
    });
    // Refused before any code is judged, and counted all the same.
    for (let i = 0; i < 8; i++) {
      expect((await send({ amount: "100000001" })).json().error.code).toBe("exceeds_transfer_limit");
    }
    const limited = await send({});
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("rate_limited");
    expect(await hongFailures()).toEqual({ pin: 2, medium: 0 });
    // A token a minute comes back; the right PIN then clears the count.
    s.clock.advance(30_000);
    otp = s.nextOtp(s.hong); // 30 s more
    expect((await send({})).statusCode).toBe(201);
    expect(await hongFailures()).toEqual({ pin: 0, medium: 0 });
    expect(await balance(s.hong.accounts[0]!)).toBe(before - 1000n);
  });

  it("five wrong OTP codes in a row lock transfers; nothing moves", async () => {
    const kim = await s.login("kim2026", "Kim!2026pass");
    const before = await balance(s.kim.accounts[0]!);
    const send = (otp: string, n: number) =>
      s.request("POST", "/api/transfers", {
        session: kim,
        body: {
          idempotencyKey: `kim-wrong-otp-${n}`,
          fromAccount: s.kim.accounts[0],
          toAccount: s.hong.accounts[0],
          amount: "1000",
          pin: pins.kim,
          otp,
        },
      });
    for (let i = 1; i <= 4; i++) {
      const good = s.nextOtp(s.kim);
      const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, "0");
      const r = await send(wrong, i);
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: "medium_wrong", details: { remaining: 5 - i } });
    }
    const fifth = await send("000000", 5);
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe("medium_locked");
    const right = await send(s.nextOtp(s.kim), 6);
    expect(right.json().error.code).toBe("medium_locked");
    expect((await s.request("GET", "/api/transfers/challenge", { session: kim })).json().error.code).toBe(
      "medium_locked",
    );
    expect(await balance(s.kim.accounts[0]!)).toBe(before);
  });

  it("keeps to the limits the member lowered, per transfer and per day", async () => {
    s.clock.advance(86_400_000);
    hong = await s.login("hong", "Hong!2026demo");
    const limits = await s.request("PUT", "/api/limits", {
      session: hong,
      body: { perTransfer: "50000", perDay: "80000" },
    });
    expect(limits.json()).toEqual({ medium: "otp", perTransfer: "50000", perDay: "80000", usedToday: "0" });
    const send = (amount: string, key: string) =>
      s.request("POST", "/api/transfers", {
        session: hong,
        body: {
          idempotencyKey: key,
          fromAccount: s.hong.accounts[0],
          toAccount: s.kim.accounts[0],
          amount,
          pin: pins.hong,
          otp: s.nextOtp(s.hong),
        },
      });
    const over = await send("50001", "limit-test-000001");
    expect(over.json().error).toMatchObject({ code: "exceeds_transfer_limit", details: { limit: "50000" } });
    expect((await send("50000", "limit-test-000002")).statusCode).toBe(201);
    const daily = await send("40000", "limit-test-000003");
    expect(daily.json().error).toMatchObject({
      code: "exceeds_daily_limit",
      details: { limit: "80000", used: "50000" },
    });
    expect((await send("30000", "limit-test-000004")).statusCode).toBe(201);
    const shown = (await s.request("GET", "/api/limits", { session: hong })).json();
    expect(shown.usedToday).toBe("80000");
    // Raising again is a branch matter.
    const raise = await s.request("PUT", "/api/limits", {
      session: hong,
      body: { perTransfer: "60000", perDay: "80000" },
    });
    expect(raise.statusCode).toBe(403);
    expect(raise.json().error.code).toBe("raise_at_branch");
    const odd = await s.request("PUT", "/api/limits", {
      session: hong,
      body: { perTransfer: "70000", perDay: "60000" },
    });
    expect(odd.json().error.code).toBe("raise_at_branch");
    const inverted = await s.request("PUT", "/api/limits", {
      session: hong,
      body: { perTransfer: "40000", perDay: "30000" },
    });
    expect(inverted.json().error.code).toBe("bad_limits");
    await expectLedgerInvariants(s.app.db);
  });

  it("refuses malformed bodies with 400 validation and changes nothing", async () => {
    for (const body of [
      {
        idempotencyKey: "short",
        fromAccount: s.hong.accounts[0],
        toAccount: s.kim.accounts[0],
        amount: "1",
        pin: "1234",
      },
      {
        idempotencyKey: "valid-key-0001",
        fromAccount: s.hong.accounts[0],
        toAccount: s.kim.accounts[0],
        amount: 1000,
        pin: "1234",
      },
      {
        idempotencyKey: "valid-key-0002",
        fromAccount: s.hong.accounts[0],
        toAccount: s.kim.accounts[0],
        amount: "-5",
        pin: "1234",
      },
      {
        idempotencyKey: "valid-key-0003",
        fromAccount: s.hong.accounts[0],
        toAccount: s.kim.accounts[0],
        amount: "1",
        pin: "1234",
        extra: 1,
      },
    ]) {
      const r = await s.request("POST", "/api/transfers", { session: hong, body });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe("validation");
    }
  });

  it("with a security card: the two code numbers asked, one answer per challenge, the card's limits", async () => {
    const card = await issueSecurityCard(s.app.bank, { cooperativeId: 1, memberId: s.kim.member.id });
    await deposit(s.app.bank, s.kim.accountRows[0]!, 20_000_000n);
    const kim = await s.login("kim2026", "Kim!2026pass");
    const challenge = async () => {
      const r = await s.request("GET", "/api/transfers/challenge", { session: kim });
      expect(r.statusCode).toBe(200);
      return r.json() as { medium: string; first: number; second: number };
    };
    /** What the member reads off the card: the first two digits of one code, the last two of another. */
    const read = (c: { first: number; second: number }) => ({
      first: card.codes[c.first - 1]!.slice(0, 2),
      second: card.codes[c.second - 1]!.slice(2),
    });
    const send = (key: string, amount: string, answer: { first: string; second: string }) =>
      s.request("POST", "/api/transfers", {
        session: kim,
        body: {
          idempotencyKey: key,
          fromAccount: s.kim.accounts[0],
          toAccount: s.hong.accounts[0],
          amount,
          pin: pins.kim,
          card: answer,
        },
      });

    const asked = await challenge();
    expect(asked.medium).toBe("card");
    expect(asked.first).not.toBe(asked.second);
    // The numbers stay until answered: reloading the form does not draw new ones to guess at
    // (the signature nonce is new each time: one per transfer form).
    const reloaded = await challenge();
    expect({ ...reloaded, signatureNonce: "" }).toEqual({ ...asked, signatureNonce: "" });
    const right = read(asked);
    const wrong = { ...right, first: String((Number(right.first) + 1) % 100).padStart(2, "0") };
    const refused = await send("kim-card-wrong-0001", "1000", wrong);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: "medium_wrong", details: { remaining: 4, max: 5 } });

    const before = await balance(s.hong.accounts[0]!);
    const sent = await send("kim-card-right-0001", "10000000", right);
    expect(sent.statusCode).toBe(201);
    expect(await balance(s.hong.accounts[0]!)).toBe(before + 10_000_000n);

    // The card's own limit (10,000,000 won a transfer, DESIGN.md §3), not the OTP's.
    const over = await send("kim-card-over-00001", "10000001", read(await challenge()));
    expect(over.statusCode).toBe(400);
    expect(over.json().error.code).toBe("exceeds_transfer_limit");
    await expectLedgerInvariants(s.app.db);
  });
});
