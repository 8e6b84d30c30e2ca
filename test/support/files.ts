// Reads test files in Node (from disk) and in the browser project (through the Vite server's /@fs
// route), so that one test file runs in both.
declare const __VECTORS_DIR__: string;

export const vectorsDir: string = __VECTORS_DIR__;
export const npkiVectorsDir = `${vectorsDir}/npki`;

export const inBrowser = typeof window !== "undefined" && typeof document !== "undefined";

export async function readTestFile(absolutePath: string): Promise<Uint8Array> {
  if (!inBrowser) {
    const fs = await import("node:fs/promises");
    return new Uint8Array(await fs.readFile(absolutePath));
  }
  const res = await fetch(`/@fs${absolutePath}`);
  if (!res.ok) throw new Error(`cannot fetch ${absolutePath}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export function readVector(relative: string): Promise<Uint8Array> {
  return readTestFile(`${npkiVectorsDir}/${relative}`);
}
