/**
 * `loadAudio`: any audio a user has → mono Float32 samples at the rate Earshot works in.
 * WAV and raw PCM are read in TypeScript; everything else is decoded by ffmpeg over pipes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioDecodeError, EarshotError } from '../errors.js';
import {
  FfmpegExitError,
  lastMeaningfulLine,
  locateFfmpeg,
  parseInputInfo,
  parseOutputAudio,
  runFfmpeg,
} from './ffmpeg.js';
import { type AudioInput, type ResolvedInput, readRange, resolveInput } from './input.js';
import { OGG_TAIL_BYTES, oggEndsCleanly } from './ogg.js';
import { MonoSink } from './sink.js';
import { describeNonAudio, type SniffedFormat, sniffFormat } from './sniff.js';
import { deinterleaveWavData, parseWavHeader, type WavFormat } from './wav.js';

export type { AudioInput } from './input.js';

/** Samples with their rate: the one audio type passed between Earshot's parts. */
export interface PcmAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** What the input was before it was decoded. */
export interface AudioSourceInfo {
  /** Container: `wav`, `flac`, `mp3`, `ogg`, `opus`, `m4a`, `mp4`, `webm`, `matroska`, `pcm`, … */
  format: string;
  /** Codec as ffmpeg names it: `pcm_s16le`, `flac`, `mp3`, `aac`, `opus`, `vorbis`, … */
  codec: string;
  channels: number;
  sampleRate: number;
  /** Bits per sample for PCM, `null` for compressed codecs. */
  bitsPerSample: number | null;
}

export interface LoadedAudio extends PcmAudio {
  durationS: number;
  source: AudioSourceInfo;
}

/** Headerless PCM: the layout a caller must state because the bytes cannot. */
export interface RawPcmFormat {
  sampleRate: number;
  channels?: number;
  encoding?: 's16le';
}

export interface LoadAudioOptions {
  /** Output rate in Hz, or `'source'` to keep the input's rate. Default 16000. */
  sampleRate?: number | 'source';
  /** Treat the input as headerless PCM in this layout. */
  raw?: RawPcmFormat;
  /** Longest audio accepted. Default 4 h. */
  maxDurationS?: number;
  /** Deadline for the whole decode. Default 300 s. */
  timeoutS?: number;
  /** ffmpeg binary; default: PATH, then the bundled one. */
  ffmpegPath?: string | null;
  /** Refuse audio that ends before its header says (default), or keep what is there. */
  strictTruncation?: boolean;
  signal?: AbortSignal;
}

const DEFAULTS = {
  sampleRate: 16_000,
  maxDurationS: 4 * 3600,
  timeoutS: 300,
  strictTruncation: true,
} as const;

/** Bytes of PCM read per step, so that long WAV files never sit in memory twice. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Streams are collected in memory up to this size (about 3 h of 16-bit 48 kHz stereo). */
const MAX_STREAM_BYTES = 2 * 1024 ** 3 - 1;

/**
 * Decodes audio from a path, bytes or a stream into mono samples at `sampleRate` (16 kHz by
 * default). Every failure is an `AudioDecodeError` with a stable code.
 */
export async function loadAudio(
  input: AudioInput,
  options: LoadAudioOptions = {},
): Promise<LoadedAudio> {
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const startedAt = Date.now();
  const resolved = await resolveInput(input, {
    maxStreamBytes: MAX_STREAM_BYTES,
    timeoutMs: settings.timeoutS * 1000,
  });
  // Reading a stream spends part of the time budget; decoding gets the rest.
  settings.timeoutS = Math.max(0.001, settings.timeoutS - (Date.now() - startedAt) / 1000);
  if (resolved.size === 0) {
    throw new AudioDecodeError('audio_empty', 'The audio input is empty (0 bytes).');
  }
  if (options.raw) return decodeRawPcm(resolved, options.raw, settings);

  const sniffed = sniffFormat(resolved.head);
  if (sniffed === 'wav') {
    try {
      return await decodeWav(resolved, settings);
    } catch (error) {
      // Compressed WAV variants (ADPCM, µ-law, …) are left to ffmpeg.
      if (!(error instanceof AudioDecodeError && error.code === 'audio_unsupported_format'))
        throw error;
    }
  } else if (sniffed === 'unknown') {
    const nonAudio = describeNonAudio(resolved.head);
    if (nonAudio) {
      throw new AudioDecodeError(
        'audio_unsupported_format',
        `The input is ${nonAudio}, not audio.`,
      );
    }
  }
  if (OGG_FORMATS.has(sniffed) && settings.strictTruncation) {
    const tail = await readRange(
      resolved,
      Math.max(0, resolved.size - OGG_TAIL_BYTES),
      OGG_TAIL_BYTES,
    );
    if (!oggEndsCleanly(tail)) {
      throw new AudioDecodeError(
        'audio_truncated',
        'The Ogg file is truncated: it ends without the page that closes its stream.',
      );
    }
  }
  return decodeWithFfmpeg(resolved, sniffed, settings);
}

