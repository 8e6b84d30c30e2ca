// "This browser": IndexedDB in real Chromium. Writes, lists, reads back, replaces (renewal) and
// deletes; asks for persistent storage; a record changed behind its back is reported as damaged,
// not thrown raw and not handed out; a full store (a storage bucket with a tiny quota) is the typed
// store_full.
import { afterEach, describe, expect, it } from "vitest";
import {
  BrowserCertificateStore,
  browserObjectStoreName,
} from "../../../web/src/certcenter/storage/browser.ts";
import { isCertStoreError } from "../../../web/src/certcenter/storage/errors.ts";
import { testPair } from "./fixtures.ts";

interface StorageBucketManager {
  open(name: string, options?: { quota?: number }): Promise<{ indexedDB: IDBFactory }>;
  delete(name: string): Promise<void>;
}

let n = 0;
const opened: { store: BrowserCertificateStore; name: string }[] = [];

function newStore(): { store: BrowserCertificateStore; name: string } {
  const name = `geumgo-test-${Date.now()}-${n++}`;
  const s = { store: new BrowserCertificateStore({ databaseName: name }), name };
  opened.push(s);
  return s;
}

afterEach(async () => {
  for (const { store, name } of opened.splice(0)) {
    await store.close();
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = req.onerror = req.onblocked = resolve;
    });
  }
});

/** Changes one record in place, as a person with DevTools (or a damaged disk) might. */
async function tamper(name: string, id: string, change: (record: Record<string, unknown>) => unknown) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(browserObjectStoreName, "readwrite");
    const os = tx.objectStore(browserObjectStoreName);
    const get = os.get(id);
    get.onsuccess = () => os.put(change(get.result as Record<string, unknown>));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

describe("this browser's store (IndexedDB)", () => {
  it("writes, lists, reads, replaces and deletes; the same certificate twice is one record", async () => {
    const { store } = newStore();
    expect(await store.list()).toEqual([]);
    const a = await testPair();
    const written = await store.write(a);
    expect(written.kind).toBe("browser");
    expect(await store.write(a)).toEqual(written);
    const listed = await store.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: written.id, certificate: a.certificate, keyFile: a.keyFile });
    expect(await store.read(written.id)).toMatchObject({ certificate: a.certificate });

    const b = await testPair();
    const renewed = await store.replace(written.id, b);
    expect((await store.list()).map((c) => c.id)).toEqual([renewed.id]);
    await expect(store.read(written.id)).rejects.toSatisfy((e) => isCertStoreError(e, "not_found"));
    // Replacing what is gone (a second tab renewing the same certificate) is refused, not a second copy.
    const c = await testPair();
    await expect(store.replace(written.id, c)).rejects.toSatisfy((e) => isCertStoreError(e, "not_found"));
    expect(await store.list()).toHaveLength(1);

    await store.delete(renewed.id);
    expect(await store.list()).toEqual([]);
    await expect(store.delete(renewed.id)).rejects.toSatisfy((e) => isCertStoreError(e, "not_found"));
  });

  it("survives a new store object (another page load) and asks for persistent storage", async () => {
    const { store, name } = newStore();
    const a = await testPair();
    await store.write(a);
    expect(typeof (await store.persist())).toBe("boolean");
    const again = new BrowserCertificateStore({ databaseName: name });
    opened.push({ store: again, name });
    expect((await again.list()).map((c) => c.certificate)).toEqual([a.certificate]);
  });

  it("asks navigator.storage.persist once, on the first write", async () => {
    let asked = 0;
    const storageManager = {
      persisted: async () => false,
      persist: async () => {
        asked++;
        return true;
      },
    } as unknown as StorageManager;
    const name = `geumgo-test-persist-${n++}`;
    const store = new BrowserCertificateStore({ databaseName: name, storageManager });
    opened.push({ store, name });
    await store.list();
    expect(asked).toBe(0);
    await store.write(await testPair());
    await store.write(await testPair());
    expect(await store.persist()).toBe(true);
    expect(asked).toBe(1);
  });

  it("reports a tampered record as damaged and never hands it out", async () => {
    const { store, name } = newStore();
    const good = await store.write(await testPair());
    const certChanged = await store.write(await testPair());
    const keyChanged = await store.write(await testPair());
    const notARecord = await store.write(await testPair());
    await tamper(name, certChanged.id, (r) => {
      const cert = new Uint8Array(r.certificate as Uint8Array);
      cert[cert.length - 5]! ^= 0x01; // still parses: caught by the id, the certificate's hash
      return { ...r, certificate: cert };
    });
    await tamper(name, keyChanged.id, (r) => ({
      ...r,
      keyFile: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]),
    }));
    await tamper(name, notARecord.id, (r) => ({ id: r.id, certificate: "hello" }));

    expect((await store.list()).map((c) => c.id)).toEqual([good.id]);
    const damaged = await store.damaged();
    expect(damaged.map((d) => d.id).sort()).toEqual([certChanged.id, keyChanged.id, notARecord.id].sort());
    for (const d of damaged) expect(d.reason).toMatch(/certificate|key file/);
    await expect(store.read(keyChanged.id)).rejects.toSatisfy((e) => isCertStoreError(e, "store_damaged"));
  });

  it("a full store is store_full, and nothing half-written stays", async () => {
    // A storage bucket (Storage Buckets API) with a quota far below one record (an RSA certificate
    // and its key file, some 3 KB): Chromium's own quota check, not a stand-in.
    const buckets = (navigator as unknown as { storageBuckets: StorageBucketManager }).storageBuckets;
    const name = `geumgo-full-${n++}`;
    const bucket = await buckets.open(name, { quota: 1000 });
    const store = new BrowserCertificateStore({ databaseName: name, factory: bucket.indexedDB });
    try {
      const error = await store
        .write(await testPair({ kind: "RSA", modulusBits: 2048 }))
        .catch((e: unknown) => e);
      expect(isCertStoreError(error, "store_full")).toBe(true);
      expect(await store.list()).toEqual([]);
      expect(await store.damaged()).toEqual([]);
    } finally {
      await store.close();
      await buckets.delete(name);
    }
  });
});
