/**
 * Runs `flush` at most `intervalMs` after the first call to `schedule()` since the last flush.
 * The timer is unref'd: pending writes never keep the host process alive (`gateway.stop()` flushes them).
 */
export function createFlushTimer(flush: () => Promise<void>, intervalMs: number) {
  let timer: NodeJS.Timeout | undefined;
  return {
    schedule() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void flush();
      }, intervalMs);
      timer.unref();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
