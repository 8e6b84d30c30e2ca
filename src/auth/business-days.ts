// Business days of the cooperatives (영업일): not a Saturday or Sunday, not a Korean public holiday.
// The holidays are data (holidays-kr.json, one list per year, extended before each year starts),
// and the days are Asia/Seoul calendar days. The enrolment deadline builds on them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dayMs, nextDay, seoulDay, seoulMidnight } from "../calendar/seoul-day.ts";

interface HolidayFile {
  years: number[];
  days: { date: string; ko: string; en: string }[];
}

const holidayFile = JSON.parse(
  readFileSync(join(import.meta.dirname, "holidays-kr.json"), "utf8"),
) as HolidayFile;

const holidays = new Map(holidayFile.days.map((d) => [d.date, { ko: d.ko, en: d.en }]));

/** The years the holiday list covers; outside them only weekends are known to be closed. */
export const holidayYears: readonly number[] = holidayFile.years;

/** The holiday's names, when the day is one. */
export function holidayOn(date: string): { ko: string; en: string } | undefined {
  return holidays.get(date);
}

export function isBusinessDay(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/** The `n`th business day after the Seoul day of `at` (that day itself is not counted). */
export function addBusinessDays(at: Date, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a whole number, got ${n}`);
  let date = seoulDay(at);
  for (let left = n; left > 0; ) {
    date = nextDay(date);
    if (isBusinessDay(date)) left--;
  }
  return date;
}

/** Online user registration must follow a branch enrolment within this many business days. */
export const enrolmentBusinessDays = 3;

/**
 * The instant an enrolment whose temporary password was never replaced lapses: the end of the
 * third business day after the enrolment day (enrolled on a Friday before 추석 2026, 9-18: the
 * days counted are 9-21, 9-22, 9-23, so it lapses at midnight starting 9-24).
 */
export function enrolmentDeadline(enrolledAt: Date): Date {
  const lastDay = addBusinessDays(enrolledAt, enrolmentBusinessDays);
  return new Date(seoulMidnight(lastDay).getTime() + dayMs);
}
