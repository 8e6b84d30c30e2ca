import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  enrolmentDeadline,
  holidayOn,
  holidayYears,
  isBusinessDay,
} from "../../src/auth/business-days.ts";
import { seoulDay } from "../../src/calendar/seoul-day.ts";

const kst = (s: string) => new Date(`${s}+09:00`);

describe("Korean business days", () => {
  it("knows the holidays of 2025–2027 from the data file", () => {
    expect(holidayYears).toEqual([2025, 2026, 2027]);
    for (const d of ["2026-09-24", "2026-09-25", "2026-09-26"]) expect(holidayOn(d)?.ko).toContain("추석");
    for (const d of ["2026-02-16", "2026-02-17", "2026-02-18"]) expect(holidayOn(d)?.ko).toContain("설날");
    // Substitute holidays: 삼일절 2026 falls on a Sunday, 광복절 on a Saturday, 부처님오신날 on a Sunday.
    expect(holidayOn("2026-03-02")?.ko).toContain("대체공휴일");
    expect(holidayOn("2026-08-17")?.ko).toContain("대체공휴일");
    expect(holidayOn("2026-05-25")?.ko).toContain("대체공휴일");
    expect(holidayOn("2025-10-08")?.ko).toContain("대체공휴일");
    expect(holidayOn("2027-02-09")?.ko).toContain("대체공휴일");
    expect(holidayOn("2025-06-03")?.en).toContain("election");
    expect(holidayOn("2026-07-17")?.ko).toBe("제헌절");
    expect(holidayOn("2026-11-25")).toBeUndefined();
  });

  it("every listed holiday is a valid date in a covered year", () => {
    for (const y of holidayYears) {
      for (
        let d = new Date(Date.UTC(y, 0, 1));
        d.getUTCFullYear() === y;
        d = new Date(d.getTime() + 86_400_000)
      ) {
        const date = d.toISOString().slice(0, 10);
        const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
        expect(isBusinessDay(date), date).toBe(!weekend && holidayOn(date) === undefined);
      }
    }
  });

  it("weekends are never business days, even outside the data", () => {
    expect(isBusinessDay("2030-01-05")).toBe(false); // Saturday
    expect(isBusinessDay("2030-01-06")).toBe(false); // Sunday
    expect(isBusinessDay("2030-01-07")).toBe(true);
  });

  it("counts Seoul days: 23:30 UTC is the next morning in Seoul", () => {
    expect(seoulDay(new Date("2026-09-22T23:30:00Z"))).toBe("2026-09-23");
  });

  it("adds business days over weekends and holidays", () => {
    // Wednesday before 추석 2026: Thu–Sat are 추석, Sunday is a Sunday.
    expect(addBusinessDays(kst("2026-09-23T10:00:00"), 1)).toBe("2026-09-28");
    expect(addBusinessDays(kst("2026-09-23T10:00:00"), 3)).toBe("2026-09-30");
    // An ordinary week: Monday → Thursday.
    expect(addBusinessDays(kst("2026-11-23T10:00:00"), 3)).toBe("2026-11-26");
    // Friday → Monday, Tuesday, Wednesday.
    expect(addBusinessDays(kst("2026-11-27T10:00:00"), 3)).toBe("2026-12-02");
  });

  it("an enrolment lapses at the end of the third business day after it", () => {
    expect(enrolmentDeadline(kst("2026-09-18T15:00:00"))).toEqual(kst("2026-09-24T00:00:00"));
    expect(enrolmentDeadline(kst("2026-09-23T09:00:00"))).toEqual(kst("2026-10-01T00:00:00"));
    // 설날 2027 (Sat–Mon) and its substitute (Tue): enrolled Friday 2-5, counted 2-10, 2-11, 2-12.
    expect(enrolmentDeadline(kst("2027-02-05T11:00:00"))).toEqual(kst("2027-02-13T00:00:00"));
  });
});
