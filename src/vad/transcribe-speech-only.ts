/**
 * Transcription of the speech only: VAD finds the speech, silence is dropped, the speech is
 * grouped into chunks of at most 30 s, each chunk is transcribed (several at once when the engine
 * takes batches), and every segment and word time comes back on the original audio's timeline.
 * Audio without speech is never shown to the transcriber, which is what keeps Whisper from
 * inventing text on silence.
 *
 * Engine independent: the transcriber is a function (or a batch function) over chunk audio.
 */
import { EarshotError } from '../errors.js';
import { chunkAudio, planSpeechChunks, type TranscriptionChunk } from './speech-chunks.js';
import {
  checkSampleRate,
  type SpeechTimestamp,
  type SpeechTimestampsOptions,
  speechTimestamps,
} from './speech-timestamps.js';

export interface ChunkWord {
  word: string;
  /** Seconds. */
  start: number;
  end: number;
}

/** A transcribed segment; engines may add fields, which are passed through unchanged. */
export interface ChunkSegment {
  /** Seconds. */
  start: number;
  end: number;
  text: string;
  words?: ChunkWord[];
}

export interface ChunkTranscript<S extends ChunkSegment = ChunkSegment> {
  segments: S[];
}

/** Transcribes one chunk; times are seconds on the chunk's own timeline. */
export type ChunkTranscriber<S extends ChunkSegment = ChunkSegment> = (
  samples: Float32Array,
  chunk: TranscriptionChunk,
) => Promise<ChunkTranscript<S>> | ChunkTranscript<S>;

/** An engine that transcribes several chunks in one call. */
export interface BatchChunkTranscriber<S extends ChunkSegment = ChunkSegment> {
  /** Most chunks per call. */
  batchSize: number;
  transcribeBatch(
    chunks: Array<{ samples: Float32Array; chunk: TranscriptionChunk }>,
  ): Promise<Array<ChunkTranscript<S>>>;
}

export interface SpeechOnlyOptions extends SpeechTimestampsOptions {
  /** Longest chunk in seconds. Default 30 (Whisper's window). */
  maxChunkS?: number;
  /**
   * Audio added around every speech region when chunks are built, so word edges are not clipped.
   * Default 200 ms.
   */
  chunkPadMs?: number;
}

export interface SpeechOnlyTranscript<S extends ChunkSegment = ChunkSegment> {
  /** Segments of all chunks in order, times in seconds of the original audio. */
  segments: S[];
  /** The speech regions found. */
  speech: SpeechTimestamp[];
  /** Where each chunk's audio came from, in seconds of the original audio. */
  chunks: Array<{ startS: number; endS: number; durationS: number }>;
  durationS: number;
  /** Seconds of audio that were transcribed. */
  transcribedS: number;
}

const DEFAULT_CHUNK_PAD_MS = 200;

/**
 * VAD, then transcription of the speech chunks only, with times mapped back exactly. Regions are
 * limited so that a padded region fits in one chunk (longer ones are split at their longest pause
 * by Silero's rules).
 */
export async function transcribeSpeechOnly<S extends ChunkSegment = ChunkSegment>(
  samples: Float32Array,
  options: SpeechOnlyOptions,
  transcriber: ChunkTranscriber<S> | BatchChunkTranscriber<S>,
): Promise<SpeechOnlyTranscript<S>> {
  const sampleRate = options.sampleRate ?? 16000;
  checkSampleRate(sampleRate);
  const maxChunkS = options.maxChunkS ?? 30;
  const chunkPadMs = options.chunkPadMs ?? DEFAULT_CHUNK_PAD_MS;
  // A region plus its chunk padding must fit in one chunk.
  const fitsChunk = Math.max(maxChunkS - (2 * chunkPadMs) / 1000, 1);
  const speech = await speechTimestamps(samples, {
    ...options,
    maxSpeechDurationS: Math.min(options.maxSpeechDurationS ?? fitsChunk, fitsChunk),
  });
  const chunks = planSpeechChunks(speech, {
    sampleRate,
    totalSamples: samples.length,
    maxChunkS,
    padMs: chunkPadMs,
  });
  const transcripts = await transcribeChunks(samples, chunks, transcriber);
  const segments = chunks.flatMap((chunk, index) =>
    (transcripts[index] as ChunkTranscript<S>).segments.map((segment) =>
      toOriginalTimeline(segment, chunk),
    ),
  );
  return {
    segments,
    speech,
    chunks: chunks.map((chunk) => ({
      startS: chunk.startS,
      endS: chunk.endS,
      durationS: chunk.length / sampleRate,
    })),
    durationS: samples.length / sampleRate,
    transcribedS: chunks.reduce((sum, chunk) => sum + chunk.length, 0) / sampleRate,
  };
}

async function transcribeChunks<S extends ChunkSegment>(
  samples: Float32Array,
  chunks: TranscriptionChunk[],
  transcriber: ChunkTranscriber<S> | BatchChunkTranscriber<S>,
): Promise<Array<ChunkTranscript<S>>> {
  if (typeof transcriber === 'function') {
    const results: Array<ChunkTranscript<S>> = [];
    for (const chunk of chunks) results.push(await transcriber(chunkAudio(samples, chunk), chunk));
    return results;
  }
  const batchSize = Math.max(1, Math.floor(transcriber.batchSize));
  const results: Array<ChunkTranscript<S>> = [];
  for (let from = 0; from < chunks.length; from += batchSize) {
    const batch = chunks
      .slice(from, from + batchSize)
      .map((chunk) => ({ samples: chunkAudio(samples, chunk), chunk }));
    const transcripts = await transcriber.transcribeBatch(batch);
    if (transcripts.length !== batch.length) {
      throw new EarshotError(
        'internal_error',
        `The transcriber returned ${transcripts.length} results for a batch of ${batch.length} chunks.`,
      );
    }
    results.push(...transcripts);
  }
  return results;
}

function checkTime(value: number, what: string): void {
  if (!Number.isFinite(value)) {
    throw new EarshotError('internal_error', `The transcriber returned a ${what} of ${value}.`);
  }
}

/** A segment with its own and its words' times moved onto the original timeline. */
function toOriginalTimeline<S extends ChunkSegment>(segment: S, chunk: TranscriptionChunk): S {
  checkTime(segment.start, 'segment start');
  checkTime(segment.end, 'segment end');
  const mapped: S = { ...segment, ...chunk.timeline.span(segment.start, segment.end) };
  if (segment.words) {
    mapped.words = segment.words.map((word) => {
      checkTime(word.start, 'word start');
      checkTime(word.end, 'word end');
      return { ...word, ...chunk.timeline.span(word.start, word.end) };
    });
  }
  return mapped;
}
