// An Output (src/cli/output.ts) that keeps what a command printed, in English, for tests that run
// the commands through commander in this process.
import type { Output } from "../../src/cli/output.ts";

export function captureOutput(): Output & { lines: string[]; docs: unknown[] } {
  const lines: string[] = [];
  const docs: unknown[] = [];
  return {
    lang: "en",
    lines,
    docs,
    t: (_ko, en) => en,
    line: (...parts) => lines.push(parts.join(" ")),
    warn: () => {},
    json: (v) => docs.push(v),
  };
}
