// "This browser" (DESIGN §4 Storage, §5): certificates and their key files in IndexedDB, one
// database per origin with one object store, persistent storage requested so that the browser does
// not evict them under storage pressure. A record is {id, certificate, keyFile, savedAt}; its id is
// the SHA-256 of the certificate, so writing the same certificate twice keeps one record and a record
// whose certificate was changed no longer matches its id. Every read checks the record (check.ts): a
// damaged one is listed by `damaged()`, never thrown raw. The key file stays encrypted under the
// certificate password; nothing decrypted is ever stored.

import { assertEntry, entryProblem, sha256Hex } from "./check.ts";
import { CertStoreError, storageFailure } from "./errors.ts";
import type { CertificateEntry, CertificateStore, DamagedCertificate, StoredCertificate } from "./types.ts";

export const browserDatabaseName = "geumgo-certificates";
export const browserObjectStoreName = "certificates";
const databaseVersion = 1;

interface CertificateRecord {
  id: string;
  certificate: Uint8Array;
  keyFile: Uint8Array;
  savedAt: string;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when the transaction commits; a quota failure surfaces here (its abort), not at the put. */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException("the transaction was aborted", "AbortError"));
    tx.onerror = () => undefined; // the abort that follows reports it
  });
}

function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(name, databaseVersion);
    } catch (e) {
      reject(new CertStoreError("store_unavailable", "IndexedDB cannot be opened", { cause: e }));
      return;
    }
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(browserObjectStoreName)) {
        req.result.createObjectStore(browserObjectStoreName, { keyPath: "id" });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      const failure = storageFailure(req.error, "opening IndexedDB");
      reject(
        failure instanceof CertStoreError
          ? failure
          : new CertStoreError("store_unavailable", "IndexedDB cannot be opened", { cause: req.error }),
      );
    };
    req.onblocked = () => undefined; // an older tab holds the database open; the open waits for it
  });
}

export interface BrowserStoreOptions {
  /** The database's name; tests use their own. */
  databaseName?: string;
  factory?: IDBFactory;
  /** navigator.storage, asked to make this origin's storage persistent. */
  storageManager?: StorageManager | undefined;
}

export class BrowserCertificateStore implements CertificateStore {
  readonly kind = "browser" as const;
  readonly #name: string;
  readonly #factory: IDBFactory;
  readonly #storage: StorageManager | undefined;
  #db: Promise<IDBDatabase> | undefined;
  #persisted: Promise<boolean> | undefined;

  constructor(options: BrowserStoreOptions = {}) {
    this.#name = options.databaseName ?? browserDatabaseName;
    const factory = options.factory ?? globalThis.indexedDB;
    if (!factory) throw new CertStoreError("store_unavailable", "this browser has no IndexedDB");
    this.#factory = factory;
    this.#storage = "storageManager" in options ? options.storageManager : globalThis.navigator?.storage;
  }

