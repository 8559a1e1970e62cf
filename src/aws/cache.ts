// A TTL cache whose entries are promises, so concurrent requests for one key share one in-flight call
// (1,000 files asking for the same role ⇒ one GetRole). The loader decides per result how long it
// may be kept: failures briefly, so a cleared fault is seen again soon.

interface Entry<V> {
  promise: Promise<V>;
  /** Epoch ms after which the entry is stale; Infinity while the call is in flight. */
  expires: number;
}

export class CoalescingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly now: () => number) {}

  /**
   * The cached value for `key`, or the result of `load()` shared by every caller until it settles.
   * `ttlOf(value)` gives the lifetime of a settled value in ms (0 = do not keep). `load` must not reject.
   */
  get(key: string, load: () => Promise<V>, ttlOf: (value: V) => number): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.promise;
    const entry: Entry<V> = { promise: Promise.resolve(undefined as unknown as V), expires: Infinity };
    entry.promise = load().then((value) => {
      // A clear() or a newer load may have replaced this entry meanwhile: only touch our own.
      if (this.entries.get(key) === entry) {
        const ttl = ttlOf(value);
        if (ttl > 0) entry.expires = this.now() + ttl;
        else this.entries.delete(key);
      }
      return value;
    });
    this.entries.set(key, entry);
    return entry.promise;
  }

  /** Forgets everything (e.g. after the user refreshes credentials). In-flight calls still settle for their callers. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
