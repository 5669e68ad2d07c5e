/**
 * Mono samples → an audio file or stream in one of the formats speech APIs return. WAV and raw
 * PCM are written in TypeScript; FLAC, MP3, Opus (in Ogg) and AAC (ADTS) are encoded by ffmpeg.
 * Every format can be produced incrementally (`encodeAudioStream`), which is what streaming
 * speech synthesis needs; `encodeAudio` is the one-shot form.
 */
import { AudioEncodeError, EarshotError } from '../errors.js';
import { FfmpegExitError, lastMeaningfulLine, locateFfmpeg, runFfmpeg } from './ffmpeg.js';
import { Resampler } from './resample.js';
import { encodeWav, floatToS16le } from './wav.js';

export const AUDIO_OUTPUT_FORMATS = ['wav', 'pcm', 'flac', 'mp3', 'opus', 'aac'] as const;
export type AudioOutputFormat = (typeof AUDIO_OUTPUT_FORMATS)[number];

export interface EncodeAudioOptions {
  /** Bit rate for lossy formats, in kbit/s. Defaults: mp3 128, aac 96, opus 48. */
  bitrateKbps?: number;
  timeoutS?: number;
  ffmpegPath?: string | null;
  signal?: AbortSignal;
}

interface FormatSpec {
  mimeType: string;
  extension: string;
  /** Rates the codec accepts; other rates are converted to the nearest higher one. */
  rates?: readonly number[];
  /** ffmpeg output arguments; absent for the formats written in TypeScript. */
  ffmpeg?: (bitrateKbps: number | undefined) => string[];
}

const MP3_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
const OPUS_RATES = [8000, 12000, 16000, 24000, 48000] as const;
const AAC_RATES = [
  8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000,
] as const;

/** What each output format is and how it is made. */
export const audioOutputFormats: Record<AudioOutputFormat, FormatSpec> = {
  wav: { mimeType: 'audio/wav', extension: 'wav' },
  pcm: { mimeType: 'audio/pcm', extension: 'pcm' },
  flac: {
    mimeType: 'audio/flac',
    extension: 'flac',
    ffmpeg: () => ['-c:a', 'flac', '-sample_fmt', 's16', '-f', 'flac'],
  },
  mp3: {
    mimeType: 'audio/mpeg',
    extension: 'mp3',
    rates: MP3_RATES,
    ffmpeg: (kbps) => ['-c:a', 'libmp3lame', '-b:a', `${kbps ?? 128}k`, '-f', 'mp3'],
  },
  opus: {
    mimeType: 'audio/ogg',
    extension: 'opus',
    rates: OPUS_RATES,
    ffmpeg: (kbps) => [
      '-c:a',
      'libopus',
      '-b:a',
      `${kbps ?? 48}k`,
      '-application',
      'voip',
      '-f',
      'ogg',
    ],
  },
  aac: {
    mimeType: 'audio/aac',
    extension: 'aac',
    rates: AAC_RATES,
    ffmpeg: (kbps) => ['-c:a', 'aac', '-b:a', `${kbps ?? 96}k`, '-f', 'adts'],
  },
};

export function isAudioOutputFormat(value: string): value is AudioOutputFormat {
  return (AUDIO_OUTPUT_FORMATS as readonly string[]).includes(value);
}

function checkFormat(format: string): asserts format is AudioOutputFormat {
  if (!isAudioOutputFormat(format)) {
    throw new AudioEncodeError(
      'audio_unsupported_output',
      `Unsupported output format "${format}"; choose one of ${AUDIO_OUTPUT_FORMATS.join(', ')}.`,
      {
        details: { format },
      },
    );
  }
}

function checkRate(sampleRate: number): void {
  if (!(Number.isInteger(sampleRate) && sampleRate >= 1000 && sampleRate <= 768_000)) {
    throw new AudioEncodeError(
      'audio_unsupported_output',
      `Sample rate must be an integer between 1000 and 768000 Hz, got ${sampleRate}.`,
    );
  }
}

/** The nearest rate the codec accepts at or above `rate` (or its highest). */
function codecRate(rate: number, rates: readonly number[] | undefined): number {
  if (!rates || rates.includes(rate)) return rate;
  return rates.find((candidate) => candidate >= rate) ?? (rates.at(-1) as number);
}

