// Calendar days in Asia/Seoul, written once for every area that counts days (business days,
// daily limits, history and statement ranges). Korea keeps UTC+9 all year (no daylight saving
// since 1988), so a fixed offset is exact and a day is plain arithmetic. Imports nothing.

export const seoulOffsetMs = 9 * 3_600_000;
export const dayMs = 86_400_000;

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** The Seoul calendar day of an instant, YYYY-MM-DD. */
export function seoulDay(at: Date): string {
  return new Date(at.getTime() + seoulOffsetMs).toISOString().slice(0, 10);
}

/** The instant a Seoul calendar day (YYYY-MM-DD) starts; an invalid date for a malformed day. */
export function seoulMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+09:00`);
}

/** The start of the Seoul day of `at`, and the start of the next. */
export function seoulDayBounds(at: Date): { start: Date; end: Date } {
  const start = Math.floor((at.getTime() + seoulOffsetMs) / dayMs) * dayMs - seoulOffsetMs;
  return { start: new Date(start), end: new Date(start + dayMs) };
}

/** The calendar day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + dayMs).toISOString().slice(0, 10);
}

/** True when the instant is a Seoul midnight (the start of a day). */
export function isSeoulMidnight(at: Date): boolean {
  return (at.getTime() + seoulOffsetMs) % dayMs === 0;
}

/** YYYY-MM-DD HH:mm:ss in Asia/Seoul. */
export function formatSeoulDateTime(at: Date): string {
  return new Date(at.getTime() + seoulOffsetMs).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * Whole Seoul days as instants: from the start of `first` to the end of `last` (exclusive); either
 * end may be left open. Undefined when a day is malformed or the range is empty or backwards, so
 * that each caller refuses it in its own words.
 */
export function seoulDayRange(
  first: string | undefined,
  last: string | undefined,
): { from?: Date; to?: Date } | undefined {
  if ((first !== undefined && !dayPattern.test(first)) || (last !== undefined && !dayPattern.test(last)))
    return undefined;
  const from = first === undefined ? undefined : seoulMidnight(first);
  const to = last === undefined ? undefined : new Date(seoulMidnight(last).getTime() + dayMs);
  if (
    (from && Number.isNaN(from.getTime())) ||
    (to && Number.isNaN(to.getTime())) ||
    (from && to && from >= to)
  ) {
    return undefined;
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
