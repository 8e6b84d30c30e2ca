// Calendar dates for the history filters, as YYYY-MM-DD in Seoul time (the bank's day), computed
// on whole days in UTC so no daylight or time-zone shift moves a date.

export type DatePreset = "1w" | "1m" | "3m";

/** Today's date in Seoul. */
export function seoulToday(now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Seoul",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

function toUtc(date: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** The same day `months` months earlier, or the month's last day when it has no such day. */
export function subtractMonths(date: string, months: number): string {
  const d = toUtc(date);
  const day = d.getUTCDate();
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(day, lastDay));
  return fromUtc(first);
}

/** The period a preset button fills in, ending today: 1 week back is the same weekday last week. */
export function presetRange(preset: DatePreset, today: string): { from: string; to: string } {
  switch (preset) {
    case "1w":
      return { from: addDays(today, -7), to: today };
    case "1m":
      return { from: subtractMonths(today, 1), to: today };
    case "3m":
      return { from: subtractMonths(today, 3), to: today };
  }
}

export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return fromUtc(toUtc(text)) === text;
}

/** An API timestamp shown in Seoul time: "2026-03-02 14:05". */
export function formatDateTime(iso: string, lang: "ko" | "en"): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Seoul",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const text = `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
  return lang === "ko" ? text : `${text} KST`;
}

/** An API timestamp as its Seoul date. */
export function formatDate(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : seoulToday(at);
}

/**
 * The last Seoul day before an exclusive deadline: an enrolment that lapses at midnight starting
 * 12-01 must be completed "by 11-30".
 */
export function lastDayBefore(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : seoulToday(new Date(at - 1));
}
