/**
 * Real speech for tests, made offline by eSpeak NG (the WASM build on npm). Each call runs a
 * fresh instance of the synthesiser, writes a WAV into its in-memory file system and decodes it.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { loadAudio } from '../../src/audio/load.js';

const require = createRequire(import.meta.url);

interface EspeakModule {
  FS: { readFile(path: string): Uint8Array };
}
type EspeakFactory = (options: {
  arguments: string[];
  print?: (line: string) => void;
  printErr?: (line: string) => void;
}) => Promise<EspeakModule>;

let factory: Promise<EspeakFactory> | null = null;

function loadFactory(): Promise<EspeakFactory> {
  factory ??= import(pathToFileURL(require.resolve('espeak-ng/dist/espeak-ng.js')).href).then(
    (module: { default: EspeakFactory }) => module.default,
  );
  return factory;
}

export interface SpeakOptions {
  /** eSpeak voice, e.g. `en-us`, `pl`, `de`. Default `en-us`. */
  voice?: string;
  /** Words per minute (eSpeak `-s`, default 175). */
  rate?: number;
  /** Pitch 0–99 (eSpeak `-p`, default 50). */
  pitch?: number;
  /** Output rate; eSpeak speaks at 22050 Hz and the result is resampled. Default 16000. */
  sampleRate?: number;
}

/** Synthesises `text` and returns mono samples. */
export async function speak(
  text: string,
  options: SpeakOptions = {},
): Promise<{ samples: Float32Array; sampleRate: number }> {
  const create = await loadFactory();
  const args = [
    '-v',
    options.voice ?? 'en-us',
    '-s',
    String(options.rate ?? 175),
    '-p',
    String(options.pitch ?? 50),
    '-w',
    'out.wav',
    text,
  ];
  const espeak = await create({ arguments: args, print: () => {}, printErr: () => {} });
  const wav = espeak.FS.readFile('out.wav');
  const audio = await loadAudio(Buffer.from(wav), { sampleRate: options.sampleRate ?? 16000 });
  return { samples: audio.samples, sampleRate: audio.sampleRate };
}
