// The certificate centre's API end to end with our own CMP client playing the browser: a web
// authorisation bound to the session that proved the member's identity; a universal certificate's
// fee held, captured exactly once in the transaction that confirms it (a receipt in the account's
// history, the ledger balanced), released when the member never confirms, refuses, or never uses
// the authorisation; a refusal for short money before any authorisation exists; a universal
// renewal refused by the CA without its renewal fee and charged with it; the member's certificates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAccount } from "../../../src/bank/accounts.ts";
import { confirmCertificate } from "../../../src/ca/confirmation.ts";
import { releaseUnusedFees } from "../../../src/certcenter/fees.ts";
import { fromHex, toBytes } from "../../../src/pki/bytes.ts";
import { parsePkiMessage } from "../../../src/pki/cmp.ts";
import { CmpRefusal, enrol, renew } from "../../../src/pki/cmp-client.ts";
import { generateKeyPair } from "../../../src/pki/csr.ts";
import { X509Certificate } from "../../../src/pki/x509.ts";
import { startJobs } from "../../../src/server/jobs.ts";
import { expectLedgerInvariants } from "../../support/bank.ts";
import { type CertcenterServer, startCertcenterSessions } from "../../support/certcenter-server.ts";
import { dbKinds } from "../../support/db.ts";
import { pins, type Session, type WebMember } from "../../support/web-server.ts";

const day = 86_400_000;

