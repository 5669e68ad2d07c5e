import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelStore } from '../../src/models/model-store.js';
import { PiperSpeechModel } from '../../src/tts/piper/engine.js';
import { piperPhonemeIds, piperPhonemes } from '../../src/tts/piper/phoneme-ids.js';
import { parsePiperVoiceConfig } from '../../src/tts/piper/voice-config.js';
import { piperVoiceEntries, piperVoiceInfo } from '../../src/tts/piper/voices.js';
import { createSpeechModel } from '../../src/tts/registry.js';
import { planSpeech, synthesize } from '../../src/tts/synthesize.js';
import { buildAudioModel } from '../fixtures/audio-models.js';
import {
  PIPER_DIMS,
  PIPER_DURATION_CENTRE,
  PIPER_DURATION_SPREAD,
  piperHop,
} from '../fixtures/piper/dims.js';
import { piperVoiceConfig } from '../fixtures/piper/index.js';
import { buildPiperProbe } from '../fixtures/tts-probes.js';
import { TestHub } from '../helpers/hub-server.js';
import {
  neuralConfig,
  PIPER_TEST_VOICES,
  testPool,
  useNeuralVoices,
} from '../helpers/neural-voices.js';
import { useTempDir } from '../helpers/tmp.js';

const voices = useNeuralVoices();
const tempDir = useTempDir('earshot-piper-');
afterAll(() => testPool.close());

const lessac = PIPER_TEST_VOICES[0] as (typeof PIPER_TEST_VOICES)[number];
const config = parsePiperVoiceConfig(JSON.stringify(piperVoiceConfig(lessac)), 'lessac.onnx.json');

/** A folder with one voice whose graph is `graph` (and the lessac configuration, or `json`). */
function voiceFolder(name: string, graph: Uint8Array, json?: string): string {
  const folder = join(tempDir(), name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'en_US-probe-medium.onnx'), graph);
  writeFileSync(
    join(folder, 'en_US-probe-medium.onnx.json'),
    json ?? JSON.stringify(piperVoiceConfig({ ...lessac, speakers: ['alice', 'bob', 'carol'] })),
  );
  return folder;
}

async function failure(promise: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; status?: number };
  }
  throw new Error('expected a failure');
}

describe('Piper text to phoneme ids', () => {
  it('phonemises each clause with eSpeak NG and keeps its terminator, as piper-phonemize does', async () => {
    const phonemes = await piperPhonemes('Hello, world: yes; no? Fine.', config);
    expect(phonemes.join('')).toBe('həlˈoʊ, wˈɜːld: jˈɛs; nˈoʊ? fˈaɪn.');
    expect(phonemes.every((phoneme) => [...phoneme].length === 1)).toBe(true);
  });

  it('decomposes phonemes into single code points (NFD)', async () => {
    const polish = parsePiperVoiceConfig(
      JSON.stringify(piperVoiceConfig(PIPER_TEST_VOICES[1] as (typeof PIPER_TEST_VOICES)[number])),
      'gosia.onnx.json',
    );
    const phonemes = await piperPhonemes('Gęślą.', polish);
    expect(phonemes).toContain('\u0303');
    expect(phonemes).not.toContain('ɔ̃');
  });

  it("wraps ids as ^ _ (phoneme _)* $ with Piper's default id map", () => {
    const { ids, missing } = piperPhonemeIds(['h', 'ˈ', 'a', 'ɪ', '.', '☃'], config);
    expect(ids).toEqual([1, 0, 20, 0, 120, 0, 14, 0, 74, 0, 10, 0, 2]);
    expect([...missing]).toEqual([['☃', 1]]);
  });

  it("applies a voice's phoneme map and reads text voices' own characters", async () => {
    const text = parsePiperVoiceConfig(
      JSON.stringify(
        piperVoiceConfig({
          ...lessac,
          config: { phoneme_type: 'text', phoneme_map: { c: ['k'] } },
        }),
      ),
      'text.onnx.json',
    );
    expect(await piperPhonemes('cat', text)).toEqual(['k', 'a', 't']);
  });
});

