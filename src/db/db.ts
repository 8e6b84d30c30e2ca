// One connection interface over PGlite (embedded PostgreSQL, the default) and a PostgreSQL server
// (node-postgres), so every domain runs the same SQL on both. int8 reads as bigint on both.

export type Row = Record<string, unknown>;

export interface QueryResult<T = Row> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Isolation = "read committed" | "repeatable read" | "serializable";

export interface TransactionOptions {
  isolation?: Isolation;
  /** Retries after a serialization failure or deadlock (SQLSTATE 40001, 40P01); default 5. */
  retries?: number;
}

export interface Db extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** Both drivers take bigint parameters as their decimal text, which PostgreSQL casts exactly. */
export function toParams(params: readonly unknown[] | undefined): unknown[] {
  const one = (p: unknown): unknown => (typeof p === "bigint" ? p.toString() : p);
  return (params ?? []).map((p) => (Array.isArray(p) ? p.map(one) : one(p)));
}

const retryableStates = new Set(["40001", "40P01"]);

export function isRetryable(e: unknown): boolean {
  return typeof e === "object" && e !== null && retryableStates.has(String((e as { code?: unknown }).code));
}

/** A driver error with this SQLSTATE, and on this constraint when one is named. */
function isViolation(e: unknown, sqlState: string, constraint: string | undefined): boolean {
  if (typeof e !== "object" || e === null) return false;
  const err = e as { code?: unknown; constraint?: unknown };
  return err.code === sqlState && (constraint === undefined || err.constraint === constraint);
}

/** Unique-constraint violation (SQLSTATE 23505), for callers that turn it into a domain answer. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  return isViolation(e, "23505", constraint);
}

/**
 * Foreign-key violation (SQLSTATE 23503): the row names a row that does not exist (an insert) or
 * is still named by another (a delete). For callers that turn it into a domain answer.
 */
export function isForeignKeyViolation(e: unknown, constraint?: string): boolean {
  return isViolation(e, "23503", constraint);
}

export function beginStatement(isolation: Isolation | undefined): string {
  return isolation ? `BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}` : "BEGIN";
}
