// The web app's small pure helpers: account numbers (against the bank's own check), dates for the
// history presets, resident registration numbers as a teller types them, user IDs, path patterns.
import { describe, expect, it } from "vitest";
import { makeAccountNumber, parseAccountNumber } from "../../src/bank/account-number.ts";
import { checkAccountNumber, formatAccountNumber } from "../../web/src/lib/account-number.ts";
import {
  addDays,
  formatDateTime,
  isDate,
  lastDayBefore,
  presetRange,
  seoulToday,
  subtractMonths,
} from "../../web/src/lib/dates.ts";
import { formatCountdown } from "../../web/src/lib/idle-clock.ts";
import { matchPath } from "../../web/src/lib/paths.ts";
import { checkRrn, formatRrnInput } from "../../web/src/lib/rrn.ts";
import { isValidUserId } from "../../web/src/lib/user-id.ts";

describe("account numbers", () => {
  it("accept what the bank makes and refuse what its parser refuses", () => {
    for (let serial = 0; serial < 2000; serial += 7) {
      const number = makeAccountNumber("9002", serial);
      expect(checkAccountNumber(number)).toEqual({ digits: number });
      expect(checkAccountNumber(formatAccountNumber(number))).toEqual({ digits: number });
      // Every single-digit typo of the check digit is caught, as the server's parser does.
      const typo = number.slice(0, 12) + String((Number(number[12]) + 1) % 10);
      expect(checkAccountNumber(typo)).toEqual({ problem: "check_digit" });
      expect(() => parseAccountNumber(typo)).toThrow();
    }
    expect(checkAccountNumber("")).toEqual({ problem: "empty" });
    expect(checkAccountNumber("9002-1234")).toEqual({ problem: "length" });
    expect(formatAccountNumber("9002000010003")).toBe("9002-0000-1000-3");
  });
});

describe("dates", () => {
  it("is the Seoul day, which starts at 15:00 UTC", () => {
    expect(seoulToday(new Date("2026-03-01T14:59:59Z"))).toBe("2026-03-01");
    expect(seoulToday(new Date("2026-03-01T15:00:00Z"))).toBe("2026-03-02");
  });

  it("fills the presets: a week back, and a month back clamped to the month's end", () => {
    expect(presetRange("1w", "2026-03-05")).toEqual({ from: "2026-02-26", to: "2026-03-05" });
    expect(presetRange("1m", "2026-03-31")).toEqual({ from: "2026-02-28", to: "2026-03-31" });
    expect(presetRange("3m", "2026-05-31")).toEqual({ from: "2026-02-28", to: "2026-05-31" });
    expect(presetRange("3m", "2026-01-15")).toEqual({ from: "2025-10-15", to: "2026-01-15" });
    expect(subtractMonths("2024-03-30", 1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
  });

  it("knows a real date from a look-alike", () => {
    expect(isDate("2026-02-28")).toBe(true);
    expect(isDate("2026-02-30")).toBe(false);
    expect(isDate("2026-2-3")).toBe(false);
  });

  it("names the last day before an exclusive deadline (the enrolment lapses at its midnight)", () => {
    // Lapses at midnight starting 12-01 Seoul time (15:00 UTC the day before): register by 11-30.
    expect(lastDayBefore("2026-11-30T15:00:00.000Z")).toBe("2026-11-30");
    expect(lastDayBefore("2026-11-30T15:00:00.001Z")).toBe("2026-12-01");
  });

  it("shows API instants in Seoul time", () => {
    expect(formatDateTime("2026-03-01T23:05:00.000Z", "ko")).toBe("2026-03-02 08:05");
    expect(formatDateTime("2026-03-01T23:05:00.000Z", "en")).toBe("2026-03-02 08:05 KST");
  });
});

describe("resident registration numbers", () => {
  it("take the dash where the ID card has it and check only the shape", () => {
    expect(formatRrnInput("9001011234567")).toBe("900101-1234567");
    expect(formatRrnInput("900101")).toBe("900101");
    expect(formatRrnInput("900101-12345678")).toBe("900101-1234567");
    expect(checkRrn("900101-1234567")).toEqual({ digits: "9001011234567" });
    expect(checkRrn("901301-1234567")).toEqual({ problem: "date" });
    expect(checkRrn("900101-123")).toEqual({ problem: "length" });
    expect(checkRrn("")).toEqual({ problem: "empty" });
  });
});

describe("user IDs", () => {
  it("are 6 to 12 letters and digits", () => {
    expect(isValidUserId("hong2026")).toBe(true);
    expect(isValidUserId("abcde")).toBe(false);
    expect(isValidUserId("abcdefghijklm")).toBe(false);
    expect(isValidUserId("hong_2026")).toBe(false);
    expect(isValidUserId("홍길동님아이디")).toBe(false);
  });
});

describe("the router's patterns and the idle countdown", () => {
  it("match paths with parameters", () => {
    expect(matchPath("/accounts/:number", "/accounts/9002-0000-1000-3")).toEqual({
      number: "9002-0000-1000-3",
    });
    expect(matchPath("/accounts/:number", "/accounts")).toBeNull();
    expect(matchPath("/accounts/:number", "/accounts/%E0%A4%A")).toBeNull();
    expect(matchPath("/", "/")).toEqual({});
  });

  it("counts down in minutes and seconds", () => {
    expect(formatCountdown(600)).toBe("10:00");
    expect(formatCountdown(59.2)).toBe("1:00");
    expect(formatCountdown(-3)).toBe("0:00");
  });
});
