// Directories made once and copied for each test: a migrated PGlite data directory (a fresh PGlite
// runs initdb and every migration, seconds of CPU each time, where a copy takes milliseconds), and
// whatever else a test suite builds the same way many times (the e2e harness's set-up data dir).
import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { migrate } from "../../src/db/migrate.ts";
import { openPglite } from "../../src/db/pglite.ts";

const root = resolve(import.meta.dirname, "../..");
/** In memory where the machine has it: the copies are written to as the tests run. */
const scratch = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
/** Each checkout its own templates: another checkout's sources and pruning are not ours. */
const checkout = createHash("sha256").update(root).digest("hex").slice(0, 8);

/** A hash of the files (folders taken whole) and extra words given. */
export function contentKey(paths: string[], extra: string[] = []): string {
  const hash = createHash("sha256");
  const add = (path: string) => {
    hash.update(path);
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) add(join(path, entry));
    } else hash.update(readFileSync(path));
  };
  for (const p of paths) add(join(root, p));
  for (const e of extra) hash.update(`\0${e}`);
  return hash.digest("hex").slice(0, 16);
}

const made = new Map<string, Promise<string>>();

/**
 * The template named `name-key`, made by `make` into an empty folder on first use by whichever
 * process gets there first, and kept for later runs: the key names everything that shapes it.
 */
export function template(name: string, key: string, make: (dir: string) => Promise<void>): Promise<string> {
  const path = join(scratch, `geumgo-template-${checkout}-${name}-${key}`);
  let done = made.get(path);
  if (!done) {
    done = (async () => {
      if (existsSync(path)) return path;
      const building = join(scratch, `geumgo-building-${checkout}-${randomBytes(6).toString("hex")}`);
      try {
        await make(building);
        // Whole or not at all: another process may be making the same template now.
        renameSync(building, path);
        pruneOlder(name, path);
      } catch (e) {
        rmSync(building, { recursive: true, force: true });
        if (!existsSync(path)) throw e;
      }
      return path;
    })();
    made.set(path, done);
  }
  return done;
}

/**
 * Removes earlier templates of this name (made from older sources) and half-made ones left by a
 * killed run, once an hour old: a run started before may still be copying them.
 */
function pruneOlder(name: string, keep: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of readdirSync(scratch)) {
    const path = join(scratch, entry);
    const ours =
      entry.startsWith(`geumgo-template-${checkout}-${name}-`) ||
      entry.startsWith(`geumgo-building-${checkout}-`);
    if (!ours || path === keep) continue;
    try {
      if (statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone already: another run pruned it.
    }
  }
}

function migratedTemplate(): Promise<string> {
  const key = contentKey(["node_modules/@electric-sql/pglite/package.json", "src/db"]);
  return template("pglite", key, async (dir) => {
    const db = await openPglite(dir);
    await migrate(db);
    await db.close();
  });
}

/** Writes a migrated, empty PGlite data directory at `dir` (which must not exist yet). */
export async function migratedPgliteDir(dir: string): Promise<void> {
  cpSync(await migratedTemplate(), dir, { recursive: true });
}

/** A migrated, empty PGlite data directory of its own, and how to remove it. */
export async function scratchPgliteDir(): Promise<{ dir: string; remove(): void }> {
  const parent = mkdtempSync(join(scratch, "geumgo-pglite-"));
  const dir = join(parent, "pglite");
  await migratedPgliteDir(dir);
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
