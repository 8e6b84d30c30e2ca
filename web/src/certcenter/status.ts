// The 상태 column of the certificate selection window and the centre's home page: what a member may
// do with a certificate now. Our own certificates take their status from the server's list (it
// knows revocations and holds); other CAs' from their validity alone. DESIGN.md §4: renewal opens
// 30 days before expiry and closes on the expiry day.

export type ServerStatus = "valid" | "hold" | "revoked" | "expired" | "pending";

/** valid; expiring (만료 임박, within 30 days); or not usable: expired, revoked, hold, pending, not yet valid. */
export type DisplayStatus =
  | "valid"
  | "expiring"
  | "expired"
  | "revoked"
  | "hold"
  | "pending"
  | "not_yet_valid";

export const expiringWithinDays = 30;
const dayMs = 86_400_000;

export interface StatusInput {
  notBefore: Date;
  notAfter: Date;
  /** The server's word for one of our own certificates; undefined for another CA's. */
  server?: ServerStatus | undefined;
  /** Our certificate's renewal window from the server, when it gave one. */
  renewable?: { from: Date; until: Date } | undefined;
}

export interface Classified {
  status: DisplayStatus;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** The certificate can sign now (login, transfer). */
  usable: boolean;
  /** A renew button belongs beside it: ours, usable, inside its renewal window. */
  renewable: boolean;
}

export function classifyCertificate(input: StatusInput, now: Date): Classified {
  const daysLeft = Math.floor((input.notAfter.getTime() - now.getTime()) / dayMs);
  const expiredByDate = now.getTime() > input.notAfter.getTime();
  let status: DisplayStatus;
  if (input.server && input.server !== "valid") status = input.server;
  else if (expiredByDate) status = "expired";
  else if (now.getTime() < input.notBefore.getTime()) status = "not_yet_valid";
  else if (input.notAfter.getTime() - now.getTime() <= expiringWithinDays * dayMs) status = "expiring";
  else status = "valid";
  // A server that still says "valid" past notAfter is behind its clock; the dates win.
  if (status !== "revoked" && expiredByDate) status = "expired";
  const usable = status === "valid" || status === "expiring";
  const window = input.renewable;
  const inWindow =
    window !== undefined
      ? now.getTime() >= window.from.getTime() && now.getTime() <= window.until.getTime()
      : status === "expiring";
  return { status, daysLeft, usable, renewable: input.server !== undefined && usable && inWindow };
}

/** Serial numbers compared as the same integer: no leading zeros, lower case. */
export function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/^0+/, "") || "0";
  return norm(a) === norm(b);
}
