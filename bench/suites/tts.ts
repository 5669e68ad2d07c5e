/**
 * Speech synthesis of a 500-character paragraph: time to first audio (the first sentence's
 * samples, and the first MP3 bytes) and real-time factor (synthesis time / audio duration).
 * Each engine is a row in ENGINES; rows are run interleaved (A B C, then C B A, …) so that a
 * busy machine slows them alike. A neural engine joins as one more row.
 */
import { EspeakSpeechModel } from '../../src/tts/espeak/engine.js';
import { EspeakRuntime } from '../../src/tts/espeak/runtime.js';
import type { SpeechModel } from '../../src/tts/speech-model.js';
import { synthesizeEncoded, synthesizeStream } from '../../src/tts/synthesize.js';
import { formatMs } from '../lib/harness.js';
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
}

/** The engines measured; a neural engine on real-size random fixtures is one more row. */
const ENGINES: EngineRow[] = [
  {
    name: 'espeak-ng en-us',
    create: async () => new EspeakSpeechModel(),
    voice: 'en-us',
    text: PARAGRAPHS.en,
  },
  {
    name: 'espeak-ng pl',
    create: async () => new EspeakSpeechModel(),
    voice: 'pl',
    text: PARAGRAPHS.pl,
  },
  {
    // What reusing one WebAssembly instance saves: a new instance for every sentence.
    name: 'espeak-ng en-us, new instance per sentence',
    create: async () => new EspeakSpeechModel({ runtime: () => EspeakRuntime.create() }),
    voice: 'en-us',
    text: PARAGRAPHS.en,
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
  for await (const _bytes of synthesizeEncoded(model, row.text, {
    voice: row.voice,
    format: 'mp3',
  })) {
    if (Number.isNaN(firstMp3ByteMs)) firstMp3ByteMs = performance.now() - started;
  }
  return { firstAudioMs, totalMs, audioS: samples / sampleRate, firstMp3ByteMs };
}

interface RowResult {
  engine: string;
  characters: number;
  audioS: number;
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

    const rounds = quick ? 3 : 15;
    const models = await Promise.all(ENGINES.map((row) => row.create()));
    for (const [index, row] of ENGINES.entries()) await measure(models[index] as SpeechModel, row);
    const runs: RunTimes[][] = ENGINES.map(() => []);
    for (let round_ = 0; round_ < rounds; round_++) {
      const order = ENGINES.map((_row, index) => index);
      if (round_ % 2 === 1) order.reverse();
      for (const index of order) {
        (runs[index] as RunTimes[]).push(
          await measure(models[index] as SpeechModel, ENGINES[index] as EngineRow),
        );
      }
    }

    const results: RowResult[] = ENGINES.map((row, index) => {
      const times = runs[index] as RunTimes[];
      return {
        engine: row.name,
        characters: row.text.length,
        audioS: round((times[0] as RunTimes).audioS, 2),
        firstAudioMs: summarize(times.map((time) => time.firstAudioMs)),
        firstMp3ByteMs: summarize(times.map((time) => time.firstMp3ByteMs)),
        totalMs: summarize(times.map((time) => time.totalMs)),
        realTimeFactor: summarize(times.map((time) => time.totalMs / 1000 / time.audioS)),
      };
    });
    const summary = [
      `cold start (compile + start eSpeak NG, first audio): ${coldFirstAudioMs.toFixed(0)} ms`,
    ];
    for (const result of results) {
      summary.push(
        `${result.engine}: ${result.characters} characters → ${result.audioS} s of audio`,
        `  time to first audio:     ${formatMs(result.firstAudioMs)}`,
        `  time to first MP3 byte:  ${formatMs(result.firstMp3ByteMs)}`,
        `  whole paragraph:         ${formatMs(result.totalMs)}`,
        `  real-time factor:        ${formatFactor(result.realTimeFactor)} (${Math.round(1 / result.realTimeFactor.median)}× faster than real time)`,
      );
    }
    return { summary, data: { rounds, coldFirstAudioMs, results } };
  },
};
