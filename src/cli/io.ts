// File and terminal input/output for the command line: passwords from a file or typed without echo,
// outputs that never overwrite a file unless asked, and atomic replacement of files in place.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CliError } from "./errors.ts";

export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new CliError("file_not_found", path);
    throw e;
  }
}

/** A secret from a file: the first line, without its line ending. */
export async function readSecretFile(path: string): Promise<string> {
  const text = new TextDecoder().decode(await readInput(path));
  return text.split(/\r?\n/)[0] ?? "";
}

/**
 * Reads a line at the terminal without echoing it. By 'data' events, not `for await`: leaving an
 * async iterator destroys stdin, and a second prompt (a new password after the old) then fails.
 */
export async function promptSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new CliError("password_required");
  // Echo off before the prompt shows, so that nothing typed after it can appear on the screen.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  let onData: ((chunk: Buffer | string) => void) | undefined;
  let onEnd: (() => void) | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = "";
      onData = (chunk) => {
        for (const ch of String(chunk)) {
          // Enter, or Ctrl-D (end of input: in raw mode it arrives as a character).
          if (ch === "\r" || ch === "\n" || ch === "\u0004") return resolve(value);
          if (ch === "\u0003") return reject(new CliError("password_required")); // Ctrl-C
          if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
          else value += ch;
        }
      };
      onEnd = () => resolve(value);
      stdin.on("data", onData);
      stdin.once("end", onEnd);
      stdin.resume();
    });
  } finally {
    if (onData) stdin.off("data", onData);
    if (onEnd) stdin.off("end", onEnd);
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
  }
}

export async function secretFrom(file: string | undefined, prompt: string): Promise<string> {
  return file !== undefined ? readSecretFile(file) : promptSecret(prompt);
}

/**
 * Writes a new file, refusing to replace one unless `force`; the bytes land through a temporary
 * file and a rename, so a crash never leaves half a key behind.
 */
export async function writeOutput(path: string, data: Uint8Array | string, force = false): Promise<void> {
  if (!force && existsSync(path)) throw new CliError("file_exists", path);
  await replaceFile(path, data);
}

export async function replaceFile(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new CliError("file_not_found", dirname(path));
    throw e;
  }
}
