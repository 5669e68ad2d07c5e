/**
 * Speech synthesis of a 500-character paragraph: time to first audio (the first sentence's
 * samples, and the first MP3 bytes) and real-time factor (synthesis time / audio duration).
 * Each engine is a row in ENGINES; rows are run interleaved (A B C, then C B A, …) so that a
 * busy machine slows them alike. eSpeak NG runs for real; Piper and Kokoro run on real-size
 * models with seeded random weights (their architectures at the published sizes), whose speed
 * is that of the real models while their audio is noise.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { EspeakSpeechModel } from '../../src/tts/espeak/engine.js';
import { EspeakRuntime } from '../../src/tts/espeak/runtime.js';
import { KokoroSpeechModel } from '../../src/tts/kokoro/engine.js';
import { PiperSpeechModel } from '../../src/tts/piper/engine.js';
import type { SpeechModel } from '../../src/tts/speech-model.js';
import { synthesizeEncoded, synthesizeStream } from '../../src/tts/synthesize.js';
import { formatMs } from '../lib/harness.js';
import { kokoroBenchFolder, piperBenchFolder } from '../lib/speech-fixtures.js';
import { round, type Summary, summarize } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const PARAGRAPHS = {
  en: 'Earshot is a local, private speech platform. It listens, transcribes and speaks on your own machine, and nothing you say is ever sent anywhere. The speech engine reads numbers, dates and prices the way people say them: on March 15, 2024 the bill came to $1,234.56, up 12% on last year. Long paragraphs are split into sentences, and each one is spoken as soon as it is ready, so playback starts long before the whole text is done. This paragraph, used to measure speed, is five hundred characters long.',
  pl: 'Earshot to lokalna i prywatna platforma mowy. Słucha, zapisuje i mówi na twoim własnym komputerze, a nic, co powiesz, nigdzie nie jest wysyłane. Syntezator czyta liczby, daty i ceny tak, jak mówią ludzie: 15.03.2024 r. rachunek wyniósł 1234,56 zł, o 12% więcej niż rok wcześniej. Długie akapity są dzielone na zdania, a każde z nich jest wypowiadane, gdy tylko jest gotowe, więc odtwarzanie zaczyna się na długo przed końcem tekstu. Ten akapit do pomiaru prędkości ma pięćset znaków długości.',
} as const;

interface EngineRow {
  name: string;
  create(): Promise<SpeechModel>;
  voice: string;
  text: string;
  /** Timed runs (after one warm-up); neural rows take a minute a run on a small machine. */
  rounds: { full: number; quick: number };
  /** What the model is, for the results. */
  about?: () => string;
}

/** One session pool for the neural rows, with onnxruntime's own thread choice (all cores). */
const pool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 0,
  interOpThreads: 1,
  idleTtlS: 0,
});

function localStore(): ModelStore {
  return new ModelStore({
    dir: join(piperBenchFolder().folder, '..', 'speech-cache'),
    hubUrl: 'http://127.0.0.1:9',
    offline: true,
    token: null,
    timeoutS: 1,
  });
}

/** The engines measured; each neural one is a real-size model with random weights. */
const ENGINES: EngineRow[] = [
  {
    name: 'espeak-ng en-us',
    create: async () => new EspeakSpeechModel(),
    voice: 'en-us',
    text: PARAGRAPHS.en,
    rounds: { full: 15, quick: 3 },
  },
  {
    name: 'espeak-ng pl',
    create: async () => new EspeakSpeechModel(),
    voice: 'pl',
    text: PARAGRAPHS.pl,
    rounds: { full: 15, quick: 3 },
  },
  {
    // What reusing one WebAssembly instance saves: a new instance for every sentence.
    name: 'espeak-ng en-us, new instance per sentence',
    create: async () => new EspeakSpeechModel({ runtime: () => EspeakRuntime.create() }),
    voice: 'en-us',
    text: PARAGRAPHS.en,
    rounds: { full: 15, quick: 3 },
  },
  {
    name: 'piper medium en_US (random weights)',
    create: () =>
      PiperSpeechModel.create({
        model: piperBenchFolder().folder,
        store: localStore(),
        sessions: pool,
      }),
    voice: 'en_US-lessac-medium',
    text: PARAGRAPHS.en,
    rounds: { full: 5, quick: 1 },
    about: () => `Piper medium architecture, ${piperBenchFolder().onnxMb.toFixed(1)} MB fp32 ONNX`,
  },
  {
    name: 'kokoro-82M af_heart, fp32 (random weights)',
    create: () =>
      KokoroSpeechModel.create({
        model: kokoroBenchFolder().folder,
        dtype: 'fp32',
        store: localStore(),
        sessions: pool,
      }),
    voice: 'af_heart',
    text: PARAGRAPHS.en,
    rounds: { full: 3, quick: 1 },
    about: () => `Kokoro-82M architecture, ${kokoroBenchFolder().onnxMb.toFixed(1)} MB fp32 ONNX`,
  },
];

