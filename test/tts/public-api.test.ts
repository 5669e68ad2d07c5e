import { describe, expect, it } from 'vitest';
import {
  createSpeechModel,
  espeakPhonemes,
  KOKORO_CONTRACT,
  KokoroSpeechModel,
  kokoroPhonemes,
  loadConfig,
  PIPER_CONTRACT,
  PiperSpeechModel,
  parsePiperVoiceConfig,
  piperPhonemeIds,
  piperPhonemes,
  speechEngines,
  speechModelNames,
} from '../../src/index.js';
import { neuralConfig, testPool, useNeuralVoices } from '../helpers/neural-voices.js';

const voices = useNeuralVoices();

describe('speech synthesis public API', () => {
  it('exports the neural engines, their phonemizers and contracts from the package entry', () => {
    const exported = {
      PiperSpeechModel,
      KokoroSpeechModel,
      espeakPhonemes,
      piperPhonemes,
      piperPhonemeIds,
      parsePiperVoiceConfig,
      kokoroPhonemes,
    };
    for (const [name, value] of Object.entries(exported))
      expect(typeof value, name).toBe('function');
    expect(PIPER_CONTRACT.inputs.map((input) => input.name)).toEqual([
      'input',
      'input_lengths',
      'scales',
      'sid',
    ]);
    expect(KOKORO_CONTRACT.inputs.map((input) => input.name)).toEqual([
      'input_ids',
      'style',
      'speed',
    ]);
  });

  it('has one registry row per engine, and tts.engine picks what OpenAI names stand for', async () => {
    expect(Object.keys(speechEngines)).toEqual(['espeak-ng', 'piper', 'kokoro']);
    expect(speechModelNames()).toEqual(expect.arrayContaining(['piper', 'kokoro', 'tts-1']));
    const config = loadConfig({
      env: { EARSHOT_TTS_ENGINE: `piper:${voices.piperFolder()}`, EARSHOT_OFFLINE: '1' },
    }).config;
    const model = await createSpeechModel('tts-1', {
      config,
      store: voices.store(),
      sessions: testPool,
    });
    expect(model.provider).toBe('piper');
    expect(neuralConfig.tts.kokoroDtype).toBe('fp32');
  });
});
