/**
 * Quality-of-experience metrics of a live session, computed from its event stream alone.
 *
 * Latency of a word is measured against the moment its last sample arrived: with a live source
 * (speed 1) audio time x arrives x seconds after the session started. Two clocks:
 * - `wall`: when the event was emitted (`wallMs`): what a user sees, compute included;
 * - `unaware` (computation-unaware, as in whisper_streaming's evaluation): when the audio the
 *   producing pass had seen was complete, as if passes took no time: what the algorithm itself
 *   waits for (step sizes, agreement, hold-back).
 *
 * Per final word: `firstDraft` (first time text stood for it: its draft token, or the drafts a
 * correction replaced that overlap it in time, or else the correction), `confirm` (its `confirm` or `diff`), `final`. Per pass
 * window: `draftWindow`, `confirmWindow` (end of the window's audio to its result). Stability:
 * normalised erasure (draft words withdrawn or replaced ÷ final words) and the unstable-partial
 * word rate (draft words that did not survive ÷ draft words shown). Cost: real-time factor per
 * pass (compute ÷ audio duration).
 */
import type { LiveEvent, WindowEvent } from './events.js';

export type LatencyClock = 'wall' | 'unaware';

export interface LatencySummary {
  count: number;
  /** Milliseconds; null when there is nothing to measure. */
  p50: number | null;
  p95: number | null;
  mean: number | null;
  max: number | null;
}

export interface PassStats {
  done: number;
  dropped: number;
  stale: number;
  failed: number;
  /** Compute time ÷ audio duration. */
  rtf: number;
}

export interface LiveMetrics {
  clock: LatencyClock;
  audioS: number;
  finalWords: number;
  latency: {
    firstDraft: LatencySummary;
    confirm: LatencySummary;
    final: LatencySummary;
    draftWindow: LatencySummary;
    confirmWindow: LatencySummary;
  };
  /** Draft words withdrawn (backtrack) or replaced (diff) ÷ final words. */
  normalisedErasure: number;
  /** Draft words not confirmed as shown ÷ draft words shown. */
  unstablePartialRate: number;
  passes: { draft: PassStats; confirm: PassStats };
  /** Draft and confirm compute together ÷ audio duration. */
  rtf: number;
}

interface WordRecord {
  end: number;
  shownMs: number | null;
  confirmedMs: number | null;
  finalMs: number | null;
}

export function liveMetrics(
  events: Iterable<LiveEvent>,
  options: { clock?: LatencyClock } = {},
): LiveMetrics {
  const clock = options.clock ?? 'wall';
  const list = [...events];
  const speed = list.find((event) => event.type === 'session')?.speed ?? 1;
  const arrivalMs = (seconds: number) => (seconds * 1000) / speed;
  const windows = new Map<string, WindowEvent>();
  for (const event of list) {
    if (event.type === 'window') windows.set(`${event.pass}:${event.id}`, event);
  }
  /** When an event counts as emitted, on the chosen clock. */
  const at = (event: LiveEvent, pass: 'draft' | 'confirm', window: number): number => {
    if (clock === 'wall') return event.wallMs;
    const producer = windows.get(`${pass}:${window}`);
    return producer ? arrivalMs(producer.end) : event.wallMs;
  };

  /** Draft words: when they were shown, and the audio they stood for. */
  const shown = new Map<string, { at: number; start: number; end: number }>();
  const words = new Map<string, WordRecord>();
  const finals: WordRecord[] = [];
  let draftShown = 0;
  let draftConfirmed = 0;
  let withdrawn = 0;
  let audioS = 0;
  const draftWindow: number[] = [];
  const confirmWindow: number[] = [];
  const compute = { draft: 0, confirm: 0 };
  const counts = {
    draft: { done: 0, dropped: 0, stale: 0, failed: 0 },
    confirm: { done: 0, dropped: 0, stale: 0, failed: 0 },
  };

  for (const event of list) {
    switch (event.type) {
      case 'session':
        if (event.audioS !== undefined) audioS = Math.max(audioS, event.audioS);
        break;
      case 'window': {
        counts[event.pass][event.status]++;
        compute[event.pass] += event.computeMs;
        audioS = Math.max(audioS, event.end);
        if (event.status === 'done') {
          const latency = clock === 'wall' ? event.wallMs - arrivalMs(event.end) : 0;
          (event.pass === 'draft' ? draftWindow : confirmWindow).push(latency);
        }
        break;
      }
      case 'token':
        draftShown++;
        shown.set(event.id, {
          at: at(event, 'draft', event.window),
          start: event.start,
          end: event.end,
        });
        break;
      case 'confirm': {
        draftConfirmed++;
        const time = at(event, 'confirm', event.window);
        words.set(event.id, {
          end: event.end,
          shownMs: shown.get(event.id)?.at ?? time,
          confirmedMs: time,
          finalMs: null,
        });
        break;
      }
      case 'diff': {
        withdrawn += event.replaced.length;
        const time = at(event, 'confirm', event.window);
        const replaced = event.replaced.flatMap((id) => {
          const draft = shown.get(id);
          return draft ? [draft] : [];
        });
        for (const token of event.tokens) {
          // A corrected word was first shown by the replaced drafts that overlap it in time.
          const overlapping = replaced.filter(
            (draft) => draft.start < token.end && draft.end > token.start,
          );
          words.set(token.id, {
            end: token.end,
            shownMs: Math.min(time, ...overlapping.map((draft) => draft.at)),
            confirmedMs: time,
            finalMs: null,
          });
        }
        break;
      }
      case 'backtrack':
        withdrawn += event.ids.length;
        break;
      case 'final': {
        const time = at(event, 'confirm', event.window);
        for (const id of event.ids) {
          const word = words.get(id);
          if (!word) continue;
          word.finalMs = time;
          finals.push(word);
          words.delete(id);
        }
        break;
      }
      default:
        break;
    }
  }

  const latencies = (pick: (word: WordRecord) => number | null) =>
    summarize(
      finals.flatMap((word) => {
        const value = pick(word);
        return value === null ? [] : [value - arrivalMs(word.end)];
      }),
    );
  const audioMs = Math.max(1, audioS * 1000);
  const pass = (name: 'draft' | 'confirm'): PassStats => ({
    ...counts[name],
    rtf: round(compute[name] / audioMs, 4),
  });
  return {
    clock,
    audioS,
    finalWords: finals.length,
    latency: {
      firstDraft: latencies((word) => word.shownMs),
      confirm: latencies((word) => word.confirmedMs),
      final: latencies((word) => word.finalMs),
      draftWindow: summarize(draftWindow),
      confirmWindow: summarize(confirmWindow),
    },
    normalisedErasure: finals.length === 0 ? 0 : round(withdrawn / finals.length, 4),
    unstablePartialRate: draftShown === 0 ? 0 : round(1 - draftConfirmed / draftShown, 4),
    passes: { draft: pass('draft'), confirm: pass('confirm') },
    rtf: round((compute.draft + compute.confirm) / audioMs, 4),
  };
}

/** Percentiles by linear interpolation between closest ranks. */
export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: null, p95: null, mean: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const quantile = (q: number) => {
    const position = (sorted.length - 1) * q;
    const low = Math.floor(position);
    const high = Math.ceil(position);
    const a = sorted[low] as number;
    return a + ((sorted[high] as number) - a) * (position - low);
  };
  return {
    count: sorted.length,
    p50: round(quantile(0.5), 1),
    p95: round(quantile(0.95), 1),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length, 1),
    max: round(sorted.at(-1) as number, 1),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
