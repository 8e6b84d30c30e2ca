// Gathers the one-row look-ups asked for within one turn of the event loop into one query. Under
// load a query's fixed cost (a socket write and read, parse, plan) is most of a small look-up's
// cost, so a responder answering many callers at once asks once for all of them.

export class LookupBatcher<K, V> {
  #pending: { key: K; resolve: (value: V | undefined) => void; reject: (e: unknown) => void }[] = [];

  /**
   * @param fetch looks the keys up in one query and returns what it found, by `id(key)`
   * @param id a key's identity as a string (the map key of fetch's answer)
   * @param max a batch is sent at once when it reaches this size, without waiting for the turn to end
   */
  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<string, V>>,
    private readonly id: (key: K) => string,
    private readonly max = 200,
  ) {}

  /** What fetch finds for this key (undefined: nothing), asked together with this turn's others. */
  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ key, resolve, reject });
      if (this.#pending.length >= this.max) void this.#flush();
      else if (this.#pending.length === 1) setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    try {
      const found = await this.fetch(batch.map((b) => b.key));
      for (const b of batch) b.resolve(found.get(this.id(b.key)));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
