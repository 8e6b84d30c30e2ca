import { describe, expect, it } from "vitest";
import {
  formatSeoulDateTime,
  isSeoulMidnight,
  nextDay,
  seoulDay,
  seoulDayBounds,
  seoulDayRange,
  seoulMidnight,
} from "../../src/calendar/seoul-day.ts";

describe("Seoul calendar days", () => {
  it("puts an instant on its Seoul day, 9 hours ahead of UTC", () => {
    expect(seoulDay(new Date("2026-11-25T14:59:59Z"))).toBe("2026-11-25");
    expect(seoulDay(new Date("2026-11-25T15:00:00Z"))).toBe("2026-11-26");
    expect(seoulMidnight("2026-11-26").toISOString()).toBe("2026-11-25T15:00:00.000Z");
    expect(isSeoulMidnight(new Date("2026-11-25T15:00:00Z"))).toBe(true);
    expect(isSeoulMidnight(new Date("2026-11-26T00:00:00Z"))).toBe(false);
    expect(formatSeoulDateTime(new Date("2026-11-25T14:30:05Z"))).toBe("2026-11-25 23:30:05");
  });

  it("bounds a day and steps across months and years", () => {
    const { start, end } = seoulDayBounds(new Date("2026-11-25T14:30:00Z"));
    expect(start.toISOString()).toBe("2026-11-24T15:00:00.000Z");
    expect(end.toISOString()).toBe("2026-11-25T15:00:00.000Z");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
  });

  it("turns whole days into a range, open at either end, and refuses a bad one", () => {
    expect(seoulDayRange("2026-11-20", "2026-11-20")).toEqual({
      from: new Date("2026-11-19T15:00:00Z"),
      to: new Date("2026-11-20T15:00:00Z"),
    });
    expect(seoulDayRange(undefined, "2026-11-20")).toEqual({ to: new Date("2026-11-20T15:00:00Z") });
    expect(seoulDayRange(undefined, undefined)).toEqual({});
    expect(seoulDayRange("2026-11-21", "2026-11-20")).toBeUndefined();
    expect(seoulDayRange("2026-13-01", undefined)).toBeUndefined();
    expect(seoulDayRange("26-11-01", undefined)).toBeUndefined();
  });
});