  #database(): Promise<IDBDatabase> {
    this.#db ??= openDatabase(this.#factory, this.#name).then(
      (db) => {
        // Another tab upgrading the schema: let it, and open again on the next call.
        db.onversionchange = () => {
          db.close();
          this.#db = undefined;
        };
        return db;
      },
      (e: unknown) => {
        this.#db = undefined; // tried again next time (storage switched back on, space freed)
        throw e;
      },
    );
    return this.#db;
  }

  /**
   * Asks the browser to keep this origin's storage under pressure (StorageManager.persist); true
   * when it will. Asked once, on the first write. Browsers may say no (Chromium decides by site
   * engagement): the member is then told to keep a backup copy, which the issuance page offers anyway.
   */
  persist(): Promise<boolean> {
    this.#persisted ??= (async () => {
      if (!this.#storage?.persist) return false;
      try {
        return (await this.#storage.persisted()) || (await this.#storage.persist());
      } catch {
        return false;
      }
    })();
    return this.#persisted;
  }

  async #readAll(): Promise<{ certificates: StoredCertificate[]; damaged: DamagedCertificate[] }> {
    const db = await this.#database();
    const tx = db.transaction(browserObjectStoreName, "readonly");
    const rows = (await request(tx.objectStore(browserObjectStoreName).getAll())) as unknown[];
    const certificates: StoredCertificate[] = [];
    const damaged: DamagedCertificate[] = [];
    for (const row of rows) {
      const r = (typeof row === "object" && row !== null ? row : {}) as Partial<
        Record<keyof CertificateRecord, unknown>
      >;
      const id = typeof r.id === "string" ? r.id : String(r.id);
      let problem = entryProblem(r.certificate, r.keyFile);
      if (!problem && (await sha256Hex(r.certificate as Uint8Array)) !== id) {
        problem = "the certificate is not the one the record was saved with";
      }
      if (problem) damaged.push({ id, kind: this.kind, reason: problem });
      else
        certificates.push({
          id,
          kind: this.kind,
          certificate: r.certificate as Uint8Array,
          keyFile: r.keyFile as Uint8Array,
        });
    }
    return { certificates, damaged };
  }

  async list(): Promise<StoredCertificate[]> {
    return (await this.#readAll()).certificates;
  }

  async damaged(): Promise<DamagedCertificate[]> {
    return (await this.#readAll()).damaged;
  }

  /** One certificate by id: CertStoreError "not_found", or "store_damaged" when it does not read back. */
  async read(id: string): Promise<StoredCertificate> {
    const { certificates, damaged } = await this.#readAll();
    const found = certificates.find((c) => c.id === id);
    if (found) return found;
    const bad = damaged.find((c) => c.id === id);
    if (bad)
      throw new CertStoreError("store_damaged", `the stored certificate is damaged: ${bad.reason}`, {
        subject: id,
      });
    throw new CertStoreError("not_found", "no certificate is stored under that id", { subject: id });
  }

  async #put(entry: CertificateEntry, removing: string | undefined): Promise<StoredCertificate> {
    assertEntry(entry);
    const id = await sha256Hex(entry.certificate);
    const record: CertificateRecord = {
      id,
      certificate: new Uint8Array(entry.certificate),
      keyFile: new Uint8Array(entry.keyFile),
      savedAt: new Date().toISOString(),
    };
    void this.persist();
    const db = await this.#database();
    const tx = db.transaction(browserObjectStoreName, "readwrite");
    const done = committed(tx);
    const store = tx.objectStore(browserObjectStoreName);
    try {
      if (removing !== undefined) {
        // In the same transaction as the new record: two tabs renewing at once cannot both replace it.
        const old = await request(store.getKey(removing));
        if (old === undefined) {
          tx.abort();
          throw new CertStoreError("not_found", "the certificate to replace is no longer stored", {
            subject: removing,
          });
        }
        if (removing !== id) store.delete(removing);
      }
      store.put(record);
      await done;
    } catch (e) {
      done.catch(() => undefined);
      throw storageFailure(e, "saving the certificate in this browser");
    }
    return { id, kind: this.kind, certificate: record.certificate, keyFile: record.keyFile };
  }

  write(entry: CertificateEntry): Promise<StoredCertificate> {
    return this.#put(entry, undefined);
  }

  replace(id: string, entry: CertificateEntry): Promise<StoredCertificate> {
    return this.#put(entry, id);
  }

  async delete(id: string): Promise<void> {
    const db = await this.#database();
    const tx = db.transaction(browserObjectStoreName, "readwrite");
    const done = committed(tx);
    const store = tx.objectStore(browserObjectStoreName);
    if ((await request(store.getKey(id))) === undefined) {
      tx.abort();
      done.catch(() => undefined);
      throw new CertStoreError("not_found", "no certificate is stored under that id", { subject: id });
    }
    store.delete(id);
    await done;
  }

  /** Closes the database (tests delete it afterwards). */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) (await db).close();
  }
}
