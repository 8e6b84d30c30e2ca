// A folder in the NPKI layout, on a real directory handle: the origin-private file system stands in
// for the folder a member picks (a test cannot click the native picker). The store writes
// NPKI/<CA>/USER/<subject>/signCert.der + signPri.key under the names NPKI software uses, lists every
// subject folder under NPKI/*/USER/, ignores a key-management pair beside the signing pair, writes a
// renewal beside the old certificate, and reports a half folder as damaged.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCertificateSummary } from "../../../src/pki/certificate.ts";
import { npkiCaFolderName, npkiSubjectFolderName } from "../../../src/pki/npki-folder.ts";
import { isCertStoreError } from "../../../web/src/certcenter/storage/errors.ts";
import { FolderCertificateStore } from "../../../web/src/certcenter/storage/folder.ts";
import { testPair } from "./fixtures.ts";

let base: FileSystemDirectoryHandle;
let name: string;
let n = 0;

beforeEach(async () => {
  const opfs = await navigator.storage.getDirectory();
  name = `folder-test-${Date.now()}-${n++}`;
  base = await opfs.getDirectoryHandle(name, { create: true });
});

afterEach(async () => {
  await (await navigator.storage.getDirectory()).removeEntry(name, { recursive: true });
});

async function dir(path: string[]): Promise<FileSystemDirectoryHandle> {
  let d = base;
  for (const p of path) d = await d.getDirectoryHandle(p);
  return d;
}

async function read(path: string[], file: string): Promise<Uint8Array> {
  return new Uint8Array(await (await (await (await dir(path)).getFileHandle(file)).getFile()).arrayBuffer());
}

async function names(path: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const h of (
    (await dir(path)) as unknown as { values(): AsyncIterable<FileSystemHandle> }
  ).values())
    out.push(h.name);
  return out.sort();
}

async function put(path: string[], file: string, bytes: Uint8Array): Promise<void> {
  let d = base;
  for (const p of path) d = await d.getDirectoryHandle(p, { create: true });
  const w = await (await d.getFileHandle(file, { create: true })).createWritable();
  await w.write(new Uint8Array(bytes));
  await w.close();
}

describe("the NPKI folder store", () => {
  it("writes NPKI/<CA>/USER/<cn=…,ou=…,o=…,c=kr>/signCert.der + signPri.key and lists it", async () => {
    const store = new FolderCertificateStore(base);
    const pair = await testPair();
    const written = await store.write(pair);
    const ca = npkiCaFolderName(pair.certificate);
    const subject = npkiSubjectFolderName(pair.certificate);
    // The test CA's issuing certificate is "C=KR, O=Test, CN=Test CA 1"; the personal profile's
    // subject is cn=홍길동()…,ou=금고협동조합,ou=personal4IB,o=Geumgo Test,c=kr.
    expect(ca).toBe("Test");
    expect(subject).toMatch(
      /^cn=홍길동\(\)0091041202012345678,ou=금고협동조합,ou=personal4IB,o=Geumgo Test,c=kr$/,
    );
    expect(written.id).toBe(`${ca}/${subject}`);
    expect(await names(["NPKI", ca, "USER", subject])).toEqual(["signCert.der", "signPri.key"]);
    expect(await read(["NPKI", ca, "USER", subject], "signCert.der")).toEqual(pair.certificate);
    expect(await read(["NPKI", ca, "USER", subject], "signPri.key")).toEqual(pair.keyFile);
    const listed = await store.list();
    expect(listed).toEqual([
      { id: written.id, kind: "folder", certificate: pair.certificate, keyFile: pair.keyFile },
    ]);
    // Picking the NPKI folder itself finds the same.
    expect((await new FolderCertificateStore(await dir(["NPKI"])).list()).map((c) => c.id)).toEqual([
      written.id,
    ]);
  });

  it("lists every USER folder under NPKI/*/, ignores a kmCert/kmPri pair, and reports a half folder", async () => {
    const store = new FolderCertificateStore(base);
    const ours = await testPair();
    const other = await testPair();
    await store.write(ours);
    // Another CA's folder, as other software left it, with the key-management pair beside.
    const otherDir = [
      "NPKI",
      "yessign",
      "USER",
      "cn=김철수()0011234520230101123456,ou=KFB,ou=personal4IB,o=yessign,c=kr",
    ];
    await put(otherDir, "signCert.der", other.certificate);
    await put(otherDir, "signPri.key", other.keyFile);
    await put(otherDir, "kmCert.der", ours.certificate);
    await put(otherDir, "kmPri.key", ours.keyFile);
    // A folder with only the km pair is no certificate at all; one with a certificate and no key is damaged.
    await put(["NPKI", "yessign", "USER", "km-only"], "kmCert.der", ours.certificate);
    await put(["NPKI", "KICA", "USER", "half"], "signCert.der", ours.certificate);

    const listed = await store.list();
    expect(listed.map((c) => c.id).sort()).toEqual(
      [`yessign/${otherDir[3]}`, `Test/${npkiSubjectFolderName(ours.certificate)}`].sort(),
    );
    const fromYessign = listed.find((c) => c.id.startsWith("yessign/"))!;
    expect(fromYessign.certificate).toEqual(other.certificate);
    expect(fromYessign.keyFile).toEqual(other.keyFile);
    const damaged = await store.damaged();
    expect(damaged).toEqual([{ id: "KICA/half", kind: "folder", reason: "the key file is missing" }]);

    // Deleting the signing pair keeps the km pair and so the folder.
    await store.delete(fromYessign.id);
    expect(await names(otherDir)).toEqual(["kmCert.der", "kmPri.key"]);
    expect((await store.list()).map((c) => c.id)).toEqual([
      `Test/${npkiSubjectFolderName(ours.certificate)}`,
    ]);
  });

  it("writes a renewal beside the old certificate: the new in the standard folder, the old kept by serial", async () => {
    const store = new FolderCertificateStore(base);
    const old = await testPair();
    const renewed = await testPair(); // same subject, new key and serial
    const first = await store.write(old);
    const second = await store.replace(first.id, renewed);
    expect(second.id).toBe(first.id);
    const listed = await store.list();
    expect(listed).toHaveLength(2);
    expect(listed.find((c) => c.id === first.id)!.certificate).toEqual(renewed.certificate);
    const serial = readCertificateSummary(old.certificate).serialNumber;
    const aside = listed.find((c) => c.id !== first.id)!;
    expect(aside.id).toBe(`${first.id}_${serial}`);
    expect(aside.certificate).toEqual(old.certificate);
    expect(aside.keyFile).toEqual(old.keyFile);
    // Writing the same certificate again changes nothing beside it.
    await store.write(renewed);
    expect(await store.list()).toHaveLength(2);
    await expect(store.replace("Test/nobody", renewed)).rejects.toSatisfy((e) =>
      isCertStoreError(e, "not_found"),
    );
  });

  it("deletes a certificate folder it wrote, and refuses an unknown one", async () => {
    const store = new FolderCertificateStore(base);
    const written = await store.write(await testPair());
    await store.delete(written.id);
    expect(await store.list()).toEqual([]);
    expect(await names(["NPKI", "Test", "USER"])).toEqual([]);
    await expect(store.delete(written.id)).rejects.toSatisfy((e) => isCertStoreError(e, "not_found"));
  });
});
