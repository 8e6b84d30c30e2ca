// The bank's time as this page last saw it: the Date header of the server's responses (the API's,
// and the CA certificate's just before each CMP exchange), kept as one offset from this computer's
// clock for the whole page. CMP requests carry it as their messageTime (the CA refuses one more than
// five minutes off its own), expiry times and validity judged on the page line up with the server's,
// and the centre's pages tell a member whose clock is off (ClockNotice), since other sites will not cope.

/** Server clock minus ours, in milliseconds; undefined until a response with a Date header is read. */
let offsetMs: number | undefined;

/**
 * Notes the server's time from a response's Date header. The header is whole seconds and was
 * written somewhere between our request and its answer: the middle of that span, plus half a
 * second, is off by at most the round trip's half plus half a second.
 */
export function noteServerDate(response: Response, sentAt: number, receivedAt: number = Date.now()): void {
  const date = Date.parse(response.headers.get("date") ?? "");
  if (Number.isNaN(date)) return;
  offsetMs = date + 500 - (sentAt + receivedAt) / 2;
}

/** Server clock minus ours, in milliseconds; 0 (this computer's clock) until a response said. */
export function serverOffsetMs(): number {
  return offsetMs ?? 0;
}

/** The bank's time now, as far as this page knows it; this computer's own clock until a response said. */
export function serverNow(): Date {
  return new Date(Date.now() + serverOffsetMs());
}

/** For tests: forget what was noted. */
export function forgetServerDate(): void {
  offsetMs = undefined;
}
