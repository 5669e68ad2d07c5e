/**
 * Word-level timestamps from cross-attention, as OpenAI's `whisper/timing.py`: the alignment
 * heads' attention over the audio is normalised, median-filtered (width 7) and aligned to the
 * tokens by dynamic time warping; word boundaries are where the path jumps to a new token.
 */
import type { WhisperTokenizer } from './tokenizer/whisper-tokenizer.js';
import type { TranscriptionSegment, TranscriptionWord } from './types.js';
import { type EncodedWindow, logitsRow, type WhisperRuntime } from './whisper/runtime.js';

const TOKENS_PER_SECOND = 50;
const MEDIAN_FILTER_WIDTH = 7;

export interface WordTiming {
  word: string;
  tokens: number[];
  start: number;
  end: number;
  probability: number;
}

/** Median filter along the last axis of rows of length `width`, with reflect padding. */
export function medianFilter(
  rows: Float64Array,
  rowLength: number,
  filterWidth: number,
): Float64Array {
  const pad = Math.floor(filterWidth / 2);
  if (rowLength <= pad) return rows;
  const out = new Float64Array(rows.length);
  const window = new Float64Array(filterWidth);
  for (let start = 0; start < rows.length; start += rowLength) {
    for (let i = 0; i < rowLength; i++) {
      for (let k = -pad; k <= pad; k++) {
        let j = i + k;
        if (j < 0) j = -j;
        if (j >= rowLength) j = 2 * (rowLength - 1) - j;
        window[k + pad] = rows[start + j] as number;
      }
      window.sort();
      out[start + i] = window[pad] as number;
    }
  }
  return out;
}

/** DTW over a cost matrix (`n × m`, row-major); returns the (text index, time index) path. */
export function dtw(
  cost: Float64Array,
  n: number,
  m: number,
): { textIndices: number[]; timeIndices: number[] } {
  const total = new Float64Array((n + 1) * (m + 1)).fill(Number.POSITIVE_INFINITY);
  const trace = new Int8Array((n + 1) * (m + 1)).fill(-1);
  const at = (i: number, j: number) => i * (m + 1) + j;
  total[0] = 0;
  for (let j = 1; j <= m; j++) {
    for (let i = 1; i <= n; i++) {
      const c0 = total[at(i - 1, j - 1)] as number;
      const c1 = total[at(i - 1, j)] as number;
      const c2 = total[at(i, j - 1)] as number;
      let best: number;
      let step: number;
      if (c0 < c1 && c0 < c2) [best, step] = [c0, 0];
      else if (c1 < c0 && c1 < c2) [best, step] = [c1, 1];
      else [best, step] = [c2, 2];
      total[at(i, j)] = (cost[(i - 1) * m + (j - 1)] as number) + best;
      trace[at(i, j)] = step;
    }
  }
  for (let j = 0; j <= m; j++) trace[at(0, j)] = 2;
  for (let i = 0; i <= n; i++) trace[at(i, 0)] = 1;
  const path: Array<[number, number]> = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    path.push([i - 1, j - 1]);
    const step = trace[at(i, j)];
    if (step === 0) {
      i--;
      j--;
    } else if (step === 1) i--;
    else j--;
  }
  path.reverse();
  return { textIndices: path.map(([text]) => text), timeIndices: path.map(([, time]) => time) };
}