/** A streaming WAV header: the sizes are unknown until the end, as in streamed HTTP responses. */
function streamingWavHeader(sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(0xffffffff, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(0xffffffff, 40);
  return header;
}

/**
 * Encodes a stream of mono sample blocks, yielding encoded bytes as soon as the encoder has them.
 * WAV output carries "unknown" sizes in its header (0xFFFFFFFF), which players and
 * `loadAudio` accept; use `encodeAudio` for a WAV with exact sizes.
 */
export async function* encodeAudioStream(
  blocks: AsyncIterable<Float32Array> | Iterable<Float32Array>,
  sampleRate: number,
  format: AudioOutputFormat,
  options: EncodeAudioOptions = {},
): AsyncGenerator<Buffer> {
  checkFormat(format);
  checkRate(sampleRate);
  const spec = audioOutputFormats[format];
  if (!spec.ffmpeg) {
    if (format === 'wav') yield streamingWavHeader(sampleRate);
    for await (const block of blocks) if (block.length > 0) yield floatToS16le(block);
    return;
  }
  yield* encodeWithFfmpeg(blocks, sampleRate, format, spec, options);
}

async function* encodeWithFfmpeg(
  blocks: AsyncIterable<Float32Array> | Iterable<Float32Array>,
  sampleRate: number,
  format: AudioOutputFormat,
  spec: FormatSpec,
  options: EncodeAudioOptions,
): AsyncGenerator<Buffer> {
  const ffmpeg = locateFfmpeg(options.ffmpegPath ?? null);
  const outputRate = codecRate(sampleRate, spec.rates);
  const resampler = outputRate === sampleRate ? null : new Resampler(sampleRate, outputRate);
  const args = [
    '-f',
    'f32le',
    '-ar',
    String(outputRate),
    '-ac',
    '1',
    '-i',
    'pipe:0',
    ...(spec.ffmpeg as NonNullable<FormatSpec['ffmpeg']>)(options.bitrateKbps),
    'pipe:1',
  ];
  const run = runFfmpeg(ffmpeg, args, {
    timeoutMs: (options.timeoutS ?? 300) * 1000,
    signal: options.signal,
  });
  const failed = run.done.then(
    () => null,
    (error: unknown) => error,
  );

  // Set when the consumer stops early: the blocks are not read any further (for synthesised
  // speech that means no more sentences are synthesised for nobody).
  let stopped = false;
  const feeding = (async () => {
    const write = (block: Float32Array) =>
      new Promise<void>((resolve) => {
        if (block.length === 0 || stopped) return resolve();
        const bytes = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
        if (run.stdin.write(bytes)) return resolve();
        const done = () => {
          run.stdin.off('drain', done);
          run.stdin.off('close', done);
          resolve();
        };
        run.stdin.on('drain', done);
        run.stdin.on('close', done);
      });
    try {
      for await (const block of blocks) {
        if (stopped) break;
        await write(resampler ? resampler.push(block) : block);
      }
      if (resampler && !stopped) await write(resampler.flush());
    } finally {
      run.stdin.end();
    }
  })();
  feeding.catch(() => run.kill());

  let completed = false;
  try {
    for await (const chunk of run.stdout as AsyncIterable<Buffer>) yield chunk;
    await feeding;
    completed = true;
  } finally {
    // The consumer stopped early (or feeding failed): do not leave ffmpeg running, and return
    // only once the input is closed, so no work for this stream goes on after it.
    if (!completed) {
      stopped = true;
      run.kill();
      await feeding.catch(() => {});
    }
  }
  const error = await failed;
  if (error) throw translateEncodeFailure(error, format);
}

function translateEncodeFailure(error: unknown, format: AudioOutputFormat): EarshotError {
  if (error instanceof EarshotError) return error;
  const detail =
    error instanceof FfmpegExitError ? lastMeaningfulLine(error.stderr) : String(error);
  return new AudioEncodeError('audio_encode_failed', `Encoding ${format} failed: ${detail}`, {
    cause: error,
  });
}

/** Encodes mono samples into a complete file in `format`. */
export async function encodeAudio(
  samples: Float32Array,
  sampleRate: number,
  format: AudioOutputFormat,
  options: EncodeAudioOptions = {},
): Promise<Buffer> {
  checkFormat(format);
  checkRate(sampleRate);
  if (format === 'wav') return encodeWav(samples, sampleRate);
  const chunks: Buffer[] = [];
  for await (const chunk of encodeAudioStream([samples], sampleRate, format, options))
    chunks.push(chunk);
  return Buffer.concat(chunks);
}
