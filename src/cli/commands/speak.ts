import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { AUDIO_OUTPUT_FORMATS } from '../../audio/encode.js';
import type { Config } from '../../config/index.js';
import { InvalidRequestError, SpeechError } from '../../errors.js';
import { MODEL_KINDS } from '../../models/model-kinds.js';
import { ModelStore, modelStoreOptions } from '../../models/model-store.js';
import { SessionPool, sessionPoolOptions } from '../../models/session-pool.js';
import { createSpeechModel, speechModelNames } from '../../tts/registry.js';
import type { SpeechModel } from '../../tts/speech-model.js';
import { checkSpeechFormat, SPEECH_SPEED_RANGE, synthesizeEncoded } from '../../tts/synthesize.js';
import { type CliContext, examples } from '../context.js';
import { downloadProgress } from '../download-progress.js';

interface SpeakOptions {
  output?: string;
  format?: string;
  voice?: string;
  speed?: string;
  pitch?: string;
  model?: string;
  dtype?: string;
  language?: string;
  rate?: string;
  bitrate?: string;
  normalize: boolean;
  listVoices?: boolean;
  json?: boolean;
}

/** Reads piped text, refusing more bytes than `maxChars` characters can take in UTF-8. */
async function readText(input: NodeJS.ReadableStream, maxChars: number): Promise<string> {
  const limit = maxChars * 4;
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > limit) {
      throw new SpeechError(
        'speech_text_too_long',
        `The text is longer than ${maxChars} characters (tts.maxInputChars).`,
        { details: { maxInputChars: maxChars } },
      );
    }
    chunks.push(buffer);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new InvalidRequestError('invalid_parameter', `${name} must be a number, got "${value}".`);
  }
  return number;
}

function outputFormat(options: SpeakOptions): string {
  if (options.format) return options.format.toLowerCase();
  const extension = options.output && options.output !== '-' ? extname(options.output) : '';
  return extension === '' ? 'mp3' : extension.slice(1).toLowerCase();
}

async function listVoices(model: SpeechModel, ctx: CliContext, json: boolean): Promise<void> {
  const voices = await model.voices();
  if (json) {
    ctx.stdout.write(`${JSON.stringify(voices, null, 2)}\n`);
    return;
  }
  const width = Math.max(...voices.map((voice) => voice.id.length)) + 2;
  const lines = voices.map(
    (voice) => `${voice.id.padEnd(width)}${voice.name}  [${voice.languages.join(', ')}]`,
  );
  ctx.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Streamed WAV leaves its sizes unknown (it is written before the length is known); a file
 * can be given the real sizes afterwards, which every player understands.
 */
async function finishWavFile(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    if (size < 44 || size - 8 > 0xffffffff) return;
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(size - 8);
    await file.write(sizes, 0, 4, 4);
    sizes.writeUInt32LE(size - 44);
    await file.write(sizes, 0, 4, 40);
  } finally {
    await file.close();
  }
}

/**
 * Writes encoded audio as it comes. The first chunk is awaited before the file is created, so a
 * request error (bad voice, empty text) leaves no file behind.
 */
async function writeOutput(
  audio: AsyncGenerator<Buffer>,
  output: string | undefined,
  ctx: CliContext,
): Promise<number> {
  const first = await audio.next();
  let bytes = 0;
  const all = async function* () {
    if (first.done) return;
    bytes += first.value.length;
    yield first.value;
    for await (const chunk of audio) {
      bytes += chunk.length;
      yield chunk;
    }
  };
  if (output === undefined || output === '-') {
    for await (const chunk of all()) {
      if (!ctx.stdout.write(chunk)) await once(ctx.stdout, 'drain');
    }
    return bytes;
  }
  try {
    await pipeline(Readable.from(all()), createWriteStream(output));
  } catch (error) {
    // Leave no half-written file behind.
    await rm(output, { force: true });
    throw error;
  }
  return bytes;
}

function speakRequest(options: SpeakOptions, config: Config) {
  const voice = options.voice ?? config.tts.voice ?? undefined;
  const speed = numberOption(options.speed, '--speed');
  const pitch = numberOption(options.pitch, '--pitch');
  const sampleRate = numberOption(options.rate, '--rate');
  const bitrateKbps = numberOption(options.bitrate, '--bitrate');
  return {
    ...(voice === undefined ? {} : { voice }),
    ...(speed === undefined ? {} : { speed }),
    ...(pitch === undefined ? {} : { pitch }),
    ...(sampleRate === undefined ? {} : { sampleRate }),
    ...(bitrateKbps === undefined ? {} : { bitrateKbps }),
    ...(options.language ? { language: options.language } : {}),
    normalize: options.normalize,
    maxInputChars: config.tts.maxInputChars,
    ffmpegPath: config.audio.ffmpegPath,
    timeoutS: config.audio.decodeTimeoutS,
  };
}

