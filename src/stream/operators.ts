/**
 * The two ways the live pipeline runs passes, as RxJS operators. Both run one pass at a time (a
 * second concurrent pass of the same kind would only slow the first on a small machine) and keep
 * at most what the caller allows waiting:
 *
 * - `latestWins` (drafts): a value that arrives while a pass runs waits; a newer arrival replaces
 *   it, and the replaced one is reported through `dropped` so that drops stay visible.
 * - `coalesceWhileBusy` (confirmations): nothing is dropped; a value that arrives while a pass
 *   runs is merged into the last waiting one when `merge` allows, or queued behind it.
 */
import {
  from,
  Observable,
  type ObservableInput,
  type OperatorFunction,
  type Subscription,
} from 'rxjs';

type Enqueue<T, R> = (queue: T[], value: T, emit: (result: R) => void) => void;

function serially<T, R>(
  project: (value: T) => ObservableInput<R>,
  enqueue: Enqueue<T, R>,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const queue: T[] = [];
      let running = false;
      let sourceDone = false;
      let inner: Subscription | null = null;
      const runNext = (): void => {
        while (!running && queue.length > 0 && !subscriber.closed) {
          const value = queue.shift() as T;
          running = true;
          let finishedSynchronously = false;
          const subscription = from(project(value)).subscribe({
            next: (result) => subscriber.next(result),
            error: (error: unknown) => subscriber.error(error),
            complete: () => {
              running = false;
              inner = null;
              finishedSynchronously = true;
            },
          });
          if (!finishedSynchronously) {
            inner = subscription;
            // The pass finishes later: its completion continues the queue.
            subscription.add(() => {
              if (running) return;
              runNext();
              if (sourceDone && !running && queue.length === 0) subscriber.complete();
            });
          }
        }
      };
      const outer = source.subscribe({
        next: (value) => {
          enqueue(queue, value, (result) => subscriber.next(result));
          runNext();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (!running && queue.length === 0) subscriber.complete();
        },
      });
      return () => {
        outer.unsubscribe();
        inner?.unsubscribe();
      };
    });
}

/** One at a time; of the values that arrive meanwhile only the newest waits. */
export function latestWins<T, R>(
  project: (value: T) => ObservableInput<R>,
  dropped: (value: T) => R,
): OperatorFunction<T, R> {
  return serially<T, R>(project, (queue, value, emit) => {
    for (const replaced of queue.splice(0)) emit(dropped(replaced));
    queue.push(value);
  });
}

/** One at a time, nothing dropped; arrivals merge into the last waiting value where possible. */
export function coalesceWhileBusy<T, R>(
  project: (value: T) => ObservableInput<R>,
  merge: (waiting: T, arrival: T) => T | null,
): OperatorFunction<T, R> {
  return serially<T, R>(project, (queue, value) => {
    const last = queue.at(-1);
    const merged = last === undefined ? null : merge(last, value);
    if (merged === null) queue.push(value);
    else queue[queue.length - 1] = merged;
  });
}
