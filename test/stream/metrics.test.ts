import { describe, expect, test } from 'vitest';
import type { LiveEvent } from '../../src/stream/events.js';
import { liveMetrics, summarize } from '../../src/stream/metrics.js';

const session = (state: 'started' | 'ended', wallMs: number, speed = 1): LiveEvent => ({
  type: 'session',
  v: 1,
  seq: 0,
  wallMs,
  state,
  sessionId: 's',
  startedAt: '',
  mode: 'dual',
  models: { draft: 'tiny', confirm: 'base' },
  speed,
  settings: { draftStepMs: 250, confirmStepMs: 1000, agreement: 2, holdBack: 1 },
  ...(state === 'ended' ? { audioS: 3 } : {}),
});
const common = { v: 1 as const, seq: 0, utterance: 0 };
const word = (id: string, text: string, end: number) => ({
  id,
  text,
  start: end - 0.3,
  end,
  confidence: 0.9,
});
const window = (
  pass: 'draft' | 'confirm',
  id: number,
  end: number,
  wallMs: number,
  computeMs: number,
): LiveEvent => ({
  ...common,
  type: 'window',
  pass,
  id,
  status: 'done',
  start: 0.5,
  end,
  computeMs,
  wallMs,
});

/**
 * Words A (ends 1.0 s), B (1.5 s), C (1.9 s). A is drafted and confirmed; B is drafted wrong and
 * corrected; C is never drafted; a draft D is withdrawn.
 */
function scenario(speed = 1): LiveEvent[] {
  return [
    session('started', 0, speed),
    window('draft', 0, 1.2, 1300, 100),
    { ...common, type: 'token', window: 0, wallMs: 1300, ...word('spk_0_a0', ' A', 1.0) },
    window('draft', 1, 1.7, 1800, 100),
    { ...common, type: 'token', window: 1, wallMs: 1800, ...word('spk_0_a1', ' b', 1.5) },
    window('draft', 2, 2.2, 2300, 100),
    { ...common, type: 'token', window: 2, wallMs: 2300, ...word('spk_0_a2', ' D', 2.1) },
    window('confirm', 0, 2.0, 2500, 400),
    { ...common, type: 'confirm', window: 0, wallMs: 2500, ...word('spk_0_a0', ' A', 1.0) },
    {
      ...common,
      type: 'diff',
      window: 0,
      wallMs: 2500,
      replaced: ['spk_0_a1'],
      draft: ' b',
      confirmed: ' B C',
      tokens: [word('spk_0_a3', ' B', 1.5), word('spk_0_a4', ' C', 1.9)],
    },
    {
      ...common,
      type: 'backtrack',
      pass: 'confirm',
      window: 0,
      wallMs: 2500,
      after: 'spk_0_a4',
      ids: ['spk_0_a2'],
    },
    window('confirm', 1, 2.4, 3100, 500),
    {
      ...common,
      type: 'final',
      speaker: 0,
      window: 1,
      wallMs: 3100,
      reason: 'endpoint',
      ids: ['spk_0_a0', 'spk_0_a3', 'spk_0_a4'],
      text: ' A B C',
      start: 0.7,
      end: 1.9,
    },
    session('ended', 3200, speed),
  ];
}

describe('live metrics from the event stream', () => {
  test('wall-clock latencies are measured from each word end to the event that showed it', () => {
    const metrics = liveMetrics(scenario());
    expect(metrics.finalWords).toBe(3);
    // firstDraft: A 300, B 300 (its wrong draft), C 600 (arrived confirmed).
    expect(metrics.latency.firstDraft).toMatchObject({ count: 3, p50: 300, max: 600 });
    expect(metrics.latency.confirm).toMatchObject({ p50: 1000, max: 1500, mean: 1033.3 });
    expect(metrics.latency.final).toMatchObject({ p50: 1600, max: 2100 });
    expect(metrics.latency.draftWindow).toMatchObject({ count: 3, p50: 100, p95: 100 });
    expect(metrics.latency.confirmWindow).toMatchObject({ count: 2, p50: 600, p95: 690 });
  });

  test('computation-unaware latencies count only the audio the producing pass waited for', () => {
    const metrics = liveMetrics(scenario(), { clock: 'unaware' });
    expect(metrics.latency.firstDraft).toMatchObject({ p50: 200, max: 200 });
    expect(metrics.latency.confirm).toMatchObject({ p50: 500, max: 1000 });
    expect(metrics.latency.final).toMatchObject({ p50: 900, max: 1400 });
  });

  test('erasure, unstable partials and real-time factors', () => {
    const metrics = liveMetrics(scenario());
    expect(metrics.normalisedErasure).toBeCloseTo(2 / 3, 4);
    expect(metrics.unstablePartialRate).toBeCloseTo(2 / 3, 4);
    expect(metrics.passes.draft).toMatchObject({ done: 3, dropped: 0, rtf: 0.1 });
    expect(metrics.passes.confirm).toMatchObject({ done: 2, rtf: 0.3 });
    expect(metrics.rtf).toBeCloseTo(0.4, 6);
  });

  test('audio delivered faster than real time arrives earlier', () => {
    const metrics = liveMetrics(scenario(2));
    // A ends at 1.0 s of audio, which at 2× arrives after 500 ms: shown at 1300, so 800 ms.
    // B: 1800 − 750; C: 2500 − 950.
    expect(metrics.latency.firstDraft).toMatchObject({ p50: 1050, max: 1550 });
  });

  test('empty streams and percentiles', () => {
    expect(liveMetrics([]).latency.confirm).toEqual({
      count: 0,
      p50: null,
      p95: null,
      mean: null,
      max: null,
    });
    expect(summarize([1, 2, 3, 4])).toMatchObject({ p50: 2.5, p95: 3.9, mean: 2.5, max: 4 });
  });
});
