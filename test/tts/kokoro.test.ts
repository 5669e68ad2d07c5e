import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelStore } from '../../src/models/model-store.js';
import { KokoroSpeechModel } from '../../src/tts/kokoro/engine.js';
import { kokoroPhonemes } from '../../src/tts/kokoro/phonemize.js';
import {
  KOKORO_MAX_TOKENS,
  kokoroRuns,
  kokoroTokens,
  parseKokoroTokenizer,
} from '../../src/tts/kokoro/tokenizer.js';
import { kokoroVoiceNames } from '../../src/tts/kokoro/voices.js';
import { createSpeechModel } from '../../src/tts/registry.js';
import { planSpeech, synthesize } from '../../src/tts/synthesize.js';
import { buildAudioModel } from '../fixtures/audio-models.js';
import { kokoroTokenizerJson, kokoroVoiceFile } from '../fixtures/kokoro/index.js';
import { buildKokoroProbe } from '../fixtures/tts-probes.js';
import { TestHub } from '../helpers/hub-server.js';
import { neuralConfig, testPool, useNeuralVoices } from '../helpers/neural-voices.js';
import { useTempDir } from '../helpers/tmp.js';

const voices = useNeuralVoices();
const tempDir = useTempDir('earshot-kokoro-');
afterAll(() => testPool.close());

const tokenizer = parseKokoroTokenizer(JSON.stringify(kokoroTokenizerJson()), 'tokenizer.json');

/** A copy of the fixture model with its graph replaced by `graph`. */
function modelWithGraph(name: string, graph: Uint8Array): string {
  const folder = join(tempDir(), name);
  cpSync(voices.kokoroFolder(), folder, { recursive: true });
  writeFileSync(join(folder, 'onnx', 'model.onnx'), graph);
  return folder;
}

function kokoroAt(folder: string): Promise<KokoroSpeechModel> {
  return KokoroSpeechModel.create({
    model: folder,
    dtype: 'fp32',
    store: voices.store(),
    sessions: testPool,
  });
}

async function failure(promise: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; status?: number };
  }
  throw new Error('expected a failure');
}

/** Splits a probe's output into the calls it answered: [ids…] (pad to pad), style, speed. */
function probeCalls(
  samples: Float32Array,
): { ids: number[]; style: Float32Array; speed: number }[] {
  const calls = [];
  let at = 0;
  while (at < samples.length) {
    const end = samples.indexOf(0, at + 1);
    const ids = [...samples.subarray(at, end + 1)];
    const style = samples.slice(end + 1, end + 257);
    calls.push({ ids, style, speed: samples[end + 257] as number });
    at = end + 258;
  }
  return calls;
}

describe("Kokoro's phonemes and tokens", () => {
  it('rewrites eSpeak NG phonemes into misaki symbols, American and British', async () => {
    const american = { espeakVoice: 'en-us', english: 'american' } as const;
    expect(await kokoroPhonemes('Hello, world! I like my house.', american)).toBe(
      'həlˈO, wˈɜɹld! I lˈIk mI hˈWs.',
    );
    const british = { espeakVoice: 'en-gb', english: 'british' } as const;
    expect(await kokoroPhonemes('Go home.', british)).toBe('ɡˌQ hˈQm.');
    const french = { espeakVoice: 'fr-fr', english: null } as const;
    expect(await kokoroPhonemes('Bonjour, ça va?', french)).toBe('bɔ̃ʒˈuʁ, sa vˈa?');
  });

  it('reads the vocabulary and pad token from tokenizer.json and drops what it lacks', () => {
    expect(tokenizer.vocab.size).toBe(115);
    expect(tokenizer.padId).toBe(0);
    expect(kokoroTokens('hˈI.☃', tokenizer)).toEqual([50, 156, 25, 4]);
    expect(() => parseKokoroTokenizer('{"model": {}}', 'bad.json')).toThrow(
      expect.objectContaining({ code: 'model_corrupt' }),
    );
  });

  it('cuts phonemes longer than 510 tokens at word breaks', () => {
    const words = Array.from({ length: 300 }, (_, index) => (index % 2 ? 'ðə' : 'kˈæt')).join(' ');
    const runs = kokoroRuns(words, tokenizer);
    expect(runs.length).toBeGreaterThan(1);
    for (const run of runs) {
      expect(kokoroTokens(run, tokenizer).length).toBeLessThanOrEqual(KOKORO_MAX_TOKENS);
      expect(run).toBe(run.trim());
    }
    expect(runs.join(' ')).toBe(words);
  });

  it('names voices by the files in voices/, with language and gender from the name', async () => {
    expect(
      kokoroVoiceNames([
        'voices/af_heart.bin',
        'voices/bm_george.bin',
        'voices/readme.txt',
        'onnx/model.onnx',
      ]),
    ).toEqual(['af_heart', 'bm_george']);
    const model = await voices.kokoro();
    expect(await model.voices()).toContainEqual({
      id: 'bf_emma',
      name: 'Emma (British English)',
      languages: ['en-gb', 'en'],
      gender: 'female',
    });
  });

  it("answers to OpenAI's names of the voices it has", async () => {
    const model = await voices.kokoro();
    expect(await model.resolveVoice('Nova')).toMatchObject({ id: 'af_nova', gender: 'female' });
    // This model has no af_alloy: "alloy" is not taken to mean another voice.
    expect(await model.resolveVoice('alloy')).toBeNull();
  });
});

