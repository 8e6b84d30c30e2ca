// When the session ends for want of activity (the server's idle timeout, 10 minutes), as a small
// store: each request the server saw restarts it, other tabs of the same site share it.

/** The server's sessionTouchGrainMs. */
const touchGrainMs = 60_000;

export class IdleClock {
  /** Milliseconds since the epoch on our clock; 0 while no session runs. */
  deadline = 0;
  private listeners = new Set<() => void>();

  constructor(
    private readonly storageKey: string,
    public idleMs = 600_000,
  ) {
    window.addEventListener("storage", (e) => {
      if (e.key !== this.storageKey || !e.newValue || this.deadline === 0) return;
      const shared = Number(e.newValue);
      if (Number.isFinite(shared) && shared > this.deadline) this.set(shared, false);
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getDeadline = (): number => this.deadline;

  /**
   * The server saw a request just now. It writes a use at most once a minute (src/auth/sessions.ts),
   * so this one may count from up to a minute ago: the deadline assumes it does.
   */
  touch(): void {
    if (this.deadline !== 0) this.set(Math.max(this.deadline, Date.now() + this.idleMs - touchGrainMs), true);
  }

  /** The server named the end (ISO time on its clock; `offset` = its clock minus ours). */
  setFromServer(expiresAt: string, offset: number): void {
    const at = Date.parse(expiresAt);
    // The Date header has whole seconds: never show more time than the idle timeout itself.
    const latest = Date.now() + this.idleMs;
    this.set(Number.isNaN(at) ? latest : Math.min(at - offset, latest), true);
  }

  start(): void {
    this.set(Date.now() + this.idleMs, true);
  }

  stop(): void {
    this.set(0, false);
  }

  private set(deadline: number, share: boolean): void {
    this.deadline = deadline;
    if (share && deadline !== 0) {
      try {
        localStorage.setItem(this.storageKey, String(deadline));
      } catch {
        // No storage: each tab keeps its own clock.
      }
    }
    for (const listener of this.listeners) listener();
  }
}

/** "9:05" for a number of seconds. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
