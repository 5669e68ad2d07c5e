import { describe, expect, it } from 'vitest';
import { EarshotError } from '../../src/errors.js';
import { Admission } from '../../src/server/admission.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('Admission', () => {
  it('lets `concurrency` requests in, queues the next ones in order, refuses the rest', async () => {
    const admission = new Admission({ concurrency: 2, queueLength: 2 });
    const order: string[] = [];
    const first = await admission.acquire('m');
    const second = await admission.acquire('m');
    const third = admission.acquire('m').then((release) => {
      order.push('third');
      return release;
    });
    const fourth = admission.acquire('m').then((release) => {
      order.push('fourth');
      return release;
    });
    expect(admission.state('m')).toEqual({ active: 2, queued: 2 });
    await expect(admission.acquire('m')).rejects.toMatchObject({ code: 'overloaded', status: 429 });
    first();
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
    expect(admission.state('m')).toEqual({ active: 0, queued: 0 });
  });

  it('keeps separate lanes per model', async () => {
    const admission = new Admission({ concurrency: 1, queueLength: 0 });
    const release = await admission.acquire('a');
    const other = await admission.acquire('b');
    await expect(admission.acquire('a')).rejects.toMatchObject({ code: 'overloaded' });
    release();
    other();
  });

  it('estimates Retry-After from how long requests have held a slot', async () => {
    const clock = new ManualClock();
    const admission = new Admission({ concurrency: 1, queueLength: 1, clock });
    const release = await admission.acquire('m');
    clock.advance(4_000);
    release();
    const held = await admission.acquire('m');
    const queued = admission.acquire('m');
    const refusal = await admission.acquire('m').catch((error: EarshotError) => error);
    expect(refusal).toBeInstanceOf(EarshotError);
    // One request ahead in the queue plus one running, at about 4 s each.
    expect((refusal as EarshotError).details['retryAfterS']).toBe(8);
    held();
    (await queued)();
  });

  it('takes a request out of the queue when its signal aborts', async () => {
    const admission = new Admission({ concurrency: 1, queueLength: 1 });
    const release = await admission.acquire('m');
    const controller = new AbortController();
    const waiting = admission.acquire('m', controller.signal);
    expect(admission.state('m').queued).toBe(1);
    controller.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
    expect(admission.state('m')).toEqual({ active: 1, queued: 0 });
    release();
    expect(admission.state('m')).toEqual({ active: 0, queued: 0 });
  });

  it('reports every change of a lane to listeners', async () => {
    const admission = new Admission({ concurrency: 1, queueLength: 1 });
    const states: string[] = [];
    admission.onChange((key, { active, queued }) => states.push(`${key}:${active}/${queued}`));
    const release = await admission.acquire('m');
    const next = admission.acquire('m');
    release();
    (await next)();
    expect(states).toEqual(['m:1/0', 'm:1/1', 'm:1/0', 'm:0/0']);
  });
});
