/**
 * Neural speech models for tests: tiny Piper and Kokoro fixtures written once per test file into
 * a temporary folder, in the layouts of rhasspy/piper-voices and
 * onnx-community/Kokoro-82M-v1.0-ONNX, with a store that never reaches a network and a pool.
 */
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { ModelStore } from '../../src/models/model-store.js';
import { SessionPool } from '../../src/models/session-pool.js';
import { KokoroSpeechModel } from '../../src/tts/kokoro/engine.js';
import { PiperSpeechModel } from '../../src/tts/piper/engine.js';
import { writeKokoroFixture } from '../fixtures/kokoro/index.js';
import { type PiperVoiceSpec, writePiperFixture } from '../fixtures/piper/index.js';
import { useTempDir } from './tmp.js';

export const PIPER_TEST_VOICES: readonly PiperVoiceSpec[] = [
  {
    path: 'en/en_US/lessac/medium/en_US-lessac-medium',
    espeakVoice: 'en-us',
    languageCode: 'en_US',
  },
  {
    path: 'pl/pl_PL/gosia/medium/pl_PL-gosia-medium',
    espeakVoice: 'pl',
    languageCode: 'pl_PL',
  },
  {
    path: 'en/en_US/danny/low/en_US-danny-low',
    espeakVoice: 'en-us',
    languageCode: 'en_US',
    sampleRate: 16000,
  },
  {
    path: 'en/en_US/libritts_r/medium/en_US-libritts_r-medium',
    espeakVoice: 'en-us',
    languageCode: 'en_US',
    speakers: ['p3922', 'p8699', 'p4535'],
  },
];

export const KOKORO_TEST_VOICES = [
  'af_heart',
  'af_nova',
  'am_adam',
  'bf_emma',
  'ff_siwis',
] as const;

/** A configuration whose Kokoro dtype is the fixtures' fp32. */
export const neuralConfig = loadConfig({ env: { EARSHOT_TTS_KOKORO_DTYPE: 'fp32' } }).config;

export const testPool = new SessionPool({
  executionProvider: 'cpu',
  intraOpThreads: 1,
  interOpThreads: 1,
  idleTtlS: 0,
});

export interface NeuralVoices {
  /** Folder of the tiny Piper voices (rhasspy/piper-voices layout). */
  piperFolder(): string;
  /** Folder of the tiny Kokoro model (onnx-community layout, fp32). */
  kokoroFolder(): string;
  /** A store for local folders only: offline, with an empty cache folder. */
  store(): ModelStore;
  piper(): Promise<PiperSpeechModel>;
  kokoro(): Promise<KokoroSpeechModel>;
}

/** The fixtures, written on first use into a folder removed after the test file. */
export function useNeuralVoices(): NeuralVoices {
  const tempDir = useTempDir('earshot-neural-voices-');
  let written = false;
  const root = () => {
    const folder = tempDir();
    if (!written) {
      writePiperFixture(join(folder, 'piper-voices'), { voices: PIPER_TEST_VOICES });
      writeKokoroFixture(join(folder, 'kokoro'), { voices: KOKORO_TEST_VOICES });
      written = true;
    }
    return folder;
  };
  const store = () =>
    new ModelStore({
      dir: join(root(), 'cache'),
      hubUrl: 'http://127.0.0.1:9',
      offline: true,
      token: null,
      timeoutS: 1,
    });
  return {
    piperFolder: () => join(root(), 'piper-voices'),
    kokoroFolder: () => join(root(), 'kokoro'),
    store,
    piper: () =>
      PiperSpeechModel.create({
        model: join(root(), 'piper-voices'),
        store: store(),
        sessions: testPool,
      }),
    kokoro: () =>
      KokoroSpeechModel.create({
        model: join(root(), 'kokoro'),
        dtype: 'fp32',
        store: store(),
        sessions: testPool,
      }),
  };
}