describe('Kokoro model calls', () => {
  it('feeds pad-wrapped tokens, the style row for the phoneme count, and the speed', async () => {
    const model = await kokoroAt(modelWithGraph('probe', buildKokoroProbe()));
    const fed = await model.doSynthesize({ text: 'Hi.', voice: 'af_heart', speed: 1.5 });
    const [call, ...more] = probeCalls(fed.samples);
    expect(more).toEqual([]);
    expect(call?.ids).toEqual([0, 50, 156, 25, 4, 0]);
    // "hˈI." has 4 phonemes: Kokoro's pipeline takes the voice's row 4 − 1.
    const voice = new Float32Array(kokoroVoiceFile('af_heart').buffer);
    expect([...(call?.style ?? [])]).toEqual([...voice.subarray(3 * 256, 4 * 256)]);
    expect(call?.speed).toBe(1.5);
  });

  it('splits a segment of more than 510 phonemes into several calls', async () => {
    const model = await kokoroAt(modelWithGraph('probe-long', buildKokoroProbe()));
    const text = Array.from({ length: 60 }, () => 'the cat sat on the mat').join(' ');
    const calls = probeCalls(
      (await model.doSynthesize({ text, voice: 'af_heart', speed: 1 })).samples,
    );
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) {
      expect(call.ids.length).toBeLessThanOrEqual(KOKORO_MAX_TOKENS + 2);
      expect(call.ids.at(0)).toBe(0);
      expect(call.ids.at(-1)).toBe(0);
    }
  });

  it('makes 24 kHz audio of 600 samples per predicted duration unit, shorter when faster', async () => {
    const model = await voices.kokoro();
    const text = 'The quick brown fox jumps over the lazy dog.';
    const tokens =
      kokoroTokens(
        await kokoroPhonemes(text, { espeakVoice: 'en-us', english: 'american' }),
        tokenizer,
      ).length + 2;
    const normal = await model.doSynthesize({ text, voice: 'af_heart', speed: 1 });
    const fast = await model.doSynthesize({ text, voice: 'af_heart', speed: 2 });
    expect(normal.sampleRate).toBe(24000);
    for (const { samples } of [normal, fast]) {
      expect(samples.length % 600).toBe(0);
      // Every token lasts at least one unit and at most the predictor's 50.
      expect(samples.length).toBeGreaterThanOrEqual(tokens * 600);
      expect(samples.length).toBeLessThanOrEqual(tokens * 50 * 600);
    }
    const ratio = fast.samples.length / normal.samples.length;
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.8);
  });

  it("refuses unknown voices, damaged voice files and graphs without Kokoro's inputs", async () => {
    const model = await voices.kokoro();
    expect(await failure(planSpeech(model, 'Hello.', { voice: 'af_nobody' }))).toMatchObject({
      code: 'speech_voice_not_found',
      status: 400,
    });
    const damaged = join(tempDir(), 'damaged-voice');
    cpSync(voices.kokoroFolder(), damaged, { recursive: true });
    writeFileSync(join(damaged, 'voices', 'af_heart.bin'), Buffer.alloc(1000));
    expect(await failure(synthesize(await kokoroAt(damaged), 'Hello.'))).toMatchObject({
      code: 'model_corrupt',
    });
    const wrong = modelWithGraph(
      'wrong-graph',
      buildAudioModel({ task: 'embedder', input: { kind: 'waveform' } }),
    );
    expect(await failure(synthesize(await kokoroAt(wrong), 'Hello.'))).toMatchObject({
      code: 'model_contract_mismatch',
    });
    const empty = join(tempDir(), 'no-voices');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'config.json'), '{}');
    expect(await failure(kokoroAt(empty))).toMatchObject({ code: 'model_not_found' });
  });
});

describe('Kokoro through the model store', () => {
  it('fetches the model and only the voice it speaks with from a hub', async () => {
    const hub = await TestHub.start();
    try {
      hub.addFolder('earshot-fixtures/kokoro', voices.kokoroFolder());
      const store = new ModelStore({
        dir: join(tempDir(), 'hub-cache'),
        hubUrl: hub.url,
        offline: false,
        token: null,
        timeoutS: 5,
      });
      const model = await createSpeechModel('kokoro:earshot-fixtures/kokoro', {
        config: neuralConfig,
        store,
        sessions: testPool,
      });
      expect(model.defaultVoice).toBe('af_heart');
      const speech = await synthesize(model, 'Good morning.', { voice: 'bf_emma' });
      expect(speech.sampleRate).toBe(24000);
      expect(speech.samples.length).toBeGreaterThan(0);
      const fetched = hub.requests.map((request) => decodeURIComponent(request.path));
      expect(fetched.some((path) => path.includes('voices/bf_emma.bin'))).toBe(true);
      expect(fetched.some((path) => path.includes('voices/af_heart.bin'))).toBe(false);
      expect(fetched.some((path) => path.includes('onnx/model.onnx'))).toBe(true);
    } finally {
      await hub.close();
    }
  });
});