describe('Piper voices', () => {
  it('lists voices from repository file names, wherever they lie', () => {
    const entries = piperVoiceEntries([
      'voices.json',
      'pl/pl_PL/gosia/medium/pl_PL-gosia-medium.onnx',
      'pl/pl_PL/gosia/medium/pl_PL-gosia-medium.onnx.json',
      'pl/pl_PL/gosia/medium/MODEL_CARD',
      'en/en_US/lessac/low/en_US-lessac-low.onnx',
      'en/en_US/lessac/low/en_US-lessac-low.onnx.json',
      'en/en_US/amy/low/en_US-amy-low.onnx',
      'my-voice.onnx',
      'my-voice.onnx.json',
    ]);
    expect(entries).toEqual([
      { id: 'en_US-lessac-low', path: 'en/en_US/lessac/low/en_US-lessac-low' },
      { id: 'my-voice', path: 'my-voice' },
      { id: 'pl_PL-gosia-medium', path: 'pl/pl_PL/gosia/medium/pl_PL-gosia-medium' },
    ]);
    expect(piperVoiceInfo(entries[2] as (typeof entries)[number])).toEqual({
      id: 'pl_PL-gosia-medium',
      name: 'gosia (pl_PL, medium)',
      languages: ['pl-pl', 'pl'],
    });
  });

  it('feeds the model ^ _ (phoneme _)* $ ids, their count, and scales with the length scale over speed', async () => {
    const folder = voiceFolder('probe', buildPiperProbe());
    const model = await PiperSpeechModel.create({
      model: folder,
      store: voices.store(),
      sessions: testPool,
    });
    const fed = await model.doSynthesize({ text: 'Hi.', voice: 'en_US-probe-medium', speed: 2 });
    const ids = [1, 0, 20, 0, 120, 0, 14, 0, 74, 0, 10, 0, 2];
    expect([...fed.samples.subarray(0, ids.length + 1)]).toEqual([...ids, ids.length]);
    expect([...fed.samples.subarray(ids.length + 1)].map((v) => Number(v.toFixed(4)))).toEqual([
      0.667, 0.5, 0.8,
    ]);
  });

  it('feeds the speaker id of a multi-speaker voice, by name or number', async () => {
    const folder = voiceFolder('probe-speakers', buildPiperProbe({ speakers: true }));
    const model = await PiperSpeechModel.create({
      model: folder,
      store: voices.store(),
      sessions: testPool,
    });
    const speaker = async (voice: string) =>
      (await model.doSynthesize({ text: 'Hi.', voice, speed: 1 })).samples.at(-1);
    expect(await speaker('en_US-probe-medium')).toBe(0);
    expect(await speaker('en_US-probe-medium+carol')).toBe(2);
    expect(await speaker('en_US-probe-medium+1')).toBe(1);
    expect(await model.resolveVoice('en_US-probe-medium+dave')).toBeNull();
    expect(await model.resolveVoice('EN_US-PROBE-MEDIUM+bob')).toMatchObject({
      id: 'en_US-probe-medium+bob',
    });
  });

  it('makes audio whose length follows the phoneme ids and the length scale', async () => {
    const model = await voices.piper();
    const text = 'The quick brown fox jumps over the lazy dog.';
    const { ids } = piperPhonemeIds(await piperPhonemes(text, config), config);
    const hop = piperHop(PIPER_DIMS.tiny);
    // Frames per id are ceil(exp(logw) · length scale), logw within log(centre) ± spread.
    const perId = (sign: number, speed: number) =>
      Math.ceil((PIPER_DURATION_CENTRE * Math.exp(sign * PIPER_DURATION_SPREAD)) / speed);
    const frames = (speed: number) => ({
      min: perId(-1, speed) * ids.length * hop,
      max: perId(1, speed) * ids.length * hop,
    });
    for (const speed of [1, 2]) {
      const { samples, sampleRate } = await model.doSynthesize({
        text,
        voice: 'en_US-lessac-medium',
        speed,
      });
      expect(sampleRate).toBe(22050);
      expect(samples.length % hop).toBe(0);
      expect(samples.length).toBeGreaterThanOrEqual(frames(speed).min);
      expect(samples.length).toBeLessThanOrEqual(frames(speed).max);
    }
  });

  it("speaks each voice at its own rate and reads numbers in the voice's language", async () => {
    const model = await voices.piper();
    expect(model.defaultVoice).toBe('en_US-lessac-medium');
    const low = await synthesize(model, 'Low quality voices speak at sixteen kilohertz.', {
      voice: 'en_US-danny-low',
    });
    expect(low.sampleRate).toBe(16000);
    const polish = await planSpeech(model, 'Kosztuje 12,50 zł.', { voice: 'pl_PL-gosia-medium' });
    expect(polish.segments).toEqual(['Kosztuje dwanaście złotych pięćdziesiąt groszy.']);
    expect(polish.sampleRate).toBe(22050);
  });

  it('warns about pitch and instructions instead of failing', async () => {
    const model = await voices.piper();
    const result = await synthesize(model, 'No pitch here.', { pitch: 70, instructions: 'Sing.' });
    expect(
      result.warnings.map((warning) => warning.type === 'unsupported-setting' && warning.setting),
    ).toEqual(['pitch', 'instructions']);
  });

  it('refuses unknown voices and speakers with speech_voice_not_found', async () => {
    const model = await voices.piper();
    for (const voice of [
      'en_US-nobody-medium',
      'en_US-libritts_r-medium+nobody',
      'en_US-lessac-medium+p1',
    ]) {
      expect(await failure(planSpeech(model, 'Hello.', { voice }))).toMatchObject({
        code: 'speech_voice_not_found',
        status: 400,
      });
    }
  });

  it('refuses a voice file that is not a Piper graph, and a damaged configuration', async () => {
    const wrongGraph = voiceFolder(
      'wrong-graph',
      buildAudioModel({ task: 'embedder', input: { kind: 'waveform' } }),
    );
    const model = await PiperSpeechModel.create({
      model: wrongGraph,
      store: voices.store(),
      sessions: testPool,
    });
    expect(await failure(synthesize(model, 'Hello.'))).toMatchObject({
      code: 'model_contract_mismatch',
    });
    const damaged = voiceFolder('damaged', buildPiperProbe(), '{"audio": {}}');
    const broken = await PiperSpeechModel.create({
      model: damaged,
      store: voices.store(),
      sessions: testPool,
    });
    expect(await failure(synthesize(broken, 'Hello.'))).toMatchObject({ code: 'model_corrupt' });
    const noVoices = join(tempDir(), 'no-voices');
    mkdirSync(noVoices, { recursive: true });
    writeFileSync(join(noVoices, 'README.md'), '# Not a voice\n');
    expect(
      await failure(
        PiperSpeechModel.create({ model: noVoices, store: voices.store(), sessions: testPool }),
      ),
    ).toMatchObject({ code: 'model_not_found' });
  });
});

