import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getAccount } from "../../src/bank/accounts.ts";
import { seoulDateRange } from "../../src/bank/history.ts";
import { csvText, loadStatement, type StatementOptions, statementCsv } from "../../src/bank/statement.ts";
import { statementPdf } from "../../src/bank/statement-pdf.ts";
import { transfer } from "../../src/bank/transfer.ts";
import { bankFixture, deposit, expectLedgerInvariants, type Fixture } from "../support/bank.ts";

/** Seoul wall-clock time as an instant. */
function seoul(local: string): Date {
  return new Date(`${local}+09:00`);
}

/** Runs a poppler tool; they come from Debian's poppler-utils, which .ci/run installs. */
function poppler(tool: "pdftotext" | "pdftoppm" | "pdfinfo" | "pdffonts", args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: "utf8" });
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT")
      throw new Error(`${tool} missing: apt-get install poppler-utils`);
    throw e;
  }
}

describe("account statements (거래내역서) on pglite", () => {
  let f: Fixture;
  let dir: string;
  let options: StatementOptions;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "geumgo-statement-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    // The fixture deposits 1,000,000 won into every account at 2026-11-25 12:00 Seoul time.
    f = await bankFixture("pglite");
    const [a, b] = f.accounts;
    const pay = async (
      at: string,
      amount: bigint,
      memo: { memoTo?: string; memoFrom?: string },
      reverse = false,
    ) => {
      f.clock.at = seoul(at);
      const [from, to] = reverse ? [b!, a!] : [a!, b!];
      const owner = f.members.find((m) => m.id === from.memberId)!;
      await transfer(f.ctx, {
        idempotencyKey: `statement-${at}`,
        actor: { kind: "member", cooperativeId: owner.cooperativeId, memberId: owner.id, medium: "otp" },
        from: { cooperativeId: from.cooperativeId, accountId: from.id },
        to: { cooperativeId: to.cooperativeId, accountId: to.id },
        amount,
        ...memo,
      });
    };
    // Account b's postings: three inside 26–27 November, one each side of it.
    await pay("2026-11-26T09:30:00", 50_000n, { memoTo: '점심값, "맛집"' });
    await pay("2026-11-26T18:00:00", 30_000n, { memoTo: '=HYPERLINK("x.io")' });
    await pay("2026-11-27T08:15:00", 200_000n, { memoFrom: "월세" }, true);
    await pay("2026-11-28T10:00:00", 7_000n, { memoTo: "범위밖" });
    f.clock.at = seoul("2026-11-29T09:00:00");
    options = {
      cooperativeId: b!.cooperativeId,
      accountId: b!.id,
      ...seoulDateRange("2026-11-26", "2026-11-27"),
      issuedAt: f.clock.now(),
    };
  });
  afterEach(async () => {
    await expectLedgerInvariants(f.db);
    await f.close();
  });

  it("writes CSV for Excel: BOM, CRLF, oldest first, plain amounts, quoting, formula defence", async () => {
    const csv = await statementCsv(f.ctx, options);
    expect(csv.startsWith("\uFEFF거래내역서 (Statement of transactions),,,,\r\n")).toBe(true);
    expect(csv.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
    const records = csv.slice(1).split("\r\n");
    expect(records.at(-1)).toBe(""); // the last record ends with CRLF too
    expect(records).toContain("금고,서울중앙새마을금고,,,");
    expect(records).toContain("예금주,회원1-1,,,");
    expect(records).toContain(
      `계좌번호,${f.accounts[1]!.number.replace(/^(\d{4})(\d{4})(\d{4})(\d)$/, "$1-$2-$3-$4")},,,`,
    );
    expect(records).toContain("예금종류,보통예금,,,");
    expect(records).toContain("조회기간,2026-11-26 ~ 2026-11-27,,,");
    expect(records).toContain("발급일시,2026-11-29 09:00:00,,,");

    const header = records.indexOf("거래일시,적요,출금,입금,잔액");
    expect(header).toBeGreaterThan(0);
    expect(records.slice(header + 1, header + 5)).toEqual([
      '2026-11-26 09:30:00,"점심값, ""맛집""",,50000,1050000',
      // The apostrophe keeps Excel from running the memo as a formula.
      '2026-11-26 18:00:00,"\'=HYPERLINK(""x.io"")",,30000,1080000',
      "2026-11-27 08:15:00,월세,200000,,880000",
      ",,,,",
    ]);
    expect(csv).not.toContain("현금입금"); // the 25 November deposit, before the period
    expect(csv).not.toContain("범위밖"); // the 28 November transfer, after it

    expect(records.slice(-6, -1)).toEqual([
      "거래건수,3,,,",
      "입금합계,80000,,,",
      "출금합계,200000,,,",
      "기초잔액,1000000,,,",
      "기말잔액,880000,,,",
    ]);
    // The closing balance plus what came after the period is the account's balance now.
    const b = await getAccount(f.db, options.cooperativeId, options.accountId);
    expect(b.balance).toBe(880_000n + 7_000n);
  });

  it("defends every formula lead character and quotes what RFC 4180 needs", () => {
    expect(csvText("=1+1")).toBe("'=1+1");
    expect(csvText("+82 10")).toBe("'+82 10");
    expect(csvText("-5")).toBe("'-5");
    expect(csvText("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvText("\t=cmd")).toBe("'\t=cmd");
    expect(csvText("\r=cmd")).toBe('"\'\r=cmd"');
    expect(csvText("a\nb")).toBe('"a\nb"');
    expect(csvText("홍길동")).toBe("홍길동");
    expect(csvText("1=1")).toBe("1=1");
  });

  it("gives the balance at the start when the period has no postings", async () => {
    const quiet = await loadStatement(f.ctx, { ...options, ...seoulDateRange("2026-12-01", "2026-12-31") });
    expect(quiet.entries).toEqual([]);
    expect(quiet.totals).toEqual({
      count: 0,
      totalIn: 0n,
      totalOut: 0n,
      opening: 887_000n,
      closing: 887_000n,
    });

    const before = await loadStatement(f.ctx, { ...options, ...seoulDateRange("2026-11-01", "2026-11-24") });
    expect(before.totals).toMatchObject({ count: 0, opening: 0n, closing: 0n });

    const csv = await statementCsv(f.ctx, { ...options, ...seoulDateRange("2026-12-01", "2026-12-31") });
    expect(csv).toContain("\r\n거래건수,0,,,\r\n");
    expect(csv).toContain("\r\n기초잔액,887000,,,\r\n기말잔액,887000,,,\r\n");
  });

  it("says so when the listing is capped, and keeps the totals for the whole period", async () => {
    const s = await loadStatement(f.ctx, { ...options, rowsMax: 2 });
    expect(s.truncated).toBe(true);
    expect(s.entries.map((e) => e.description)).toEqual(['=HYPERLINK("x.io")', "월세"]);
    expect(s.totals).toEqual({
      count: 3,
      totalIn: 80_000n,
      totalOut: 200_000n,
      opening: 1_000_000n,
      closing: 880_000n,
    });
    const csv = await statementCsv(f.ctx, { ...options, rowsMax: 2 });
    expect(csv).toMatch(/\r\n비고,기간 중 거래 3건 가운데 최근 2건만 표시합니다\./);
    expect(csv).not.toContain("점심값");

    const file = join(dir, "capped.pdf");
    await writeFile(file, await statementPdf(f.ctx, { ...options, rowsMax: 2 }));
    const text = poppler("pdftotext", [file, "-"]);
    expect(text).toContain("기간 중 거래 3건 가운데 최근 2건만 표시합니다.");
    expect(text).not.toContain("점심값");
  });

  it("prints a PDF whose Korean text extracts and whose first page renders", async () => {
    const pdf = await statementPdf(f.ctx, options);
    expect(Buffer.from(pdf.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const file = join(dir, "statement.pdf");
    await writeFile(file, pdf);

    const text = poppler("pdftotext", [file, "-"]);
    for (const expected of [
      "거래내역서 (Statement of transactions)",
      "서울중앙새마을금고",
      "회원1-1",
      "월세",
      "점심값",
      "50,000원",
      "1,050,000원",
      "200,000원",
      "880,000원",
      "2026-11-26 ~ 2026-11-27",
    ]) {
      expect(text).toContain(expected);
    }
    // pdftotext drops the spaces of a short line like "1 / 1" (its word-gap guess), hence \s*.
    expect(text).toMatch(/^1\s*\/\s*1$/m);
    expect(text).not.toContain("범위밖");
    expect(poppler("pdfinfo", [file])).toMatch(/^Pages:\s+1$/m);

    // The font is embedded (with a Unicode map, hence the extractable text) and only as a subset:
    // the whole font file alone is 2.7 MB.
    expect(poppler("pdffonts", [file])).toMatch(
      /Pretendard-Regular\S*\s+CID TrueType\s+Identity-H\s+yes\s+\S+\s+yes/,
    );
    expect(pdf.length).toBeLessThan(100_000);

    // Dated at issue and free of randomness: the same statement gives the same bytes.
    expect(Buffer.from(await statementPdf(f.ctx, options)).equals(Buffer.from(pdf))).toBe(true);

    poppler("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", file, join(dir, "page")]);
    const png = await readFile(join(dir, "page-1.png"));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it("runs over several pages with the table header and page numbers on each", async () => {
    const b = f.accounts[1]!;
    f.clock.at = seoul("2026-12-02T09:00:00");
    // A memo of twenty syllables (the most a memo holds) fits the column; twenty wide letters do not,
    // and are cut with an ellipsis.
    for (const memoTo of ["가나다라마바사아자차카타파하거너더러머버", "W".repeat(20)]) {
      f.clock.advance(30_000);
      await transfer(f.ctx, {
        idempotencyKey: `statement-memo-${memoTo}`,
        actor: { kind: "system" },
        from: { cooperativeId: f.accounts[0]!.cooperativeId, accountId: f.accounts[0]!.id },
        to: { cooperativeId: b.cooperativeId, accountId: b.id },
        amount: 1n,
        memoTo,
      });
    }
    for (let i = 0; i < 120; i++) {
      f.clock.advance(60_000);
      await deposit(f.ctx, b, BigInt(1_000 * (i + 1)));
    }
    const pdf = await statementPdf(f.ctx, {
      ...options,
      ...seoulDateRange("2026-12-02", "2026-12-02"),
      issuedAt: f.clock.now(),
    });
    const file = join(dir, "long.pdf");
    await writeFile(file, pdf);
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(poppler("pdfinfo", [file]))![1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    // pdftotext ends each page with a form feed.
    const texts = poppler("pdftotext", [file, "-"]).split("\f").slice(0, pages);
    texts.forEach((page, i) => {
      expect(page).toContain("거래일시");
      expect(page).toContain("잔액");
      expect(page).toMatch(new RegExp(`^${i + 1}\\s*/\\s*${pages}$`, "m"));
    });
    expect(texts[0]).toContain("122건");
    expect(texts[0]).toContain("가나다라마바사아자차카타파하거너더러머버");
    expect(texts[0]).toMatch(/^W{10,19}…$/m);
    expect(texts.at(-1)).toContain("120,000원"); // the last deposit, on the last page
    expect(texts.at(-1)).toContain("이하 여백");
  });
});