const OGG_FORMATS = new Set<SniffedFormat>(['ogg', 'opus', 'vorbis']);

type Settings = Required<Omit<LoadAudioOptions, 'raw' | 'signal' | 'ffmpegPath'>> &
  Pick<LoadAudioOptions, 'signal' | 'ffmpegPath'>;

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}

function targetRate(settings: Settings, sourceRate: number): number {
  return settings.sampleRate === 'source' ? sourceRate : settings.sampleRate;
}

function finish(sink: MonoSink, source: AudioSourceInfo): LoadedAudio {
  const samples = sink.finish();
  if (samples.length === 0) {
    throw new AudioDecodeError('audio_empty', 'The audio input contains no samples.');
  }
  return { samples, sampleRate: sink.targetRate, durationS: sink.frames / sink.sourceRate, source };
}

function checkDeclaredDuration(durationS: number, settings: Settings): void {
  if (durationS > settings.maxDurationS) {
    throw new AudioDecodeError(
      'audio_too_long',
      `Audio lasts ${Math.round(durationS)} s, longer than the ${settings.maxDurationS} s limit (EARSHOT_MAX_AUDIO_DURATION_S).`,
      {
        details: { durationS, maxDurationS: settings.maxDurationS },
      },
    );
  }
}

async function decodePcmRange(
  resolved: ResolvedInput,
  format: Pick<WavFormat, 'channels' | 'bitsPerSample' | 'float' | 'sampleRate'> & {
    dataOffset: number;
    dataLength: number;
  },
  settings: Settings,
): Promise<MonoSink> {
  const sink = new MonoSink(
    format.sampleRate,
    targetRate(settings, format.sampleRate),
    settings.maxDurationS,
  );
  const frameBytes = (format.bitsPerSample / 8) * format.channels;
  const step = Math.max(frameBytes, CHUNK_BYTES - (CHUNK_BYTES % frameBytes));
  for (let offset = 0; offset < format.dataLength; offset += step) {
    settings.signal?.throwIfAborted();
    const bytes = await readRange(
      resolved,
      format.dataOffset + offset,
      Math.min(step, format.dataLength - offset),
    );
    sink.push(deinterleaveWavData(bytes, format));
  }
  return sink;
}

async function decodeWav(resolved: ResolvedInput, settings: Settings): Promise<LoadedAudio> {
  let format: WavFormat;
  try {
    format = parseWavHeader(resolved.head);
  } catch (error) {
    // Long chunks (metadata, padding) before `data` can push it past the first bytes read.
    const needsMore =
      error instanceof AudioDecodeError &&
      error.code === 'audio_truncated' &&
      resolved.size > resolved.head.length;
    if (!needsMore) throw error;
    format = parseWavHeader(
      await readRange(resolved, 0, Math.min(resolved.size, 16 * 1024 * 1024)),
    );
  }
  const available = resolved.size - format.dataOffset;
  const frameBytes = (format.bitsPerSample / 8) * format.channels;
  const declared = format.declaredDataLength ?? available;
  if (declared > available && settings.strictTruncation) {
    throw new AudioDecodeError(
      'audio_truncated',
      `The WAV file is truncated: its header declares ${declared} bytes of audio but only ${available} are present.`,
      {
        details: { declaredBytes: declared, presentBytes: available },
      },
    );
  }
  const usable = Math.min(declared, available);
  const dataLength = usable - (usable % frameBytes);
  checkDeclaredDuration(dataLength / frameBytes / format.sampleRate, settings);
  const sink = await decodePcmRange(resolved, { ...format, dataLength }, settings);
  return finish(sink, {
    format: 'wav',
    codec: format.codec,
    channels: format.channels,
    sampleRate: format.sampleRate,
    bitsPerSample: format.bitsPerSample,
  });
}

