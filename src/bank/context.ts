// What every bank use case needs: the database, the keys for personal data and passbook PINs, and a
// clock (so that tests and GEUMGO_FAKE_NOW can move time).
import type { Db } from "../db/db.ts";
import type { RrnKeys } from "./rrn-vault.ts";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface BankContext {
  db: Db;
  rrnKeys: RrnKeys;
  /** 32 bytes: the HMAC key of passbook PINs (src/bank/passbook-pin.ts), kept apart from the database. */
  pinKey: Uint8Array;
  clock: Clock;
}
