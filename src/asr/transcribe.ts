/**
 * Long-form transcription, as OpenAI's `whisper/transcribe.py`: log-mel over the whole file with
 * one global maximum, a seek loop over 30-second windows, temperature fallback, no-speech
 * skipping, segments split at timestamp pairs, conditioning on previous text, clip ranges, word
 * timestamps and the silence-before-hallucination heuristics.
 */
import {
  logMelSpectrogram,
  type MelSpectrogram,
  WHISPER_N_FRAMES,
  WHISPER_N_SAMPLES,
} from '../dsp/whisper-mel.js';
import { InvalidRequestError } from '../errors.js';
import {
  defaultBatchRows,
  encodeInOrder,
  needsFallback,
  windowBatcher,
} from './batched-windows.js';
import {
  resolveSuppressTokens,
  seededRandom,
  TIME_PRECISION,
  type WindowDecodeOptions,
  type WindowDecodeResult,
  WindowDecoder,
} from './decoding/decode-window.js';
import { interpolateWords } from './interpolated-words.js';
import { toLanguageCode } from './languages.js';
import type { WhisperTokenizer } from './tokenizer/whisper-tokenizer.js';
import type { TranscribeOptions, TranscriptionResult, TranscriptionSegment } from './types.js';
import type { EncodedWindow, WhisperRuntime } from './whisper/runtime.js';
import { assignWords, findAlignment } from './word-timing.js';

const SAMPLE_RATE = 16_000;
const HOP_LENGTH = 160;
const FRAMES_PER_SECOND = SAMPLE_RATE / HOP_LENGTH;
/** Mel frames per encoder position (and per timestamp token). */
const INPUT_STRIDE = 2;
const DEFAULT_TEMPERATURES = [0, 0.2, 0.4, 0.6, 0.8, 1];
const DEFAULT_PREPEND = '"\'“¿([{-';
const DEFAULT_APPEND = '"\'.。,，!！?？:：”)]}、';
const PUNCTUATION = DEFAULT_PREPEND + DEFAULT_APPEND;

export interface WhisperParts {
  runtime: WhisperRuntime;
  tokenizer: WhisperTokenizer;
}

/**
 * The `nMels × frames` features of a window starting at `seek`, zero-padded as `pad_or_trim`
 * (`frames` is 3000 but for `audioContext: 'content'`).
 */
function windowFeatures(
  mel: MelSpectrogram,
  seek: number,
  size: number,
  frames = WHISPER_N_FRAMES,
): Float32Array {
  const features = new Float32Array(mel.nMels * frames);
  const count = Math.min(size, frames, mel.nFrames - seek);
  for (let m = 0; m < mel.nMels; m++) {
    features.set(
      mel.data.subarray(m * mel.nFrames + seek, m * mel.nFrames + seek + count),
      m * frames,
    );
  }
  return features;
}

/** Encoder frames for a window of `size` content frames: whole seconds. */
function contentWindowFrames(size: number): number {
  const seconds = Math.max(1, Math.ceil(size / FRAMES_PER_SECOND));
  return Math.min(WHISPER_N_FRAMES, seconds * FRAMES_PER_SECOND);
}

function parseClips(
  clip: TranscribeOptions['clipTimestamps'],
  contentFrames: number,
): Array<[number, number]> {
  const values =
    typeof clip === 'string'
      ? clip.trim()
        ? clip.split(',').map((part) => Number(part.trim()))
        : []
      : [...(clip ?? [0])];
  if (values.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      'clipTimestamps must be non-negative numbers of seconds (start,end,start,end,…).',
    );
  }
  const points = values.map((seconds) => Math.round(seconds * FRAMES_PER_SECOND));
  if (points.length === 0) points.push(0);
  if (points.length % 2 === 1) points.push(contentFrames);
  const clips: Array<[number, number]> = [];
  for (let i = 0; i < points.length; i += 2)
    clips.push([points[i] as number, points[i + 1] as number]);
  return clips;
}

function wordAnomalyScore(word: { probability: number; start: number; end: number }): number {
  const duration = word.end - word.start;
  let score = 0;
  if (word.probability < 0.15) score += 1;
  if (duration < 0.133) score += (0.133 - duration) * 15;
  if (duration > 2) score += duration - 2;
  return score;
}

function isSegmentAnomaly(segment: TranscriptionSegment | undefined): boolean {
  if (!segment?.words || segment.words.length === 0) return false;
  const words = segment.words.filter((word) => !PUNCTUATION.includes(word.word)).slice(0, 8);
  const score = words.reduce((sum, word) => sum + wordAnomalyScore(word), 0);
  return score >= 3 || score + 0.01 >= words.length;
}

