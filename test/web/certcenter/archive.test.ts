import { describe, expect, it } from "vitest";
import { utf8 } from "../../../src/pki/bytes.ts";
import { verifyCms } from "../../../src/pki/cms.ts";
import { isPkiError } from "../../../src/pki/errors.ts";
import { writePkcs12 } from "../../../src/pki/pkcs12-write.ts";
import { openPfxSigner, openSigner } from "../../../web/src/certcenter/signer.ts";
import {
  npkiZipEntries,
  pfxToEntry,
  readPfx,
  writeNpkiZip,
  writePfx,
  ZipCertificateStore,
} from "../../../web/src/certcenter/storage/archive.ts";
import { isCertStoreError } from "../../../web/src/certcenter/storage/errors.ts";
import { crc32, readZip } from "../../../web/src/certcenter/storage/zip.ts";
import { joinPfx, password, testPair } from "./fixtures.ts";

interface Crafted {
  name: string | Uint8Array;
  data: Uint8Array;
  /** 0 stored, 8 deflate (the data is deflated here). */
  method?: 0 | 8;
  /** Overrides of what the headers declare. */
  size?: number;
  flags?: number;
  madeBy?: number;
  external?: number;
}

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(data)]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A zip as any tool might write it, or as an attacker would: every field as given. */
async function craftZip(entries: Crafted[]): Promise<Uint8Array> {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === "string" ? new TextEncoder().encode(e.name) : e.name;
    const method = e.method ?? 0;
    const body = method === 8 ? await deflateRaw(e.data) : e.data;
    const size = e.size ?? e.data.length;
    const crc = crc32(e.data);
    const flags = e.flags ?? 0x0800;
    const local = new Uint8Array(30 + name.length + body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(body, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, e.madeBy ?? 0x0314, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(38, e.external ?? (0o100644 << 16) >>> 0, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const p of [...locals, ...centrals, end]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

async function refusedWith(zip: Uint8Array, code: string): Promise<void> {
  const error = await ZipCertificateStore.open(zip).catch((e: unknown) => e);
  expect(isCertStoreError(error) ? error.code : error).toBe(code);
}

describe("a .zip of an NPKI folder", () => {
  it("is written in the NPKI layout and read back; a store in memory downloads what it was given", async () => {
    const [a, b] = [await testPair(), await testPair({ kind: "RSA", modulusBits: 2048 })];
    const zip = writeNpkiZip([a]);
    const entries = await readZip(zip);
    expect(entries.map((e) => e.path)).toEqual(npkiZipEntries([a]).map((e) => e.path));
    expect(entries.map((e) => e.path).at(-1)).toMatch(
      /^NPKI\/Test\/USER\/cn=홍길동\(\)[0-9]+,ou=.*,c=kr\/signPri\.key$/,
    );
    const store = await ZipCertificateStore.open(zip);
    const listed = await store.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: "archive", certificate: a.certificate, keyFile: a.keyFile });
    // b has the same subject: written into the archive it takes the NPKI folder, and a moves beside it.
    const written = await store.write(b);
    expect(written.id).toBe(listed[0]!.id);
    const again = await (await ZipCertificateStore.open(store.toZip())).list();
    expect(again.find((c) => c.id === written.id)?.certificate).toEqual(b.certificate);
    const aside = again.find((c) => c.id !== written.id)!;
    expect(aside.id).toMatch(new RegExp(`^${written.id.replace(/[()]/g, "\\$&")}_[0-9a-f]+$`));
    expect(aside.certificate).toEqual(a.certificate);
    await store.delete(written.id);
    await store.delete(aside.id);
    expect(await store.list()).toEqual([]);
  });

  it("reads a zip another tool deflated, from any level, with CP949 names, and leaves the km pair out", async () => {
    const a = await testPair();
    const cp949 = Uint8Array.from([0xc8, 0xab, 0xb1, 0xe6, 0xb5, 0xbf]); // 홍길동 in CP949
    const folder = (file: string) => {
      const prefix = new TextEncoder().encode("yessign/USER/cn=");
      const suffix = new TextEncoder().encode(`()0011234,ou=KFB,o=yessign,c=kr/${file}`);
      const name = new Uint8Array(prefix.length + cp949.length + suffix.length);
      name.set(prefix);
      name.set(cp949, prefix.length);
      name.set(suffix, prefix.length + cp949.length);
      return name;
    };
    const zip = await craftZip([
      { name: folder("signCert.der"), data: a.certificate, method: 8, flags: 0 },
      { name: folder("signPri.key"), data: a.keyFile, method: 8, flags: 0 },
      { name: folder("kmCert.der"), data: a.certificate, method: 8, flags: 0 },
      { name: folder("kmPri.key"), data: a.keyFile, method: 8, flags: 0 },
    ]);
    const listed = await (await ZipCertificateStore.open(zip)).list();
    expect(listed).toHaveLength(1);
    expect(listed[0]!.id).toBe("yessign/USER/cn=홍길동()0011234,ou=KFB,o=yessign,c=kr");
    expect(listed[0]!.certificate).toEqual(a.certificate);
    expect(listed[0]!.keyFile).toEqual(a.keyFile);
  });

  it("refuses paths that leave the folder, absolute paths, drive letters and symbolic links", async () => {
    const data = new Uint8Array([1, 2, 3]);
    for (const name of [
      "../signCert.der",
      "NPKI/../../etc/passwd",
      "NPKI\\..\\..\\evil.key",
      "/etc/passwd",
      "C:/Windows/evil.dll",
      "NPKI//signPri.key",
    ]) {
      await refusedWith(await craftZip([{ name, data }]), "archive_unsafe_path");
    }
    // A symbolic link (Unix mode 0120777 made by a Unix host) pointing out of the folder.
    const link = {
      name: "NPKI/yessign/USER/x/signPri.key",
      data: new TextEncoder().encode("/home/member/.ssh/id_rsa"),
    };
    await refusedWith(await craftZip([{ ...link, external: (0o120777 << 16) >>> 0 }]), "archive_unsafe_path");
    // The same bytes as a regular file are only a damaged certificate folder, not a refusal.
    expect(await (await ZipCertificateStore.open(await craftZip([link]))).damaged()).toHaveLength(1);
  });

  it("refuses zip bombs: a huge declared size, a lying size, too many entries, an absurd ratio", async () => {
    const zeros = new Uint8Array(2 * 1024 * 1024);
    // Honest about its 2 MB of zeros: past the per-entry limit before anything is inflated.
    await refusedWith(
      await craftZip([{ name: "a/signCert.der", data: zeros, method: 8 }]),
      "archive_too_large",
    );
    // Declares 1,000 bytes, inflates to 2 MB: cut off while inflating.
    await refusedWith(
      await craftZip([{ name: "a/signCert.der", data: zeros, method: 8, size: 1000 }]),
      "archive_too_large",
    );
    // Declares 200 KB from a few hundred bytes: beyond any ratio a certificate folder has.
    await refusedWith(
      await craftZip([{ name: "a/signCert.der", data: zeros.subarray(0, 200 * 1024), method: 8 }]),
      "archive_too_large",
    );
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `f${i}`, data: new Uint8Array(1) }));
    await refusedWith(await craftZip(many), "archive_too_large");
    // And what is not a zip at all, or is damaged.
    await refusedWith(new TextEncoder().encode("not a zip"), "archive_malformed");
    const pair = await testPair();
    const good = writeNpkiZip([pair]);
    const flipped = good.slice();
    // A byte of the certificate inside the zip: its CRC-32 no longer matches.
    const at = indexOf(good, pair.certificate.subarray(0, 32));
    expect(at).toBeGreaterThan(0);
    flipped[at + 100]! ^= 0xff;
    await refusedWith(flipped, "archive_malformed");
  });
});