describe('Piper through the model store', () => {
  it('lists a hub repository and fetches only the voice it speaks with', async () => {
    const hub = await TestHub.start();
    try {
      hub.addFolder('earshot-fixtures/piper-voices', voices.piperFolder());
      const store = new ModelStore({
        dir: join(tempDir(), 'hub-cache'),
        hubUrl: hub.url,
        offline: false,
        token: null,
        timeoutS: 5,
      });
      const model = await createSpeechModel('piper:earshot-fixtures/piper-voices', {
        config: neuralConfig,
        store,
        sessions: testPool,
      });
      expect((await model.voices()).map((voice) => voice.id)).toEqual([
        'en_US-danny-low',
        'en_US-lessac-medium',
        'en_US-libritts_r-medium',
        'pl_PL-gosia-medium',
      ]);
      const speech = await synthesize(model, 'Dzień dobry.', { voice: 'pl_PL-gosia-medium' });
      expect(speech.sampleRate).toBe(22050);
      expect(speech.samples.length).toBeGreaterThan(0);
      const fetched = hub.requests
        .filter((request) => request.path.includes('/resolve/') || request.server === 'cdn')
        .map((request) => decodeURIComponent(request.path));
      expect(fetched.some((path) => path.includes('pl_PL-gosia-medium.onnx'))).toBe(true);
      expect(fetched.some((path) => path.includes('en_US-lessac-medium'))).toBe(false);
      // The same model object serves the next request without listing the hub again.
      const listings = hub.requests.filter((request) =>
        request.path.includes('/api/models/'),
      ).length;
      const again = await createSpeechModel('piper:earshot-fixtures/piper-voices', {
        config: neuralConfig,
        store,
        sessions: testPool,
      });
      expect(again).toBe(model);
      expect(hub.requests.filter((request) => request.path.includes('/api/models/')).length).toBe(
        listings,
      );
    } finally {
      await hub.close();
    }
  });
});
