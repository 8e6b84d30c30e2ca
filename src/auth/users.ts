// Internet banking user IDs and their passwords (scrypt), as a branch enrols a member. Login,
// lockout and sessions build on this (src/auth, with the web app).
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import type { Queryable } from "../db/db.ts";

const scryptAsync = promisify(scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: { N: number; maxmem: number },
) => Promise<Buffer>;
const scryptN = 2 ** 15;
// N = 2^15 with r = 8 takes 32 MiB, exactly Node's default cap; give it room.
const scryptMaxmem = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { N: scryptN, maxmem: scryptMaxmem });
  return `scrypt$${scryptN}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    maxmem: scryptMaxmem,
  });
  return timingSafeEqual(actual, expected);
}

export async function enrollUser(
  db: Queryable,
  options: {
    cooperativeId: number;
    memberId: bigint;
    userId: string;
    password: string;
    mustChangePassword: boolean;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO users (cooperative_id, member_id, user_id, user_id_key, password_hash, must_change_password, enrolled_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      options.cooperativeId,
      options.memberId,
      options.userId,
      options.userId.toLowerCase(),
      await hashPassword(options.password),
      options.mustChangePassword,
      options.at,
    ],
  );
}

export async function findUser(
  db: Queryable,
  userId: string,
): Promise<{ cooperativeId: number; memberId: bigint; userId: string; passwordHash: string } | undefined> {
  const { rows } = await db.query<{
    cooperative_id: number;
    member_id: bigint;
    user_id: string;
    password_hash: string;
  }>("SELECT cooperative_id, member_id, user_id, password_hash FROM users WHERE user_id_key = $1", [
    userId.toLowerCase(),
  ]);
  const r = rows[0];
  return (
    r && {
      cooperativeId: r.cooperative_id,
      memberId: r.member_id,
      userId: r.user_id,
      passwordHash: r.password_hash,
    }
  );
}
