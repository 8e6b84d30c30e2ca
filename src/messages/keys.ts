// The refusal of a process whose keys do not match the database (src/server/key-checks.ts), in
// Korean and English: which key, why, and what the operator does about it.
import type { Lang } from "./words.ts";

/**
 * One key that does not fit: its check value in the database differs from this process's; or
 * this process generated it just now for a database that holds data already; or, in a database
 * from before the check values, it does not open what that database holds sealed.
 */
export interface KeyMismatch {
  /** The environment variable that gives the key (GEUMGO_RRN_KEY, …). */
  env: string;
  reason: "differs" | "generated" | "does_not_open";
  /** The start of the check values (the database's, this process's), for telling processes apart. */
  database?: string;
  here?: string;
  /** The data-directory file this process read the key from, or generated it into just now. */
  file?: string;
  generated?: boolean;
}

export const keyMismatchCode = "key_mismatch";

const where = "docs/operations.md, “Several processes on one database”";

function origin(m: KeyMismatch, lang: Lang): string {
  if (!m.file) return "";
  if (lang === "ko")
    return m.generated ? `; 이 프로세스가 방금 ${m.file}에 만든 키` : `; ${m.file}에서 읽은 키`;
  return m.generated ? `; this process generated it just now in ${m.file}` : `; read from ${m.file}`;
}

function line(m: KeyMismatch, lang: Lang): string {
  const from = origin(m, lang);
  if (lang === "ko") {
    if (m.reason === "differs")
      return `${m.env}가 데이터베이스와 맞지 않아요(확인값: 데이터베이스 ${m.database}, 이 프로세스 ${m.here}${from}).`;
    if (m.reason === "generated")
      return `${m.env}를 이 프로세스가 방금 만들었지만, 데이터베이스에는 이미 다른 키로 만든 데이터가 있어요${from ? `(${from.slice(2)})` : ""}.`;
    return `${m.env}로 데이터베이스에 있는 데이터를 열 수 없어요${from ? `(${from.slice(2)})` : ""}.`;
  }
  if (m.reason === "differs")
    return `${m.env} does not match the database (check value there ${m.database}, here ${m.here}${from}).`;
  if (m.reason === "generated")
    return `${m.env} does not match the database: this process generated it just now, but the database holds data made under other keys${m.file ? ` (${m.file})` : ""}.`;
  return `${m.env} does not match the database: it does not open the data the database holds${from ? ` (${from.slice(2)})` : ""}.`;
}

/** The whole refusal: a line per key, the generated files removed, and what to do. */
export function describeKeyMismatch(
  mismatches: readonly KeyMismatch[],
  removed: readonly string[],
  lang: Lang,
): string {
  const lines = mismatches.map((m) => line(m, lang));
  if (removed.length > 0) {
    lines.push(
      lang === "ko"
        ? `이 프로세스가 만든 키 파일은 지웠어요: ${removed.join(", ")}`
        : `The key files this process generated are removed again: ${removed.join(", ")}`,
    );
  }
  lines.push(
    lang === "ko"
      ? `이 데이터베이스를 쓰는 다른 프로세스와 같은 키를 주세요(환경 변수나 비밀 관리자로; 데이터 디렉터리마다 따로 만든 키는 안 돼요). 자세한 내용: ${where}`
      : `Give this process the same keys as the other processes on this database (environment variables or a secrets manager, never a data directory of its own): see ${where}.`,
  );
  return lines.join("\n");
}
