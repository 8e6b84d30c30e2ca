// The command line's language: Korean for a Korean locale, English otherwise. The words themselves
// live in src/messages, shared with the server and the web app.
import type { Lang } from "../messages/index.ts";

export function chooseLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const pick = env.GEUMGO_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? "";
  return pick.toLowerCase().startsWith("ko") ? "ko" : "en";
}