async function decodeRawPcm(
  resolved: ResolvedInput,
  raw: RawPcmFormat,
  settings: Settings,
): Promise<LoadedAudio> {
  const channels = raw.channels ?? 1;
  if (!(Number.isInteger(raw.sampleRate) && raw.sampleRate >= 1000 && raw.sampleRate <= 768_000)) {
    throw new AudioDecodeError(
      'audio_invalid_pcm',
      `Raw PCM sample rate must be an integer between 1000 and 768000 Hz, got ${raw.sampleRate}.`,
    );
  }
  if (!(Number.isInteger(channels) && channels >= 1 && channels <= 32)) {
    throw new AudioDecodeError(
      'audio_invalid_pcm',
      `Raw PCM channel count must be between 1 and 32, got ${channels}.`,
    );
  }
  const frameBytes = 2 * channels;
  if (resolved.size % frameBytes !== 0) {
    throw new AudioDecodeError(
      'audio_invalid_pcm',
      `Raw s16le PCM with ${channels} channel(s) must be a multiple of ${frameBytes} bytes, got ${resolved.size}: the data is truncated or not in this layout.`,
    );
  }
  checkDeclaredDuration(resolved.size / frameBytes / raw.sampleRate, settings);
  const sink = await decodePcmRange(
    resolved,
    {
      channels,
      bitsPerSample: 16,
      float: false,
      sampleRate: raw.sampleRate,
      dataOffset: 0,
      dataLength: resolved.size,
    },
    settings,
  );
  return finish(sink, {
    format: 'pcm',
    codec: 'pcm_s16le',
    channels,
    sampleRate: raw.sampleRate,
    bitsPerSample: 16,
  });
}

const FORMAT_FROM_CONTAINER: Array<[RegExp, string]> = [
  [/^mov,mp4/, 'mp4'],
  [/^matroska,webm/, 'matroska'],
  [/^ogg/, 'ogg'],
];

function formatName(sniffed: SniffedFormat, container: string | null): string {
  if (sniffed !== 'unknown') return sniffed;
  if (!container) return 'unknown';
  for (const [pattern, name] of FORMAT_FROM_CONTAINER) if (pattern.test(container)) return name;
  return container.split(',')[0] ?? container;
}

async function decodeWithFfmpeg(
  resolved: ResolvedInput,
  sniffed: SniffedFormat,
  settings: Settings,
): Promise<LoadedAudio> {
  const ffmpeg = locateFfmpeg(settings.ffmpegPath ?? null);
  let temporaryDirectory: string | null = null;
  let path: string;
  if (resolved.kind === 'file') {
    path = resolved.path;
  } else {
    // A temporary file rather than stdin: MP4/M4A often keep their index at the end, which
    // ffmpeg can only reach in a seekable input.
    temporaryDirectory = await mkdtemp(join(tmpdir(), 'earshot-decode-'));
    path = join(temporaryDirectory, 'input');
    await writeFile(path, resolved.bytes, { mode: 0o600 });
  }
  try {
    return await runDecode(ffmpeg, path, sniffed, settings);
  } finally {
    if (temporaryDirectory) await rm(temporaryDirectory, { recursive: true, force: true });
  }
}

async function runDecode(
  ffmpeg: string,
  path: string,
  sniffed: SniffedFormat,
  settings: Settings,
): Promise<LoadedAudio> {
  // `file:` keeps a hostile file name from being read as an ffmpeg protocol or option.
  const args = [
    '-protocol_whitelist',
    'file',
    '-i',
    `file:${path}`,
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-c:a',
    'pcm_f32le',
    '-f',
    'f32le',
    'pipe:1',
  ];
  const run = runFfmpeg(ffmpeg, args, {
    timeoutMs: settings.timeoutS * 1000,
    signal: settings.signal,
  });
  let sink: MonoSink | null = null;
  let channels = 0;
  const pending: Buffer[] = [];
  let remainder = Buffer.alloc(0);
  let failure: unknown = null;

  const consume = (chunk: Buffer) => {
    const bytes = remainder.length > 0 ? Buffer.concat([remainder, chunk]) : chunk;
    const frameBytes = 4 * channels;
    const whole = bytes.length - (bytes.length % frameBytes);
    remainder = Buffer.from(bytes.subarray(whole));
    if (whole === 0) return;
    // Copy into an aligned Float32Array: Buffer chunks may start at any byte offset.
    const floats = new Float32Array(whole / 4);
    new Uint8Array(floats.buffer).set(bytes.subarray(0, whole));
    (sink as MonoSink).pushInterleaved(floats, channels);
  };
  const ensureSink = (): boolean => {
    if (sink) return true;
    const output = parseOutputAudio(run.stderr());
    if (!output) return false;
    channels = output.channels;
    sink = new MonoSink(
      output.sampleRate,
      targetRate(settings, output.sampleRate),
      settings.maxDurationS,
    );
    return true;
  };

  run.stdout.on('data', (chunk: Buffer) => {
    if (failure) return;
    try {
      if (!ensureSink()) {
        pending.push(chunk);
        return;
      }
      for (const queued of pending.splice(0)) consume(queued);
      consume(chunk);
    } catch (error) {
      failure = error;
      run.kill();
    }
  });

  let stderr: string;
  try {
    stderr = await run.done;
  } catch (error) {
    if (failure) throw failure;
    throw translateFfmpegFailure(error, sniffed);
  }
  if (failure) throw failure;
  if (!ensureSink()) {
    throw new AudioDecodeError(
      'audio_corrupt',
      `ffmpeg decoded the input but did not describe its output: ${lastMeaningfulLine(stderr)}`,
    );
  }
  for (const queued of pending.splice(0)) consume(queued);

  const info = parseInputInfo(stderr);
  const activeSink = sink as unknown as MonoSink;
  const decodedS = activeSink.frames / activeSink.sourceRate;
  const problem = judgeDecode(decodedS, info.durationS, stderr, settings.strictTruncation);
  if (problem) throw problem;
  return finish(activeSink, {
    format: formatName(sniffed, info.container),
    codec: info.codec ?? 'unknown',
    channels: info.channels ?? channels,
    sampleRate: info.sampleRate ?? activeSink.sourceRate,
    bitsPerSample: null,
  });
}

