import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, test } from 'vitest';
import { coalesceWhileBusy, latestWins } from '../../src/stream/operators.js';

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('pass operators', () => {
  test('latestWins runs one at a time and drops a waiting value when a newer one arrives', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      // Each pass takes 5 frames and yields its value in upper case.
      const source = hot('a-bc-------d-|');
      const result = source.pipe(
        latestWins(
          (value: string) => cold('-----(x|)', { x: value.toUpperCase() }),
          (value) => `dropped ${value}`,
        ),
      );
      // b waits while A runs and is dropped when c arrives; c runs after A, d after C.
      expectObservable(result).toBe('---b-A----C-----(D|)', {
        A: 'A',
        b: 'dropped b',
        C: 'C',
        D: 'D',
      });
    });
  });

  test('coalesceWhileBusy never drops, merging what waits when it can', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot('a-bc-d------|');
      const result = source.pipe(
        coalesceWhileBusy(
          (value: string) => cold('----(x|)', { x: value }),
          // Letters merge; a digit never merges with what waits.
          (waiting, arrival) => (/\d/.test(arrival) ? null : waiting + arrival),
        ),
      );
      // a runs first; b and c merge while it runs; d arrives while "bc" runs and waits alone.
      expectObservable(result).toBe('----a---x---(y|)', { a: 'a', x: 'bc', y: 'd' });
    });
  });

  test('coalesceWhileBusy keeps an unmergeable value queued behind the waiting one', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot('ab1---|');
      const result = source.pipe(
        coalesceWhileBusy(
          (value: string) => cold('--(x|)', { x: value }),
          (waiting, arrival) => (/\d/.test(arrival) ? null : waiting + arrival),
        ),
      );
      expectObservable(result).toBe('--a-b-(1|)', { a: 'a', b: 'b', 1: '1' });
    });
  });

  test('passes that finish synchronously keep the queue moving', () => {
    const seen: string[] = [];
    new Observable<string>((subscriber) => {
      for (const value of ['a', 'b', 'c']) subscriber.next(value);
      subscriber.complete();
    })
      .pipe(
        latestWins(
          (value: string) => [value],
          (value) => `dropped ${value}`,
        ),
      )
      .subscribe({ next: (value) => seen.push(value), complete: () => seen.push('done') });
    expect(seen).toEqual(['a', 'b', 'c', 'done']);
  });

  test('an error in a pass reaches the subscriber', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const result = hot('a--|').pipe(
        latestWins(
          () => cold('-#', {}, new Error('boom')),
          () => 'never',
        ),
      );
      expectObservable(result).toBe('-#', {}, new Error('boom'));
    });
  });
});
