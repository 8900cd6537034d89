// The one debounced, latest-wins runner behind every as-you-type box (the search box, a code
// list's filter, the codes of a variable). A call replaces the pending one; once a newer call is
// made, the answer of an older one is dropped (and its request aborted), so a slow answer never
// overwrites a newer one.

/** The delay of the as-you-type filters (a code list's, a variable's codes; the search box runs
 * at every keystroke, `now`). At 5 ms it coalesces only keystrokes sent together (a paste, a test
 * typing without delay): typed like a person, each key is searched at once. */
export const TYPING_DEBOUNCE_MS = 5;

export interface Latest<A> {
  /** Runs the task with `arg` after the delay, replacing a pending run. Returns the run's number. */
  schedule(arg: A): number;
  /** Runs the task with `arg` now, replacing a pending run. Returns the run's number. */
  now(arg: A): number;
  /** Drops the pending run and makes every earlier answer stale. */
  cancel(): void;
}

export interface LatestOptions<A, R> {
  /** Milliseconds between the last call and the run. */
  delay?: number;
  /** The work; `signal` aborts when a newer call is made. `seq` numbers the run. */
  task: (arg: A, ctx: { signal: AbortSignal; seq: number }) => Promise<R> | R;
  /** Called at once on every call, before any waiting: marks when the user acted. */
  called?: (arg: A, seq: number) => void;
  /** Called with the answer of the newest run only. */
  done: (result: R, arg: A, seq: number) => void;
  /** Called with the error of the newest run only (an abort is never reported). */
  failed?: (error: unknown, arg: A, seq: number) => void;
}

export function latest<A, R>(opts: LatestOptions<A, R>): Latest<A> {
  const delay = opts.delay ?? TYPING_DEBOUNCE_MS;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | null = null;

  function supersede(): number {
    clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    controller = null;
    return ++seq;
  }

  async function run(arg: A, n: number) {
    const c = new AbortController();
    controller = c;
    try {
      const r = await opts.task(arg, { signal: c.signal, seq: n });
      if (n === seq) opts.done(r, arg, n);
    } catch (e) {
      if (n !== seq || c.signal.aborted) return;
      opts.failed?.(e, arg, n);
    }
  }

  return {
    schedule(arg) {
      const n = supersede();
      opts.called?.(arg, n);
      timer = setTimeout(() => void run(arg, n), delay);
      return n;
    },
    now(arg) {
      const n = supersede();
      opts.called?.(arg, n);
      void run(arg, n);
      return n;
    },
    cancel() {
      supersede();
    },
  };
}