describe.each(dbKinds)("the certificate centre's issuance and fees on %s", (kind) => {
  let s: CertcenterServer;
  let hong: Session;
  let kim: Session;
  beforeAll(async () => {
    ({ s, hong, kim } = await startCertcenterSessions(kind));
  }, 60_000);
  afterAll(async () => {
    if (s) await expectLedgerInvariants(s.app.db);
    await s?.close();
  });

  /** The browser's transport: the page's fetch to /pki/cmp carries its session cookie. */
  const sendAs = (session: Session) => (der: Uint8Array<ArrayBuffer>) => s.cmp(der, session);
  /** A transport with no cookie (openssl cmp, another program): enough for a kur, signed by the old key. */
  const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
  const pinOf = (who: WebMember) => (who === s.hong ? pins.hong : pins.kim);

  async function authorize(
    session: Session,
    who: WebMember,
    purpose: string,
    extra: Record<string, string> = {},
  ) {
    return s.request("POST", "/api/certcenter/authorizations", {
      session,
      body: {
        purpose,
        rrn: await s.rrnOf(who),
        account: who.accounts[0],
        pin: pinOf(who),
        otp: s.nextOtp(who),
        ...extra,
      },
    });
  }

  async function account(number: string) {
    const { rows } = await s.app.db.query<{ balance: bigint; held: bigint }>(
      "SELECT balance, held FROM accounts WHERE number = $1",
      [number.replaceAll("-", "")],
    );
    return rows[0]!;
  }
  const feeIncome = async () =>
    (
      await s.app.db.query<{ balance: bigint }>(
        "SELECT balance FROM accounts WHERE cooperative_id = 1 AND kind = 'fee'",
      )
    ).rows[0]!.balance;
  const captures = async () =>
    Number(
      (await s.app.db.query<{ n: bigint }>("SELECT count(*) AS n FROM transfers WHERE kind = 'hold_capture'"))
        .rows[0]!.n,
    );
  const feeStatus = async (referenceNumber: string) =>
    (
      await s.app.db.query<{ status: string }>(
        "SELECT status FROM certcenter_fees WHERE authorization_ref = $1",
        [referenceNumber],
      )
    ).rows[0]?.status;
  /** The scheduled work as the server runs it (the CA's upkeep, then the fee sweep), once. */
  const runJobs = () => startJobs(s.app, s.fastify.log).stop();
  /** Enrols under the authorisation but never sends the certConf (the tab closed after the ip). */
  async function enrolWithoutConfirming(
    session: Session,
    auth: { referenceNumber: string; authorizationCode: string },
  ) {
    const dropConfirmation = async (der: Uint8Array<ArrayBuffer>) => {
      if (parsePkiMessage(der).bodyType === "certConf") throw new Error("the tab was closed");
      return s.cmp(der, session);
    };
    const keys = await generateKeyPair({ algorithm: "EC" });
    await expect(
      enrol({ send: dropConfirmation, ...auth, keys, caCertificate: s.caCertificate }),
    ).rejects.toThrow(/tab was closed/);
    const { rows } = await s.app.db.query<{ serial: Uint8Array; holder: string; status: string }>(
      "SELECT serial, holder, status FROM certificates WHERE authorization_ref = $1",
      [auth.referenceNumber],
    );
    expect(rows[0]!.status).toBe("pending");
    return rows[0]!;
  }

  let universal: { certificate: Uint8Array; keys: CryptoKeyPair } | undefined;
  let bank: { certificate: Uint8Array; keys: CryptoKeyPair } | undefined;

  it("binds a web authorisation to its session, and issues a bank-use certificate with no fee", async () => {
    const before = await account(s.hong.accounts[0]!);
    const r = await authorize(hong, s.hong, "bank");
    expect(r.statusCode).toBe(201);
    const auth = r.json();
    expect(auth.fee).toBeNull();
    expect(new Date(auth.expiresAt).getTime() - s.clock.now().getTime()).toBe(10 * 60_000);

    const mine = await s.request("GET", `/api/certcenter/authorizations/${auth.referenceNumber}`, {
      session: hong,
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ state: "open", purpose: "bank", certificate: null, fee: null });
    // Another login of the same member, or another member, does not see it.
    const otherSession = await s.login("hong", "Hong!2026demo");
    for (const session of [otherSession, kim]) {
      const other = await s.request("GET", `/api/certcenter/authorizations/${auth.referenceNumber}`, {
        session,
      });
      expect(other.statusCode).toBe(404);
      expect(other.json().error.code).toBe("authorization_unknown");
    }

    const keys = await generateKeyPair({ algorithm: "RSA" });
    const vidRandom = crypto.getRandomValues(new Uint8Array(20));
    // Nor can it enrol: not from the other login, not from another member's, not without a session.
    for (const transport of [sendAs(otherSession), sendAs(kim), send]) {
      const refused = await enrol({
        send: transport,
        ...auth,
        keys,
        vidRandom,
        caCertificate: s.caCertificate,
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CmpRefusal);
      expect((refused as CmpRefusal).failures).toEqual(["notAuthorized"]);
      expect((refused as CmpRefusal).statusText).toContain("another login session");
    }
    // A second on: the CA's budget of PBM rounds per reference number and second starts again.
    s.clock.advance(2_000);
    const { certificate } = await enrol({
      send: sendAs(hong),
      ...auth,
      keys,
      vidRandom,
      caCertificate: s.caCertificate,
    });
    bank = { certificate, keys };
    const used = (
      await s.request("GET", `/api/certcenter/authorizations/${auth.referenceNumber}`, { session: hong })
    ).json();
    expect(used).toMatchObject({ state: "used", certificate: { status: "valid" }, fee: null });
    expect(await account(s.hong.accounts[0]!)).toEqual(before);
    expect(await captures()).toBe(0);
  });

  it("holds the universal fee on the chosen account, captures it once when the certificate is confirmed, with a receipt", async () => {
    const savings = s.hong.accountRows[1]!;
    const savingsNumber = s.hong.accounts[1]!;
    const before = await account(savingsNumber);
    const income = await feeIncome();
    const r = await authorize(hong, s.hong, "universal", { feeAccount: savingsNumber });
    expect(r.statusCode, r.body).toBe(201);
    const auth = r.json();
    expect(auth.fee).toEqual({ amount: "4400", account: savingsNumber });
    expect(await account(savingsNumber)).toEqual({ balance: before.balance, held: 4_400n });
    expect(savings.id).toBeTypeOf("bigint");

    const keys = await generateKeyPair({ algorithm: "RSA" });
    const { certificate } = await enrol({
      send: sendAs(hong),
      ...auth,
      keys,
      caCertificate: s.caCertificate,
    });
    universal = { certificate, keys };
    expect(await account(savingsNumber)).toEqual({ balance: before.balance - 4_400n, held: 0n });
    expect(await feeIncome()).toBe(income + 4_400n);
    expect(await captures()).toBe(1);
    expect(await feeStatus(auth.referenceNumber)).toBe("captured");

    // The sweep and the CA's upkeep change nothing more: the fee was taken exactly once.
    await runJobs();
    expect(await account(savingsNumber)).toEqual({ balance: before.balance - 4_400n, held: 0n });
    expect(await captures()).toBe(1);

    // The receipt: the capture in the account's history, as the member reads it.
    const history = await s.request("GET", `/api/accounts/${savingsNumber}/history`, { session: hong });
    expect(history.json().entries[0]).toMatchObject({
      kind: "out",
      amount: "4400",
      memo: "범용인증서 수수료",
    });
    const status = (
      await s.request("GET", `/api/certcenter/authorizations/${auth.referenceNumber}`, { session: hong })
    ).json();
    expect(status).toMatchObject({
      state: "used",
      certificate: { status: "valid" },
      fee: { status: "captured" },
    });
  });

  it("lists the member's certificates with status, window and the issuing CA's certificate", async () => {
    const r = await s.request("GET", "/api/certcenter/certificates", { session: hong });
    expect(r.statusCode).toBe(200);
    const { certificates, caCertificate } = r.json();
    expect(Buffer.from(caCertificate, "base64")).toEqual(Buffer.from(s.caCertificate));
    expect(
      certificates.map((c: { purpose: string; status: string }) => [c.purpose, c.status]).sort(),
    ).toEqual([
      ["bank", "valid"],
      ["universal", "valid"],
    ]);
    const x509 = new X509Certificate(toBytes(universal!.certificate));
    const u = certificates.find((c: { purpose: string }) => c.purpose === "universal");
    expect(u.serial).toBe(x509.serialNumber.toLowerCase());
    expect(u.issuer).toBe(x509.issuer);
    expect(new Date(u.notAfter).getTime()).toBe(x509.notAfter.getTime());
    expect(new Date(u.renewable.until).getTime()).toBe(x509.notAfter.getTime());
    expect(new Date(u.renewable.until).getTime() - new Date(u.renewable.from).getTime()).toBe(30 * day);
    // Kim has none yet; nobody sees another's.
    expect(
      (await s.request("GET", "/api/certcenter/certificates", { session: kim })).json().certificates,
    ).toEqual([]);
  });

  it("takes no fee when the tab closes before certConf: the certificate is revoked and the hold released", async () => {
    const number = s.kim.accounts[0]!;
    const before = await account(number);
    const capturesBefore = await captures();
    const auth = (await authorize(kim, s.kim, "universal")).json();
    expect(await account(number)).toEqual({ balance: before.balance, held: 4_400n });
    await enrolWithoutConfirming(kim, auth);
    const listed = (await s.request("GET", "/api/certcenter/certificates", { session: kim })).json();
    expect(listed.certificates.map((c: { status: string }) => c.status)).toEqual(["pending"]);

    await runJobs();
    expect(await account(number), "still within the confirmation wait").toEqual({
      balance: before.balance,
      held: 4_400n,
    });
    s.clock.advance(16 * 60_000);
    await runJobs();
    expect(await account(number)).toEqual(before);
    expect(await feeStatus(auth.referenceNumber)).toBe("released");
    expect(await captures()).toBe(capturesBefore);
    kim = await s.login("kim2026", "Kim!2026pass");
    const after = (await s.request("GET", "/api/certcenter/certificates", { session: kim })).json();
    expect(after.certificates.map((c: { status: string }) => c.status)).toEqual(["revoked"]);
  });

  it("releases the fee at once when the member refuses the certificate, and when the authorisation runs out unused", async () => {
    const number = s.kim.accounts[0]!;
    const before = await account(number);
    const refused = (await authorize(kim, s.kim, "universal")).json();
    const pending = await enrolWithoutConfirming(kim, refused);
    await confirmCertificate(s.app.ca, { serial: pending.serial, holder: pending.holder, rejected: true });
    expect(await feeStatus(refused.referenceNumber)).toBe("released");
    expect(await account(number)).toEqual(before);

    const unused = (await authorize(kim, s.kim, "universal")).json();
    expect(await account(number)).toEqual({ balance: before.balance, held: 4_400n });
    s.clock.advance(9 * 60_000);
    await runJobs();
    expect(await feeStatus(unused.referenceNumber), "not yet expired").toBe("held");
    s.clock.advance(2 * 60_000);
    await runJobs();
    expect(await feeStatus(unused.referenceNumber)).toBe("released");
    expect(await account(number)).toEqual(before);
    // And the authorisation can no longer enrol.
    const keys = await generateKeyPair({ algorithm: "EC" });
    const late = await enrol({ send, ...unused, keys, caCertificate: s.caCertificate }).catch(
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(CmpRefusal);
    expect(await account(number)).toEqual(before);
    kim = await s.login("kim2026", "Kim!2026pass");
  });

  it("refuses a universal authorisation on an account short of the fee, before any authorisation exists", async () => {
    const empty = await openAccount(s.app.bank, {
      cooperativeId: 1,
      memberId: s.kim.member.id,
      kind: "savings",
      pin: pins.kim,
    });
    const count = async (table: string) =>
      Number((await s.app.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    const [authorizations, holds] = [await count("ca_authorizations"), await count("holds")];
    const r = await authorize(kim, s.kim, "universal", { feeAccount: empty.number });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe("insufficient_funds");
    expect(await count("ca_authorizations")).toBe(authorizations);
    expect(await count("holds")).toBe(holds);
    // Another member's account as the fee account answers as one that does not exist.
    const foreign = await authorize(kim, s.kim, "universal", { feeAccount: s.hong.accounts[0]! });
    expect(foreign.json().error.code).toBe("account_not_found");
    expect(await count("ca_authorizations")).toBe(authorizations);
  });

  it("captures once when certConfs race each other and the sweep", async () => {
    const number = s.kim.accounts[0]!;
    const before = await account(number);
    const capturesBefore = await captures();
    const auth = (await authorize(kim, s.kim, "universal")).json();
    const pending = await enrolWithoutConfirming(kim, auth);
    const confirm = () =>
      confirmCertificate(s.app.ca, { serial: pending.serial, holder: pending.holder, rejected: false });
    await Promise.all([confirm(), confirm(), releaseUnusedFees(s.app.bank), confirm()]);
    expect(await feeStatus(auth.referenceNumber)).toBe("captured");
    expect(await captures()).toBe(capturesBefore + 1);
    expect(await account(number)).toEqual({ balance: before.balance - 4_400n, held: 0n });
    // A later sweep, or the scheduler's revocation wait passing, never gives a captured fee back.
    s.clock.advance(20 * 60_000);
    await runJobs();
    expect(await feeStatus(auth.referenceNumber)).toBe("captured");
    expect(await account(number)).toEqual({ balance: before.balance - 4_400n, held: 0n });
  });

  it("renews a universal certificate only with its renewal fee held, captured at the renewal's confirmation; bank use renews free", async () => {
    const serial = new X509Certificate(toBytes(universal!.certificate)).serialNumber.toLowerCase();
    const savings = s.hong.accounts[1]!;
    hong = await s.login("hong", "Hong!2026demo");
    const early = await s.request("POST", "/api/certcenter/renewals", {
      session: hong,
      body: { serial, account: savings },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe("renewal_window");

    // Real time, where the client's messageTime is: 25 days before the certificate's expiry.
    s.clock.at = new Date();
    hong = await s.login("hong", "Hong!2026demo");
    kim = await s.login("kim2026", "Kim!2026pass");
    const before = await account(savings);
    const capturesBefore = await captures();

    // Without the fee the CA refuses the kur, and nothing is issued.
    const newKeys = await generateKeyPair({ algorithm: "EC" });
    const unpaid = await renew({
      send,
      certificate: universal!.certificate,
      key: universal!.keys.privateKey,
      newKeys,
      caCertificate: s.caCertificate,
    }).catch((e: unknown) => e);
    expect(unpaid).toBeInstanceOf(CmpRefusal);
    expect((unpaid as CmpRefusal).failures).toEqual(["notAuthorized"]);
    expect((unpaid as CmpRefusal).statusText).toContain("fee");
    expect(
      (await s.app.db.query("SELECT 1 FROM certificates WHERE replaces = $1", [fromHex(serial)])).rows,
    ).toEqual([]);

    // Someone else's certificate, and a bank-use one, are not for this route.
    const kimsRequest = await s.request("POST", "/api/certcenter/renewals", {
      session: kim,
      body: { serial, account: s.kim.accounts[0] },
    });
    expect(kimsRequest.json().error.code).toBe("certificate_unknown");
    const bankSerial = new X509Certificate(toBytes(bank!.certificate)).serialNumber.toLowerCase();
    const free = await s.request("POST", "/api/certcenter/renewals", {
      session: hong,
      body: { serial: bankSerial, account: savings },
    });
    expect(free.json().error.code).toBe("renewal_free");

    const held = await s.request("POST", "/api/certcenter/renewals", {
      session: hong,
      body: { serial, account: savings },
    });
    expect(held.statusCode, held.body).toBe(201);
    expect(held.json()).toMatchObject({ serial, amount: "4400", account: savings });
    expect(await account(savings)).toEqual({ balance: before.balance, held: 4_400n });
    // Asked again before the renewal: the same hold, not a second one.
    const again = await s.request("POST", "/api/certcenter/renewals", {
      session: hong,
      body: { serial, account: savings },
    });
    expect(again.json().expiresAt).toBe(held.json().expiresAt);
    expect(await account(savings)).toEqual({ balance: before.balance, held: 4_400n });

    const renewed = await renew({
      send,
      certificate: universal!.certificate,
      key: universal!.keys.privateKey,
      newKeys: await generateKeyPair({ algorithm: "EC" }),
      caCertificate: s.caCertificate,
    });
    expect(renewed.certificate).toBeInstanceOf(Uint8Array);
    expect(await account(savings)).toEqual({ balance: before.balance - 4_400n, held: 0n });
    expect(await captures()).toBe(capturesBefore + 1);
    await runJobs();
    expect(await captures()).toBe(capturesBefore + 1);

    // The bank-use certificate renews with no fee at all.
    const bankRenewed = await renew({
      send,
      certificate: bank!.certificate,
      key: bank!.keys.privateKey,
      newKeys: await generateKeyPair({ algorithm: "EC" }),
      caCertificate: s.caCertificate,
    });
    expect(bankRenewed.certificate).toBeInstanceOf(Uint8Array);
    expect(await captures()).toBe(capturesBefore + 1);
    const listed = (await s.request("GET", "/api/certcenter/certificates", { session: hong })).json();
    expect(
      listed.certificates.map((c: { purpose: string; status: string }) => `${c.purpose}:${c.status}`).sort(),
    ).toEqual(["bank:revoked", "bank:valid", "universal:revoked", "universal:valid"]);
  });
});
