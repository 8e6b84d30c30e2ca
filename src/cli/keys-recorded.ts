// What a command or the server says when it recorded the database's key check values
// (src/server/key-checks.ts): on a new database, or on one from before the check values.
import type { Output } from "./output.ts";

/** What a process says when it recorded key check values (key-checks.ts). */
export function keysRecordedLine(
  out: Output,
  recorded: readonly string[],
  existingDatabase: boolean,
): string {
  const names = recorded.join(", ");
  return existingDatabase
    ? out.t(
        `기존 데이터베이스에 이 프로세스의 키 확인값을 기록했습니다: ${names}. 이 데이터베이스를 쓰는 모든 프로세스는 이 키를 써야 합니다`,
        `recorded the check values of this process's keys in the existing database: ${names}; every process on this database must now have these keys`,
      )
    : out.t(
        `새 데이터베이스에 키 확인값을 기록했습니다: ${names}`,
        `recorded key check values in the new database: ${names}`,
      );
}
