// `npm start` runs this first: it builds the web app (web/ → web/dist) when the build is missing
// or older than any source file, and otherwise leaves it, so a start stays quick. Without Vite
// (a production install without dev dependencies) it says so and the server starts anyway.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const web = import.meta.dirname;
const stamp = join(web, "dist", "index.html");
// The browser also loads the shared words and the PKI library from the package's own src/.
const sources = [
  ...["src", "public", "index.html", "teller.html", "vite.config.ts"].map((p) => join(web, p)),
  ...["messages", "pki"].map((p) => join(web, "..", "src", p)),
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let latest = s.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...sources.map(newest));
if (built > 0 && built >= changed && process.env.GEUMGO_BUILD_WEB !== "1") {
  console.log("web/dist is up to date (GEUMGO_BUILD_WEB=1 builds anyway)");
  process.exit(0);
}
if (!existsSync(join(web, "..", "node_modules", "vite"))) {
  console.warn(
    "web/dist is missing or stale and Vite is not installed: run `npm install` then `npm run build:web`",
  );
  process.exit(0);
}
const run = spawnSync(
  "npx",
  ["vite", "build", "--config", join(web, "vite.config.ts"), "--logLevel", "warn"],
  {
    stdio: "inherit",
    cwd: join(web, ".."),
  },
);
if (run.status === 0) console.log("built web/dist");
else {
  console.warn("the web build failed; the server starts without the web app (it answers / with 503)");
}