/** Aligns `textTokens` to the audio of a window; `numFrames` is the window's mel frame count. */
export async function findAlignment(
  runtime: WhisperRuntime,
  tokenizer: WhisperTokenizer,
  window: EncodedWindow,
  sotSequence: readonly number[],
  textTokens: readonly number[],
  numFrames: number,
  language: string | null,
): Promise<WordTiming[]> {
  if (textTokens.length === 0) return [];
  const tokens = [...sotSequence, tokenizer.noTimestamps, ...textTokens, tokenizer.eot];
  const attention = await runtime.alignmentAttention(window, tokens);
  // Probability of each text token, from the logits after the start-of-transcript sequence.
  const textProbs = textTokens.map((token, index) => {
    const row = logitsRow(attention.logits, 0, sotSequence.length + index);
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < tokenizer.eot; k++) max = Math.max(max, row[k] as number);
    let sum = 0;
    for (let k = 0; k < tokenizer.eot; k++) sum += Math.exp((row[k] as number) - max);
    return Math.exp((row[token] as number) - max) / sum;
  });
  const frames = Math.min(attention.frames, Math.floor(numFrames / 2));
  const { heads, tokens: tokenCount } = attention;
  // Keep the frames that hold audio. The export's weights are a softmax over all 1500 frames;
  // dividing each row by its sum over the kept frames equals OpenAI's softmax over those frames.
  const kept = new Float64Array(heads * tokenCount * frames);
  for (let row = 0; row < heads * tokenCount; row++) {
    let sum = 0;
    for (let f = 0; f < frames; f++) sum += attention.weights[row * attention.frames + f] as number;
    for (let f = 0; f < frames; f++)
      kept[row * frames + f] =
        (attention.weights[row * attention.frames + f] as number) / (sum || 1);
  }
  // Standardise each head's weights over tokens (per frame), then median-filter over time.
  const normalised = new Float64Array(heads * tokenCount * frames);
  for (let h = 0; h < heads; h++) {
    for (let f = 0; f < frames; f++) {
      let mean = 0;
      for (let t = 0; t < tokenCount; t++)
        mean += kept[(h * tokenCount + t) * frames + f] as number;
      mean /= tokenCount;
      let variance = 0;
      for (let t = 0; t < tokenCount; t++)
        variance += ((kept[(h * tokenCount + t) * frames + f] as number) - mean) ** 2;
      const std = Math.sqrt(variance / tokenCount) || 1;
      for (let t = 0; t < tokenCount; t++) {
        const index = (h * tokenCount + t) * frames + f;
        normalised[index] = ((kept[index] as number) - mean) / std;
      }
    }
  }
  const filtered = medianFilter(normalised, frames, MEDIAN_FILTER_WIDTH);
  // Mean over heads, keeping only the text tokens (after the sot sequence, before end of text).
  const first = sotSequence.length;
  const rows = tokenCount - first - 1;
  const cost = new Float64Array(rows * frames);
  for (let t = 0; t < rows; t++) {
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let h = 0; h < heads; h++)
        sum += filtered[(h * tokenCount + first + t) * frames + f] as number;
      cost[t * frames + f] = -sum / heads;
    }
  }
  const { textIndices, timeIndices } = dtw(cost, rows, frames);
  const { words, tokens: wordTokens } = tokenizer.splitToWordTokens(
    [...textTokens, tokenizer.eot],
    language,
  );
  if (wordTokens.length <= 1) return [];
  const boundaries = [0];
  for (const group of wordTokens.slice(0, -1))
    boundaries.push((boundaries[boundaries.length - 1] as number) + group.length);
  const jumpTimes: number[] = [];
  textIndices.forEach((textIndex, k) => {
    if (k === 0 || textIndex !== textIndices[k - 1])
      jumpTimes.push((timeIndices[k] as number) / TOKENS_PER_SECOND);
  });
  return words.slice(0, -1).map((word, index) => {
    const from = boundaries[index] as number;
    const to = boundaries[index + 1] as number;
    const probs = textProbs.slice(from, to);
    return {
      word,
      tokens: wordTokens[index] as number[],
      start: jumpTimes[from] ?? 0,
      end: jumpTimes[to] ?? jumpTimes[jumpTimes.length - 1] ?? 0,
      probability: probs.length > 0 ? probs.reduce((sum, p) => sum + p, 0) / probs.length : 0,
    };
  });
}