/** ffmpeg prints this once per packet it could not decode. */
const DECODE_ERROR = /Error while decoding stream/g;

/**
 * Decides whether a decode that ffmpeg finished is usable. A stream that stops well before the
 * duration its header declares is corrupt when ffmpeg failed on packet after packet, and
 * truncated otherwise; a duration ffmpeg only estimated from the bit rate is not enough to call a
 * file truncated.
 */
function judgeDecode(
  decodedS: number,
  declaredS: number | null,
  stderr: string,
  strictTruncation: boolean,
): AudioDecodeError | null {
  const afterOutput = stderr.slice(Math.max(0, stderr.indexOf('Output #0')));
  const decodeErrors = afterOutput.match(DECODE_ERROR)?.length ?? 0;
  if (decodedS === 0) {
    return decodeErrors > 0 || (declaredS ?? 0) > 0
      ? new AudioDecodeError('audio_corrupt', 'No audio could be decoded: the data is corrupt.')
      : new AudioDecodeError('audio_empty', 'The audio input contains no samples.');
  }
  if (declaredS === null || declaredS - decodedS <= Math.max(0.25, declaredS * 0.02)) return null;
  const details = { details: { declaredS, decodedS } };
  if (decodeErrors >= 3) {
    return new AudioDecodeError(
      'audio_corrupt',
      `The audio is corrupt: decoding failed repeatedly and stopped after ${decodedS.toFixed(2)} s of the ${declaredS.toFixed(2)} s its header declares.`,
      details,
    );
  }
  if (/Estimating duration from bitrate/.test(stderr)) return null;
  if (!strictTruncation) return null;
  return new AudioDecodeError(
    'audio_truncated',
    `The audio is truncated: its header declares ${declaredS.toFixed(2)} s but only ${decodedS.toFixed(2)} s could be decoded.`,
    details,
  );
}

const NO_STREAM = /matches no streams|does not contain any stream|Output file #0 does not contain/;
const UNRECOGNISED =
  /Invalid data found when processing input|could not find codec parameters|Invalid argument|Unknown input format/;
const NO_DECODER = /Decoder \(codec [^)]*\) not found|Unsupported codec|no decoder/i;
const INCOMPLETE = /moov atom not found|partial file|Truncated|End of file/i;

function translateFfmpegFailure(error: unknown, sniffed: SniffedFormat): EarshotError {
  if (error instanceof EarshotError) return error;
  if (!(error instanceof FfmpegExitError)) {
    return new AudioDecodeError(
      'audio_corrupt',
      `Audio could not be decoded: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const stderr = error.stderr;
  const detail = lastMeaningfulLine(stderr);
  if (NO_STREAM.test(stderr)) {
    return new AudioDecodeError(
      'audio_no_stream',
      'The file has no audio stream (it may be a video without sound, an image or a subtitle file).',
      { cause: error },
    );
  }
  if (NO_DECODER.test(stderr)) {
    return new AudioDecodeError(
      'audio_unsupported_format',
      `The audio codec is not supported: ${detail}`,
      { cause: error },
    );
  }
  if (INCOMPLETE.test(stderr)) {
    return new AudioDecodeError(
      'audio_truncated',
      `The file is incomplete and cannot be decoded: ${detail}`,
      { cause: error },
    );
  }
  if (UNRECOGNISED.test(stderr)) {
    return sniffed === 'unknown'
      ? new AudioDecodeError(
          'audio_unsupported_format',
          'The input is not in a recognised audio format.',
          { cause: error },
        )
      : new AudioDecodeError(
          'audio_corrupt',
          `The ${sniffed} data is corrupt and cannot be decoded: ${detail}`,
          { cause: error },
        );
  }
  return new AudioDecodeError('audio_corrupt', `Audio could not be decoded: ${detail}`, {
    cause: error,
  });
}