function lastWordEnd(segments: TranscriptionSegment[]): number | undefined {
  for (let i = segments.length - 1; i >= 0; i--) {
    const words = segments[i]?.words;
    if (words && words.length > 0) return (words[words.length - 1] as { end: number }).end;
  }
  return undefined;
}

function validate(options: TranscribeOptions): void {
  if (
    options.beamSize !== undefined &&
    !(Number.isInteger(options.beamSize) && options.beamSize >= 1 && options.beamSize <= 32)
  ) {
    throw new InvalidRequestError(
      'invalid_parameter',
      'beamSize must be an integer between 1 and 32.',
    );
  }
  if (
    options.bestOf !== undefined &&
    !(Number.isInteger(options.bestOf) && options.bestOf >= 1 && options.bestOf <= 32)
  ) {
    throw new InvalidRequestError(
      'invalid_parameter',
      'bestOf must be an integer between 1 and 32.',
    );
  }
  if (options.patience !== undefined && !(options.patience > 0)) {
    throw new InvalidRequestError('invalid_parameter', 'patience must be a positive number.');
  }
  if (
    options.lengthPenalty !== undefined &&
    options.lengthPenalty !== null &&
    !(options.lengthPenalty >= 0 && options.lengthPenalty <= 1)
  ) {
    throw new InvalidRequestError('invalid_parameter', 'lengthPenalty must be between 0 and 1.');
  }
  const temperatures =
    typeof options.temperature === 'number' ? [options.temperature] : (options.temperature ?? []);
  if (temperatures.some((t) => !(Number.isFinite(t) && t >= 0 && t <= 2))) {
    throw new InvalidRequestError('invalid_parameter', 'temperature must be between 0 and 2.');
  }
  if (options.audioContext !== undefined && !['full', 'content'].includes(options.audioContext)) {
    throw new InvalidRequestError('invalid_parameter', "audioContext must be 'full' or 'content'.");
  }
}

