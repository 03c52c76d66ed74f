/** A sleep that `wake()` (or `abort`) can cut short; resolves either way. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A level-triggered wake-up: `notify()` before or during `wait()` makes the next `wait()` return
 * at once, so a notification that arrives while work is running is never lost.
 */
export class Signal {
  private notified = false;
  private waiter: (() => void) | undefined;

  /** Takes a notification no `wait()` took yet: true when there was one (now taken). */
  take(): boolean {
    const notified = this.notified;
    this.notified = false;
    return notified;
  }

  notify(): void {
    this.notified = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /**
   * Resolves on the next notification (true) or after `ms` (false), whichever comes first.
   */
  wait(ms: number): Promise<boolean> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(false);
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        this.notified = false;
        resolve(true);
      };
    });
  }
}