export function registerSpeakCommand(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  program
    .command('speak')
    .description(
      `speak text aloud into an audio file or stdout (${AUDIO_OUTPUT_FORMATS.join(', ')}); text from the arguments, or piped in`,
    )
    .argument(
      '[text...]',
      'text to speak (up to tts.maxInputChars, 4096 by default); "-" or nothing reads stdin',
    )
    .option('-o, --output <file>', 'audio file to write; "-" or none: stdout')
    .option(
      '--format <format>',
      `${AUDIO_OUTPUT_FORMATS.join(', ')} (default: from the output's extension, else mp3)`,
    )
    .option('--voice <voice>', 'voice id, name or OpenAI voice name (see --list-voices)')
    .option(
      '--speed <factor>',
      `tempo from ${SPEECH_SPEED_RANGE.min} to ${SPEECH_SPEED_RANGE.max} (default 1)`,
    )
    .option('--pitch <0-99>', "pitch, 50 being the voice's own (eSpeak NG)")
    .option(
      '--model <name>',
      `speech engine, or engine:model (a hub id or folder): ${speechModelNames().join(', ')}`,
    )
    .option(
      '--dtype <dtype>',
      `Kokoro weight format: ${KOKORO_DTYPES.join(', ')} (default tts.kokoroDtype, q8)`,
    )
    .option('--language <tag>', "language of the text for numbers and dates (default: the voice's)")
    .option('--rate <hz>', "sample rate of the audio (default: the engine's, 22050 for eSpeak NG)")
    .option('--bitrate <kbps>', 'bit rate for mp3, aac and opus')
    .option('--no-normalize', 'speak the text as written: no number, date or abbreviation reading')
    .option('--list-voices', 'list the voices of the engine and exit')
    .option('--json', 'with --list-voices: print JSON')
    .addHelpText(
      'after',
      examples([
        'earshot speak "Hello there, this is Earshot." -o hello.mp3',
        'earshot speak --voice pl "Kosztuje 12,50 zł." -o cena.wav',
        'cat note.txt | earshot speak --speed 1.5 --format opus > note.opus',
        'earshot speak --voice en-us+f3 --pitch 60 "Variants follow a plus sign." -o v.flac',
        'earshot speak --list-voices',
        'earshot speak --model piper --voice pl_PL-gosia-medium "Dzień dobry." -o dzien.wav',
        'earshot speak --model kokoro --voice bf_emma "Good morning." -o morning.mp3',
        'earshot speak --model piper:./my-voices --list-voices',
      ]),
    )
    .addHelpText(
      'after',
      '\neSpeak NG voices are language ids (en-us, pl, de, …) with an optional variant after a\n' +
        'plus sign (en-us+f3, pl+m2); OpenAI voice names (alloy, nova, …) map to English voices.\n' +
        'eSpeak NG speaks 0.46–2.57 times normal speed itself; beyond that the audio is\n' +
        'time-stretched at the same pitch.\n' +
        '\nPiper voices (--model piper, from rhasspy/piper-voices, or piper:<hub id or folder>) are\n' +
        'named like en_US-lessac-medium; a multi-speaker voice takes a speaker after a plus sign.\n' +
        'Kokoro (--model kokoro, onnx-community/Kokoro-82M-v1.0-ONNX) has voices such as af_heart\n' +
        'and bf_emma. Neural voices are downloaded on first use (one voice at a time) and speak\n' +
        '0.5–2 times normal speed themselves.\n',
    )
    .action(async (words: string[], options: SpeakOptions, command: Command) => {
      const ctx = context(command);
      const config = options.dtype
        ? { ...ctx.config, tts: { ...ctx.config.tts, kokoroDtype: kokoroDtype(options.dtype) } }
        : ctx.config;
      const store = new ModelStore({
        ...modelStoreOptions(config),
        onProgress: downloadProgress(ctx.stderr),
      });
      const sessions = new SessionPool(sessionPoolOptions(config));
      try {
        const model = await createSpeechModel(options.model, {
          config,
          logger: ctx.logger,
          store,
          sessions,
        });
        if (options.listVoices) {
          await listVoices(model, ctx, options.json === true);
          return;
        }
        await speak(model, words, options, ctx);
      } finally {
        await sessions.close();
      }
    });
}

const KOKORO_DTYPES = MODEL_KINDS.kokoro.dtypes;

function kokoroDtype(value: string): (typeof KOKORO_DTYPES)[number] {
  const dtype = KOKORO_DTYPES.find((candidate) => candidate === value.toLowerCase());
  if (!dtype) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `--dtype must be one of ${KOKORO_DTYPES.join(', ')}, got "${value}".`,
    );
  }
  return dtype;
}

async function speak(
  model: SpeechModel,
  words: string[],
  options: SpeakOptions,
  ctx: CliContext,
): Promise<void> {
  const format = outputFormat(options);
  checkSpeechFormat(format);
  const toStdout = options.output === undefined || options.output === '-';
  if (toStdout && ctx.stdout.isTTY) {
    throw new InvalidRequestError(
      'invalid_request',
      'Refusing to write audio to a terminal: use -o FILE or redirect the output.',
    );
  }
  const stdin = ctx.stdin ?? process.stdin;
  const fromStdin = words.length === 0 || (words.length === 1 && words[0] === '-');
  if (fromStdin && stdin.isTTY) {
    throw new InvalidRequestError(
      'invalid_request',
      'No text: give it as an argument or pipe it in (earshot speak --help).',
    );
  }
  const text = fromStdin ? await readText(stdin, ctx.config.tts.maxInputChars) : words.join(' ');
  let chunks = 0;
  let seconds = 0;
  const audio = synthesizeEncoded(model, text, {
    ...speakRequest(options, ctx.config),
    format,
    onChunk: (chunk) => {
      chunks++;
      seconds += chunk.samples.length / chunk.sampleRate;
      for (const warning of chunk.warnings) ctx.logger.warn({ warning }, 'speech warning');
    },
  });
  const bytes = await writeOutput(audio, options.output, ctx);
  if (format === 'wav' && !toStdout) await finishWavFile(options.output as string);
  ctx.logger.info(
    { model: model.provider, format, chunks, durationS: Number(seconds.toFixed(3)), bytes },
    'spoke',
  );
}