/** Transcribes 16 kHz mono samples with a Whisper model. */
export async function transcribeWhisper(
  parts: WhisperParts,
  samples: Float32Array,
  options: TranscribeOptions = {},
): Promise<TranscriptionResult> {
  validate(options);
  const { runtime, tokenizer } = parts;
  const decoder = new WindowDecoder(runtime, tokenizer);
  const task = options.task ?? 'transcribe';
  const warnings: string[] = [];
  const shortWindows = options.audioContext === 'content' && (await runtime.acceptsShortWindows());
  if (options.audioContext === 'content' && !shortWindows)
    warnings.push(
      "The model's encoder only takes 30-second windows: audioContext 'content' was not used.",
    );
  // Short windows never read the 30 s of padding OpenAI appends; one second keeps the frames of
  // the audio and the global maximum exactly as they are with the whole padding.
  const padding = shortWindows ? SAMPLE_RATE : WHISPER_N_SAMPLES;
  const mel = logMelSpectrogram(samples, { nMels: runtime.dimensions.nMels, padding });
  const contentFrames = mel.nFrames - padding / HOP_LENGTH;
  const contentDuration = (contentFrames * HOP_LENGTH) / SAMPLE_RATE;
  const encoded = new Map<string, Promise<EncodedWindow>>();
  const encode = (seek: number, size: number): Promise<EncodedWindow> => {
    const key = `${seek}:${size}`;
    let window = encoded.get(key);
    if (!window) {
      const frames = shortWindows ? contentWindowFrames(size) : WHISPER_N_FRAMES;
      window = runtime.encode(windowFeatures(mel, seek, size, frames));
      encoded.set(key, window);
    }
    return window;
  };
  const release = async (seek: number, size: number) => {
    const key = `${seek}:${size}`;
    const window = encoded.get(key);
    encoded.delete(key);
    (await window)?.dispose();
  };

  try {
    let language: string;
    let languageProbs: Record<string, number> | null = null;
    if (options.language) {
      const code = toLanguageCode(options.language);
      if (!code || (tokenizer.isMultilingual && tokenizer.languageToken(code) === undefined)) {
        throw new InvalidRequestError(
          'invalid_parameter',
          `Unknown or unsupported language "${options.language}".`,
          { details: { param: 'language' } },
        );
      }
      language = code;
      if (!tokenizer.isMultilingual && code !== 'en') {
        throw new InvalidRequestError(
          'invalid_parameter',
          `This model is English-only and cannot transcribe "${options.language}".`,
        );
      }
    } else if (!tokenizer.isMultilingual) {
      language = 'en';
    } else {
      // Detect on the first 30 s of the padded log-mel, as `pad_or_trim(mel, N_FRAMES)`.
      // With short windows, on the first window's audio alone.
      const detectionWindow = await encode(
        0,
        shortWindows ? Math.min(WHISPER_N_FRAMES, contentFrames) : WHISPER_N_FRAMES,
      );
      languageProbs = await decoder.detectLanguage(detectionWindow);
      language = Object.entries(languageProbs).reduce((best, entry) =>
        entry[1] > best[1] ? entry : best,
      )[0];
    }
    if (options.wordTimestamps && task === 'translate')
      warnings.push('Word-level timestamps on translations may not be reliable.');
    const wordMethod = options.wordTimestamps
      ? runtime.hasCrossAttentions
        ? 'cross-attention-dtw'
        : 'token-interpolation'
      : undefined;
    if (wordMethod === 'token-interpolation') {
      warnings.push(
        'The model export has no cross-attention outputs: word times are interpolated within segments.',
      );
    }

    const temperatures =
      typeof options.temperature === 'number'
        ? [options.temperature]
        : [...(options.temperature ?? DEFAULT_TEMPERATURES)];
    const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31));
    const hotwords =
      typeof options.hotwords === 'string'
        ? options.hotwords
            .split(',')
            .map((word) => word.trim())
            .filter(Boolean)
        : [...(options.hotwords ?? [])];
    const baseDecode: Omit<WindowDecodeOptions, 'temperature' | 'prompt'> = {
      language,
      task,
      sampleLength: options.maxNewTokens ?? Math.floor(runtime.dimensions.nTextCtx / 2),
      beamSize: options.beamSize,
      bestOf: options.bestOf ?? 5,
      patience: options.patience,
      lengthPenalty: options.lengthPenalty,
      hotwords,
      hotwordBoost: options.hotwordBoost ?? 2,
      prefix: options.prefix,
      suppressBlank: options.suppressBlank ?? true,
      suppressTokens: resolveSuppressTokens(tokenizer, options.suppressTokens ?? [-1]),
      withoutTimestamps: options.withoutTimestamps ?? false,
      maxInitialTimestamp:
        options.maxInitialTimestamp === undefined ? 1 : options.maxInitialTimestamp,
      minNewTokens: options.minNewTokens ?? 0,
      random,
    };
    const compressionThreshold =
      options.compressionRatioThreshold === undefined ? 2.4 : options.compressionRatioThreshold;
    const logprobThreshold = options.logprobThreshold === undefined ? -1 : options.logprobThreshold;
    const noSpeechThreshold =
      options.noSpeechThreshold === undefined ? 0.6 : options.noSpeechThreshold;

    const thresholds = { compressionThreshold, logprobThreshold, noSpeechThreshold };
    const clips = parseClips(options.clipTimestamps, contentFrames);
    const batches = windowBatcher({
      options,
      clips,
      contentFrames,
      rows: defaultBatchRows(runtime, options),
      decodeFirst: async (windows) =>
        decoder.decodeBatch(
          await encodeInOrder(windows, encode),
          { ...baseDecode, temperature: temperatures[0] ?? 0, prompt: [] },
          language,
        ),
    });

    /** Decodes a window at each temperature in turn until the result passes the checks. */
    const decodeWithFallback = async (
      window: EncodedWindow,
      prompt: number[],
      seek: number,
      size: number,
    ): Promise<WindowDecodeResult> => {
      let result: WindowDecodeResult | null = null;
      for (const [attempt, temperature] of temperatures.entries()) {
        options.signal?.throwIfAborted();
        const batched = attempt === 0 ? batches.first(seek, size) : null;
        result = batched
          ? await batched
          : await decoder.decode(window, { ...baseDecode, temperature, prompt }, language);
        if (!needsFallback(result, thresholds)) break;
      }
      return result as WindowDecodeResult;
    };

    const initialPromptTokens = options.initialPrompt
      ? tokenizer.encode(` ${options.initialPrompt.trim()}`)
      : [];
    const allTokens: number[] = [...initialPromptTokens];
    const allSegments: TranscriptionSegment[] = [];
    let promptResetSince = 0;
    const remainingPromptLength =
      Math.floor(runtime.dimensions.nTextCtx / 2) - 1 - initialPromptTokens.length;
    const threshold = options.hallucinationSilenceThreshold ?? null;
    const sotSequence = tokenizer.sotSequence(language, task);
    let clipIndex = 0;
    let seek = clips[0]?.[0] ?? 0;
    let lastSpeechTimestamp = 0;
    const wordsFromAttention = wordMethod === 'cross-attention-dtw';

    while (clipIndex < clips.length) {
      options.signal?.throwIfAborted();
      const [clipStart, clipEnd] = clips[clipIndex] as [number, number];
      if (seek < clipStart) seek = clipStart;
      if (seek >= clipEnd) {
        clipIndex++;
        if (clipIndex < clips.length) seek = (clips[clipIndex] as [number, number])[0];
        continue;
      }
      const timeOffset = (seek * HOP_LENGTH) / SAMPLE_RATE;
      const windowEndTime = ((seek + WHISPER_N_FRAMES) * HOP_LENGTH) / SAMPLE_RATE;
      const segmentSize = Math.min(WHISPER_N_FRAMES, contentFrames - seek, clipEnd - seek);
      const segmentDuration = (segmentSize * HOP_LENGTH) / SAMPLE_RATE;
      const window = await encode(seek, segmentSize);
      const windowSeek = seek;
      try {
        const prompt = options.carryInitialPrompt
          ? [
              ...initialPromptTokens,
              ...allTokens
                .slice(Math.max(initialPromptTokens.length, promptResetSince))
                .slice(-Math.max(0, remainingPromptLength)),
            ]
          : allTokens.slice(promptResetSince);
        const result = await decodeWithFallback(window, prompt, seek, segmentSize);
        const tokens = result.tokens;

        if (noSpeechThreshold !== null) {
          let skip = result.noSpeechProb > noSpeechThreshold;
          if (logprobThreshold !== null && result.avgLogprob > logprobThreshold) skip = false;
          if (skip) {
            seek += segmentSize;
            report(options, seek, contentFrames, clips);
            continue;
          }
        }

        const previousSeek = seek;
        const current: TranscriptionSegment[] = [];
        const newSegment = (
          start: number,
          end: number,
          from: number,
          to: number,
        ): TranscriptionSegment => {
          const sliced = tokens.slice(from, to);
          return {
            id: 0,
            seek: windowSeek,
            start,
            end,
            text: tokenizer.decode(sliced.filter((token) => token < tokenizer.eot)),
            tokens: sliced,
            tokenProbs: result.tokenProbs.slice(from, to),
            temperature: result.temperature,
            avgLogprob: result.avgLogprob,
            compressionRatio: result.compressionRatio,
            noSpeechProb: result.noSpeechProb,
          };
        };
        const isTimestamp = tokens.map((token) => token >= tokenizer.timestampBegin);
        const singleTimestampEnding =
          isTimestamp.length >= 2 &&
          !isTimestamp[isTimestamp.length - 2] &&
          isTimestamp[isTimestamp.length - 1] === true;
        const consecutive: number[] = [];
        for (let i = 0; i + 1 < isTimestamp.length; i++)
          if (isTimestamp[i] && isTimestamp[i + 1]) consecutive.push(i + 1);
        if (consecutive.length > 0) {
          const slices = [...consecutive];
          if (singleTimestampEnding) slices.push(tokens.length);
          let lastSlice = 0;
          for (const slice of slices) {
            const startPos = (tokens[lastSlice] as number) - tokenizer.timestampBegin;
            const endPos = (tokens[slice - 1] as number) - tokenizer.timestampBegin;
            current.push(
              newSegment(
                timeOffset + startPos * TIME_PRECISION,
                timeOffset + endPos * TIME_PRECISION,
                lastSlice,
                slice,
              ),
            );
            lastSlice = slice;
          }
          if (singleTimestampEnding) {
            seek += segmentSize; // no speech after the last timestamp
          } else {
            // Ignore the unfinished segment and continue from the last complete timestamp.
            seek += ((tokens[lastSlice - 1] as number) - tokenizer.timestampBegin) * INPUT_STRIDE;
          }
        } else {
          let duration = segmentDuration;
          const timestamps = tokens.filter((token) => token >= tokenizer.timestampBegin);
          const last = timestamps[timestamps.length - 1];
          if (last !== undefined && last !== tokenizer.timestampBegin)
            duration = (last - tokenizer.timestampBegin) * TIME_PRECISION;
          current.push(newSegment(timeOffset, timeOffset + duration, 0, tokens.length));
          seek += segmentSize;
        }

        if (options.wordTimestamps) {
          if (wordsFromAttention) {
            const textTokens = current.flatMap((segment) =>
              segment.tokens.filter((token) => token < tokenizer.eot),
            );
            const alignment = await findAlignment(
              runtime,
              tokenizer,
              window,
              sotSequence,
              textTokens,
              segmentSize,
              language,
            );
            lastSpeechTimestamp = assignWords(current, alignment, {
              timeOffset: (windowSeek * HOP_LENGTH) / SAMPLE_RATE,
              prepend: options.prependPunctuations ?? DEFAULT_PREPEND,
              append: options.appendPunctuations ?? DEFAULT_APPEND,
              lastSpeechTimestamp,
              eot: tokenizer.eot,
            });
          } else {
            for (const segment of current) interpolateWords(segment, tokenizer, language);
          }
          if (!singleTimestampEnding && options.resumeAtLastWord !== false) {
            const end = lastWordEnd(current);
            if (end !== undefined && end > timeOffset) seek = Math.round(end * FRAMES_PER_SECOND);
          }
          if (threshold !== null) {
            if (!singleTimestampEnding) {
              const end = lastWordEnd(current);
              if (end !== undefined && end > timeOffset) {
                seek =
                  windowEndTime - end > threshold
                    ? Math.round(end * FRAMES_PER_SECOND)
                    : previousSeek + segmentSize;
              }
            }
            const firstWithWords = current.find(
              (segment) => segment.words && segment.words.length > 0,
            );
            if (firstWithWords && isSegmentAnomaly(firstWithWords)) {
              const gap = firstWithWords.start - timeOffset;
              if (gap > threshold) {
                seek = previousSeek + Math.round(gap * FRAMES_PER_SECOND);
                report(options, seek, contentFrames, clips);
                continue;
              }
            }
            let hallucinationLastEnd = lastSpeechTimestamp;
            for (let si = 0; si < current.length; si++) {
              const segment = current[si] as TranscriptionSegment;
              if (!segment.words || segment.words.length === 0) continue;
              if (isSegmentAnomaly(segment)) {
                const next = current
                  .slice(si + 1)
                  .find((candidate) => candidate.words && candidate.words.length > 0);
                const nextStart = next?.words?.[0]?.start ?? timeOffset + segmentDuration;
                const silenceBefore =
                  segment.start - hallucinationLastEnd > threshold ||
                  segment.start < threshold ||
                  segment.start - timeOffset < 2;
                const silenceAfter =
                  nextStart - segment.end > threshold ||
                  isSegmentAnomaly(next) ||
                  windowEndTime - segment.end < 2;
                if (silenceBefore && silenceAfter) {
                  seek = Math.round(Math.max(timeOffset + 1, segment.start) * FRAMES_PER_SECOND);
                  if (contentDuration - segment.end < threshold) seek = contentFrames;
                  current.splice(si);
                  break;
                }
              }
              hallucinationLastEnd = segment.end;
            }
          }
          const end = lastWordEnd(current);
          if (end !== undefined) lastSpeechTimestamp = end;
        }

        for (const segment of current) {
          if (segment.start === segment.end || segment.text.trim() === '') {
            segment.text = '';
            segment.tokens = [];
            segment.tokenProbs = [];
            if (options.wordTimestamps) segment.words = [];
          }
        }
        for (const segment of current) {
          segment.id = allSegments.length;
          allSegments.push(segment);
          options.onSegment?.(segment);
        }
        allTokens.push(...current.flatMap((segment) => segment.tokens));
        if (!(options.conditionOnPreviousText ?? true) || result.temperature > 0.5)
          promptResetSince = allTokens.length;
        report(options, seek, contentFrames, clips);
      } finally {
        await release(windowSeek, segmentSize);
      }
    }
    return {
      text: tokenizer.decode(allTokens.slice(initialPromptTokens.length)),
      language,
      languageProbs,
      durationS: samples.length / SAMPLE_RATE,
      segments: allSegments,
      ...(wordMethod ? { wordTimestampMethod: wordMethod } : {}),
      warnings,
    };
  } finally {
    for (const window of encoded.values()) (await window.catch(() => null))?.dispose();
  }
}

function report(
  options: TranscribeOptions,
  seek: number,
  contentFrames: number,
  clips: Array<[number, number]>,
): void {
  if (!options.onProgress) return;
  const total = clips.reduce(
    (sum, [start, end]) => sum + Math.max(0, Math.min(end, contentFrames) - start),
    0,
  );
  let done = 0;
  for (const [start, end] of clips) done += Math.max(0, Math.min(seek, end, contentFrames) - start);
  options.onProgress({
    doneS: (done * HOP_LENGTH) / SAMPLE_RATE,
    totalS: (total * HOP_LENGTH) / SAMPLE_RATE,
  });
}