describe("a .pfx", () => {
  it("is written from a stored pair under its password and read back to the same key, R included", async () => {
    const a = await testPair({ kind: "RSA", modulusBits: 2048 });
    const pfx = await writePfx(a, password);
    const read = await readPfx(pfx, password);
    expect(read.certificate).toEqual(a.certificate);
    expect(read.privateKey).toEqual(a.pkcs8);
    await expect(readPfx(pfx, "Wrong#pass123")).rejects.toSatisfy((e) => isPkiError(e, "bad_password"));
    // Opened as it is, it signs once with the same R; imported as a key file under the same
    // password, too.
    const fromPfx = await openPfxSigner(pfx, password);
    expect(fromPfx.vidRandom).toEqual(a.vidRandom);
    expect(
      (await verifyCms({ signature: await fromPfx.signCms(utf8("x")), content: utf8("x") })).signer,
    ).toEqual(a.certificate);
    const entry = await pfxToEntry(pfx, password, { iterations: 2048 });
    expect((await openSigner(entry, password)).vidRandom).toEqual(a.vidRandom);
  });

  it("with several keys is refused with its own error, not signed with a key chosen for the member", async () => {
    const [a, b] = [await testPair(), await testPair()];
    const one = await writePkcs12({ privateKey: a.pkcs8, certificates: [a.certificate] }, password);
    const two = await writePkcs12({ privateKey: b.pkcs8, certificates: [b.certificate] }, password);
    const several = await joinPfx(one, two);
    await expect(readPfx(several, password)).rejects.toSatisfy((e) => isPkiError(e, "several_keys"));
    expect((await readPfx(one, password)).certificate).toEqual(a.certificate);
  });
});
