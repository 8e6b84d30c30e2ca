// The CA's time as this page last saw it: the Date header of the centre's own responses, kept as an
// offset from this computer's clock. CMP requests carry it as their messageTime (the CA refuses one
// more than five minutes off its own), so a member whose computer's clock is wrong can still renew;
// and the pages tell that member their clock is off (clock-notice), since other sites will not cope.

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

/** The CA's time now, as far as this page knows it; this computer's own clock until a response said. */
export function serverNow(): Date {
  return new Date(Date.now() + (offsetMs ?? 0));
}

/** For tests: forget what was noted. */
export function forgetServerDate(): void {
  offsetMs = undefined;
}
