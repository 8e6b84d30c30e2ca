// The NPKI storage layout of KISA KCAC.TS.UI: NPKI/<CA>/USER/<subject>/signCert.der + signPri.key,
// found under the places Korean software keeps it (home folder, Windows LocalLow, macOS
// Preferences, removable disks), read, and written.
import { existsSync } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import { homedir, userInfo } from "node:os";
import { basename, dirname, join } from "node:path";
import { npkiCertFileName, npkiFolderSegments, npkiKeyFileName } from "../../pki/npki-folder.ts";
import { CliError } from "../errors.ts";
import { readInput, writeOutput } from "../io.ts";

export const certFileName = npkiCertFileName;
export const keyFileName = npkiKeyFileName;

export interface NpkiFiles {
  dir: string;
  certificate: Uint8Array;
  keyFile: Uint8Array | undefined;
}

/**
 * Reads a certificate folder; PATH may be the folder or either file in it. The key file is
 * optional here: commands that need it say so.
 */
export async function readNpkiFolder(path: string): Promise<NpkiFiles> {
  let dir = path;
  try {
    if (!(await stat(path)).isDirectory()) dir = dirname(path);
  } catch {
    throw new CliError("file_not_found", path);
  }
  const certPath = join(dir, certFileName);
  if (!existsSync(certPath)) throw new CliError("not_npki_folder", dir);
  const keyPath = join(dir, keyFileName);
  return {
    dir,
    certificate: await readInput(certPath),
    keyFile: existsSync(keyPath) ? await readInput(keyPath) : undefined,
  };
}

export async function readNpkiFolderWithKey(path: string): Promise<NpkiFiles & { keyFile: Uint8Array }> {
  const files = await readNpkiFolder(path);
  if (!files.keyFile) throw new CliError("not_npki_folder", files.dir);
  return { ...files, keyFile: files.keyFile };
}

/** Where NPKI software keeps certificates on this machine, most usual first; only those that exist. */
export async function defaultNpkiRoots(): Promise<string[]> {
  const home = homedir();
  const user = userInfo().username;
  const roots = [
    join(home, "NPKI"),
    join(home, "AppData", "LocalLow", "NPKI"),
    join(home, "Library", "Preferences", "NPKI"),
  ];
  // Removable disks: each mount point's top folder may hold an NPKI folder.
  const mountParents = [`/media/${user}`, `/run/media/${user}`, "/media", "/mnt", "/Volumes"];
  for (const parent of mountParents) {
    for (const entry of await readdir(parent).catch(() => [] as string[])) {
      roots.push(join(parent, entry, "NPKI"));
    }
  }
  if (process.platform === "win32") {
    for (const letter of "DEFGHIJKLMNOPQRSTUVWXYZ") roots.push(`${letter}:\\NPKI`);
  }
  return [...new Set(roots)].filter((r) => existsSync(r));
}

/** Bounds on the walk, so that pointing it at / does not read the whole disk. */
const walkDepthMax = 6;
const walkFoldersMax = 10_000;

/** Every folder holding a signCert.der under the roots, sorted by path. */
export async function findNpkiFolders(roots: string[]): Promise<string[]> {
  const found: string[] = [];
  let visited = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > walkDepthMax || visited++ > walkFoldersMax) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.isFile() && e.name === certFileName)) found.push(dir);
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith(".")) await walk(join(dir, e.name), depth + 1);
    }
  };
  for (const root of roots) await walk(root, 0);
  return [...new Set(found)].sort();
}

/**
 * The folder NPKI software would keep this certificate in under `base`: the CA's organisation
 * name, then the subject DN most-specific first (cn=…,ou=…,o=…,c=kr), as KCAC.TS.UI lays it out
 * (src/pki/npki-folder.ts, which the browser's stores share).
 */
export function npkiFolderFor(base: string, certificate: Uint8Array): string {
  const [npki, ca, user, subject] = npkiFolderSegments(certificate);
  const root = basename(base) === npki ? base : join(base, npki);
  return join(root, ca, user, subject);
}

export async function writeNpkiFolder(
  dir: string,
  files: { certificate: Uint8Array; keyFile: Uint8Array },
  force: boolean,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Check both before writing either, so a refusal leaves nothing half-written.
  for (const name of [certFileName, keyFileName]) {
    if (!force && existsSync(join(dir, name))) throw new CliError("file_exists", join(dir, name));
  }
  await writeOutput(join(dir, certFileName), files.certificate, true);
  await writeOutput(join(dir, keyFileName), files.keyFile, true);
}