interface RunTimes {
  firstAudioMs: number;
  totalMs: number;
  audioS: number;
  firstMp3ByteMs: number;
}

async function measure(model: SpeechModel, row: EngineRow): Promise<RunTimes> {
  let started = performance.now();
  let firstAudioMs = Number.NaN;
  let samples = 0;
  let sampleRate = model.sampleRate;
  for await (const chunk of synthesizeStream(model, row.text, { voice: row.voice })) {
    if (Number.isNaN(firstAudioMs)) firstAudioMs = performance.now() - started;
    samples += chunk.samples.length;
    sampleRate = chunk.sampleRate;
  }
  const totalMs = performance.now() - started;
  started = performance.now();
  let firstMp3ByteMs = Number.NaN;
  // Only the first bytes are waited for; leaving the loop stops the synthesis and the encoder.
  for await (const _bytes of synthesizeEncoded(model, row.text, {
    voice: row.voice,
    format: 'mp3',
  })) {
    firstMp3ByteMs = performance.now() - started;
    break;
  }
  return { firstAudioMs, totalMs, audioS: samples / sampleRate, firstMp3ByteMs };
}

interface RowResult {
  engine: string;
  model?: string;
  characters: number;
  audioS: number;
  /** Making the model and speaking "Cold start." with it, once (the process is already warm). */
  coldFirstAudioMs: number;
  firstAudioMs: Summary;
  firstMp3ByteMs: Summary;
  totalMs: Summary;
  realTimeFactor: Summary;
}

function formatFactor(summary: Summary): string {
  return `median ${summary.median.toFixed(4)} (range ${summary.min.toFixed(4)}–${summary.max.toFixed(4)})`;
}

export const suite: BenchSuite = {
  name: 'tts',
  description:
    'Speech synthesis of a 500-character paragraph: time to first audio, real-time factor',
  async run({ quick }) {
    // The first synthesis in a process also compiles and starts eSpeak NG: measured once.
    const coldStarted = performance.now();
    const coldModel = new EspeakSpeechModel();
    for await (const _chunk of synthesizeStream(coldModel, 'Cold start.')) break;
    const coldFirstAudioMs = performance.now() - coldStarted;

    const models: SpeechModel[] = [];
    const cold: number[] = [];
    for (const row of ENGINES) {
      const started = performance.now();
      const model = await row.create();
      for await (const _chunk of synthesizeStream(model, 'Cold start.', { voice: row.voice }))
        break;
      cold.push(performance.now() - started);
      models.push(model);
      // Warm-up: one whole paragraph, untimed.
      await measure(model, row);
    }
    const roundsOf = (row: EngineRow) => (quick ? row.rounds.quick : row.rounds.full);
    const rounds = Math.max(...ENGINES.map(roundsOf));
    const runs: RunTimes[][] = ENGINES.map(() => []);
    for (let round_ = 0; round_ < rounds; round_++) {
      const order = ENGINES.map((_row, index) => index);
      if (round_ % 2 === 1) order.reverse();
      for (const index of order) {
        const row = ENGINES[index] as EngineRow;
        if (round_ >= roundsOf(row)) continue;
        (runs[index] as RunTimes[]).push(await measure(models[index] as SpeechModel, row));
      }
    }

    const results: RowResult[] = ENGINES.map((row, index) => {
      const times = runs[index] as RunTimes[];
      return {
        engine: row.name,
        ...(row.about ? { model: row.about() } : {}),
        characters: row.text.length,
        audioS: round((times[0] as RunTimes).audioS, 2),
        coldFirstAudioMs: round(cold[index] as number, 1),
        firstAudioMs: summarize(times.map((time) => time.firstAudioMs)),
        firstMp3ByteMs: summarize(times.map((time) => time.firstMp3ByteMs)),
        totalMs: summarize(times.map((time) => time.totalMs)),
        realTimeFactor: summarize(times.map((time) => time.totalMs / 1000 / time.audioS)),
      };
    });
    await pool.close();
    const summary = [
      `cold start (compile + start eSpeak NG, first audio): ${coldFirstAudioMs.toFixed(0)} ms`,
    ];
    for (const result of results) {
      const speed = 1 / result.realTimeFactor.median;
      summary.push(
        `${result.engine}: ${result.characters} characters → ${result.audioS} s of audio${result.model ? ` (${result.model})` : ''}`,
        `  first audio, cold:       ${result.coldFirstAudioMs.toFixed(0)} ms (model made and loaded, then "Cold start." spoken)`,
        `  time to first audio:     ${formatMs(result.firstAudioMs)}`,
        `  time to first MP3 byte:  ${formatMs(result.firstMp3ByteMs)}`,
        `  whole paragraph:         ${formatMs(result.totalMs)}`,
        `  real-time factor:        ${formatFactor(result.realTimeFactor)} (${speed >= 2 ? `${Math.round(speed)}×` : `${speed.toFixed(2)}×`} real time)`,
      );
    }
    return { summary, data: { rounds, coldFirstAudioMs, cpus: availableParallelism(), results } };
  },
};
