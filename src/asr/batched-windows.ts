/**
 * Decoding several 30-second windows in one batch. Long-form transcription is sequential in
 * general: where the next window starts depends on the timestamps of this one, and its prompt on
 * this one's text. Without timestamps and without conditioning on previous text, every window
 * starts where the last one ended and sees no earlier text, so the windows ahead are known and
 * independent: their first (temperature 0) decoding runs as one batch, which shares the cost of
 * every decoder step between them. Fallbacks to higher temperatures still run window by window,
 * and results equal those of one-by-one decoding.
 */
import type { WindowDecodeResult } from './decoding/decode-window.js';
import type { TranscribeOptions } from './types.js';
import type { EncodedWindow, WhisperRuntime } from './whisper/runtime.js';

export interface FallbackThresholds {
  compressionThreshold: number | null;
  logprobThreshold: number | null;
  noSpeechThreshold: number | null;
}

/** OpenAI's rule: too repetitive or too unlikely, unless it is probably silence. */
export function needsFallback(result: WindowDecodeResult, thresholds: FallbackThresholds): boolean {
  const { compressionThreshold, logprobThreshold, noSpeechThreshold } = thresholds;
  let fallback = false;
  if (compressionThreshold !== null && result.compressionRatio > compressionThreshold)
    fallback = true;
  if (logprobThreshold !== null && result.avgLogprob < logprobThreshold) fallback = true;
  const silence =
    noSpeechThreshold !== null &&
    logprobThreshold !== null &&
    result.noSpeechProb > noSpeechThreshold &&
    result.avgLogprob < logprobThreshold;
  return fallback && !silence;
}

/** Cross-attention cache a batch may hold at most; it sets the default number of rows. */
const BATCH_CACHE_BUDGET_BYTES = 512 * 1024 * 1024;
const MAX_DEFAULT_ROWS = 8;

/**
 * Rows per batch: `options.batchSize`, else as many as fit the memory budget for this model's
 * cross-attention cache (8 for tiny and base, 4 for small, 1 for medium and large).
 */
export function defaultBatchRows(runtime: WhisperRuntime, options: TranscribeOptions): number {
  if (options.batchSize !== undefined) return Math.max(1, Math.floor(options.batchSize));
  const { nAudioCtx, dModel, decoderLayers } = runtime.dimensions;
  const perRow = nAudioCtx * dModel * decoderLayers * 2 * 4;
  return Math.max(1, Math.min(MAX_DEFAULT_ROWS, Math.floor(BATCH_CACHE_BUDGET_BYTES / perRow)));
}

/** Whether windows can be decoded independently of each other (see the module comment). */
export function windowsAreIndependent(options: TranscribeOptions): boolean {
  const temperatures =
    typeof options.temperature === 'number' ? [options.temperature] : (options.temperature ?? [0]);
  return (
    options.withoutTimestamps === true &&
    // Short windows differ in length, and a batch's encoder states must share one.
    options.audioContext !== 'content' &&
    options.conditionOnPreviousText === false &&
    !options.wordTimestamps &&
    !options.initialPrompt &&
    temperatures[0] === 0 &&
    (options.beamSize ?? 1) <= 1
  );
}

export interface PlannedWindow {
  seek: number;
  size: number;
}

/** Encodes windows one after another (concurrent runs would only compete for the same cores). */
export async function encodeInOrder(
  windows: readonly PlannedWindow[],
  encode: (seek: number, size: number) => Promise<EncodedWindow>,
): Promise<EncodedWindow[]> {
  const encoded: EncodedWindow[] = [];
  for (const { seek, size } of windows) encoded.push(await encode(seek, size));
  return encoded;
}

/** The windows of the seek loop from `seek` on, when every window advances by its own size. */
export function planWindows(
  from: number,
  clips: ReadonlyArray<readonly [number, number]>,
  contentFrames: number,
  count: number,
  windowFrames = 3000,
): PlannedWindow[] {
  const planned: PlannedWindow[] = [];
  let seek = from;
  for (const [start, end] of clips) {
    if (seek >= end) continue;
    if (seek < start) seek = start;
    while (seek < end && planned.length < count) {
      const size = Math.min(windowFrames, contentFrames - seek, end - seek);
      if (size <= 0) break;
      planned.push({ seek, size });
      seek += size;
    }
    if (planned.length >= count) break;
  }
  return planned;
}

export interface WindowBatcher {
  /**
   * The first decoding of the window at `seek`, decoded in a batch with the windows after it; or
   * `null` when windows are not independent (the caller then decodes it alone).
   */
  first(seek: number, size: number): Promise<WindowDecodeResult> | null;
}

export function windowBatcher(context: {
  options: TranscribeOptions;
  clips: ReadonlyArray<readonly [number, number]>;
  contentFrames: number;
  rows: number;
  decodeFirst: (windows: PlannedWindow[]) => Promise<WindowDecodeResult[]>;
}): WindowBatcher {
  const { options, clips, contentFrames, rows } = context;
  if (rows <= 1 || !windowsAreIndependent(options)) return { first: () => null };
  const pending = new Map<number, Promise<WindowDecodeResult>>();
  return {
    first(seek, size) {
      let result = pending.get(seek);
      if (!result) {
        const planned = planWindows(seek, clips, contentFrames, rows);
        if (planned[0]?.seek !== seek || planned[0]?.size !== size) return null;
        const batch = context.decodeFirst(planned);
        planned.forEach((window, index) => {
          const one = batch.then((results) => results[index] as WindowDecodeResult);
          // Marked handled: only the window that awaits it should see a failure.
          one.catch(() => {});
          pending.set(window.seek, one);
        });
        // A failed batch is reported through the window that asked; the others ask again.
        batch.catch(() => {
          for (const window of planned) pending.delete(window.seek);
        });
        result = pending.get(seek) as Promise<WindowDecodeResult>;
      }
      pending.delete(seek);
      return result;
    },
  };
}