/** Moves leading punctuation onto the following word and trailing punctuation onto the previous. */
export function mergePunctuations(
  alignment: WordTiming[],
  prepended: string,
  appended: string,
): void {
  let i = alignment.length - 2;
  let j = alignment.length - 1;
  while (i >= 0) {
    const previous = alignment[i] as WordTiming;
    const following = alignment[j] as WordTiming;
    if (previous.word.startsWith(' ') && prepended.includes(previous.word.trim())) {
      following.word = previous.word + following.word;
      following.tokens = [...previous.tokens, ...following.tokens];
      previous.word = '';
      previous.tokens = [];
    } else {
      j = i;
    }
    i--;
  }
  i = 0;
  j = 1;
  while (j < alignment.length) {
    const previous = alignment[i] as WordTiming;
    const following = alignment[j] as WordTiming;
    if (!previous.word.endsWith(' ') && appended.includes(following.word)) {
      previous.word += following.word;
      previous.tokens = [...previous.tokens, ...following.tokens];
      following.word = '';
      following.tokens = [];
    } else {
      i = j;
    }
    j++;
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Gives every segment of one window its words, with OpenAI's corrections for over-long words at
 * sentence and segment boundaries. Returns the last speech time.
 */
export function assignWords(
  segments: TranscriptionSegment[],
  alignment: WordTiming[],
  options: {
    timeOffset: number;
    prepend: string;
    append: string;
    lastSpeechTimestamp: number;
    eot: number;
  },
): number {
  const durations = alignment
    .map((timing) => timing.end - timing.start)
    .filter((duration) => duration !== 0);
  const sorted = [...durations].sort((a, b) => a - b);
  let median = 0;
  if (sorted.length > 0) {
    const middle = Math.floor(sorted.length / 2);
    median =
      sorted.length % 2 === 1
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  }
  const medianDuration = Math.min(0.7, median);
  const maxDuration = medianDuration * 2;
  if (durations.length > 0) {
    const sentenceEnd = '.。!！?？';
    for (let i = 1; i < alignment.length; i++) {
      const timing = alignment[i] as WordTiming;
      if (timing.end - timing.start > maxDuration) {
        if (sentenceEnd.includes(timing.word) && timing.word !== '')
          timing.end = timing.start + maxDuration;
        else if (
          sentenceEnd.includes((alignment[i - 1] as WordTiming).word) &&
          (alignment[i - 1] as WordTiming).word !== ''
        ) {
          timing.start = timing.end - maxDuration;
        }
      }
    }
  }
  mergePunctuations(alignment, options.prepend, options.append);
  let lastSpeech = options.lastSpeechTimestamp;
  let wordIndex = 0;
  for (const segment of segments) {
    const textTokens = segment.tokens.filter((token) => token < options.eot);
    let savedTokens = 0;
    const words: TranscriptionWord[] = [];
    while (wordIndex < alignment.length && savedTokens < textTokens.length) {
      const timing = alignment[wordIndex] as WordTiming;
      if (timing.word) {
        words.push({
          word: timing.word,
          start: round2(options.timeOffset + timing.start),
          end: round2(options.timeOffset + timing.end),
          probability: timing.probability,
        });
      }
      savedTokens += timing.tokens.length;
      wordIndex++;
    }
    if (words.length > 0) {
      const first = words[0] as TranscriptionWord;
      const second = words[1];
      if (
        first.end - lastSpeech > medianDuration * 4 &&
        (first.end - first.start > maxDuration ||
          (second !== undefined && second.end - first.start > maxDuration * 2))
      ) {
        if (second !== undefined && second.end - second.start > maxDuration) {
          const boundary = Math.max(second.end / 2, second.end - maxDuration);
          first.end = second.start = boundary;
        }
        first.start = Math.max(0, first.end - maxDuration);
      }
      if (segment.start < first.end && segment.start - 0.5 > first.start) {
        first.start = Math.max(0, Math.min(first.end - medianDuration, segment.start));
      } else {
        segment.start = first.start;
      }
      const last = words[words.length - 1] as TranscriptionWord;
      if (segment.end > last.start && segment.end + 0.5 < last.end) {
        last.end = Math.max(last.start + medianDuration, segment.end);
      } else {
        segment.end = last.end;
      }
      lastSpeech = segment.end;
    }
    segment.words = words;
  }
  return lastSpeech;
}
