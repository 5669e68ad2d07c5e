/**
 * The Whisper engine on ONNX fixture models with the exact onnx-community layout and IO contract:
 * greedy decoding compared token for token with transformers.js, long-form transcription, word
 * timestamps from cross-attention, and scripted decoders that pin down timestamps and silence
 * through the real ONNX path.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  env,
  Tensor as HfTensor,
  WhisperForConditionalGeneration,
} from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSuppressTokens, WindowDecoder } from '../../src/asr/decoding/decode-window.js';
import type { TranscriptionResult } from '../../src/asr/types.js';
import type { OnnxWhisperRuntime } from '../../src/asr/whisper/onnx-runtime.js';
import { WhisperModel } from '../../src/asr/whisper/whisper-model.js';
import { loadAudio } from '../../src/audio/load.js';
import { logMelWindows } from '../../src/dsp/whisper-mel.js';
import { TRANSCRIPT_FORMATS, writeTranscript } from '../../src/formats/writers.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { offlineStore, singleThreadPool } from '../helpers/local-models.js';
import { JFK_FLAC } from '../helpers/paths.js';
import { noise } from '../helpers/signals.js';
import { useTempDir } from '../helpers/tmp.js';
import { whisperTokenizer } from '../helpers/whisper-tokenizer.js';

const tempDir = useTempDir('earshot-whisper-onnx-');
const pool = singleThreadPool();
afterAll(() => pool.close());

let jfk: Float32Array;
beforeAll(async () => {
  jfk = (await loadAudio(JFK_FLAC)).samples;
});

/** A local model folder resolved the way every model is, through the store (no download). */
function localWhisper(folder: string) {
  const store = offlineStore(tempDir());
  return store.resolve(folder, { kind: 'whisper' });
}

async function fixtureModel(
  name: string,
  options: Parameters<typeof writeWhisperFixture>[1] = {},
): Promise<WhisperModel> {
  const folder = join(tempDir(), name);
  writeWhisperFixture(folder, options);
  return WhisperModel.load(await localWhisper(folder), pool);
}

function runtimeOf(model: WhisperModel): OnnxWhisperRuntime {
  return (model as unknown as { runtime: OnnxWhisperRuntime }).runtime;
}

describe('greedy decoding against transformers.js on the same fixture', () => {
  const cases = [
    { name: 'suppression bias on', suppressBias: true },
    { name: 'suppression bias off', suppressBias: false },
  ];
  for (const { name, suppressBias } of cases) {
    describe(name, () => {
      let model: WhisperModel;
      let reference: {
        generate(
          options: Record<string, unknown>,
        ): Promise<{ data?: unknown; sequences?: { data: unknown } }>;
        dispose(): Promise<unknown>;
      };
      const folderName = `parity-${suppressBias ? 'bias' : 'plain'}`;
      beforeAll(async () => {
        model = await fixtureModel(folderName, { suppressBias });
        env.allowRemoteModels = false;
        env.allowLocalModels = true;
        env.localModelPath = tempDir();
        reference = (await WhisperForConditionalGeneration.from_pretrained(folderName, {
          dtype: 'fp32',
          device: 'cpu',
          local_files_only: true,
        })) as never;
      });
      afterAll(async () => {
        await reference.dispose();
        await model.close();
      });

      const inputs = () => ({
        jfk: logMelWindows(jfk)[0]?.data as Float32Array,
        noise: logMelWindows(noise(16000 * 20, 0.3, 7))[0]?.data as Float32Array,
        silence: logMelWindows(new Float32Array(16000 * 5))[0]?.data as Float32Array,
      });

      async function ours(
        features: Float32Array,
        withoutTimestamps: boolean,
        maxNewTokens: number,
      ): Promise<number[]> {
        const runtime = runtimeOf(model);
        const window = await runtime.encode(features);
        try {
          const result = await new WindowDecoder(runtime, model.tokenizer).decode(
            window,
            {
              language: 'en',
              task: 'transcribe',
              temperature: 0,
              sampleLength: maxNewTokens,
              suppressBlank: true,
              suppressTokens: resolveSuppressTokens(model.tokenizer, [-1]),
              withoutTimestamps,
              maxInitialTimestamp: null,
            },
            'en',
          );
          return result.tokens;
        } finally {
          window.dispose();
        }
      }

      async function theirs(
        features: Float32Array,
        withoutTimestamps: boolean,
        maxNewTokens: number,
      ): Promise<number[]> {
        const output = await reference.generate({
          inputs: new HfTensor('float32', features, [1, 80, 3000]),
          max_new_tokens: maxNewTokens,
          language: 'en',
          task: 'transcribe',
          return_timestamps: !withoutTimestamps,
        });
        const ids = Array.from(
          (output.data ?? output.sequences?.data) as ArrayLike<bigint>,
          Number,
        );
        // transformers.js returns the forced start tokens too; keep what was generated, up to end of text.
        const generated = ids.slice(withoutTimestamps ? 4 : 3);
        const end = generated.indexOf(model.tokenizer.eot);
        return end < 0 ? generated : generated.slice(0, end);
      }

      it.each(['jfk', 'noise', 'silence'] as const)(
        'gives identical text-only tokens on %s',
        async (input) => {
          const features = inputs()[input];
          const expected = await theirs(features, true, 32);
          expect(expected.length).toBeGreaterThan(0);
          expect(await ours(features, true, 32)).toEqual(expected);
        },
      );

      it.each(['jfk', 'noise'] as const)(
        'gives identical tokens with timestamps on %s, up to where transformers.js lets a timestamp decrease',
        async (input) => {
          const features = inputs()[input];
          const earshot = await ours(features, false, 32);
          const reference = await theirs(features, false, 32);
          // OpenAI's rules forbid decreasing timestamps; transformers.js' timestamp processor does not.
          const { timestampBegin } = model.tokenizer;
          let comparable = reference.length;
          let last = -1;
          for (let i = 0; i < reference.length; i++) {
            const token = reference[i] as number;
            if (token < timestampBegin) continue;
            if (token < last) {
              comparable = i;
              break;
            }
            last = token;
          }
          expect(comparable).toBeGreaterThan(0);
          expect(earshot.slice(0, comparable)).toEqual(reference.slice(0, comparable));
          const stamps = earshot.filter((token) => token >= timestampBegin);
          expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
        },
      );
    });
  }
});

describe('WhisperModel on a random fixture', () => {
  let model: WhisperModel;
  beforeAll(async () => {
    model = await fixtureModel('random', { suppressBias: false });
  });
  afterAll(() => model.close());

  const budget = {
    temperature: 0,
    maxNewTokens: 24,
    compressionRatioThreshold: null,
    logprobThreshold: null,
    noSpeechThreshold: null,
  } as const;

  it('transcribes jfk.flac end to end, and every output format is produced', async () => {
    const result = await model.transcribe(
      { samples: jfk, sampleRate: 16000 },
      { language: 'en', ...budget },
    );
    expect(result.durationS).toBeCloseTo(11, 6);
    expect(result.segments.length).toBeGreaterThan(0);
    for (const segment of result.segments) {
      expect(segment.start).toBeLessThanOrEqual(segment.end);
      expect(segment.tokenProbs.length).toBe(segment.tokens.length);
    }
    for (const format of TRANSCRIPT_FORMATS)
      expect(writeTranscript(result, format).length).toBeGreaterThan(0);
  });

  it('walks a long file window by window in order', async () => {
    const long = new Float32Array(16000 * 65);
    for (let i = 0; i < long.length; i++) long[i] = jfk[i % jfk.length] as number;
    const progress: number[] = [];
    const result = await model.transcribe(
      { samples: long, sampleRate: 16000 },
      {
        language: 'en',
        ...budget,
        conditionOnPreviousText: false,
        onProgress: ({ doneS }) => progress.push(doneS),
      },
    );
    const seeks = result.segments.map((segment) => segment.seek);
    expect([...seeks].sort((a, b) => a - b)).toEqual(seeks);
    expect(new Set(seeks).size).toBeGreaterThan(1);
    expect(progress.at(-1)).toBeCloseTo(65, 1);
  });

  it('decodes independent windows in one batch with the same tokens as one by one', async () => {
    const long = new Float32Array(16000 * 65);
    for (let i = 0; i < long.length; i++) long[i] = jfk[i % jfk.length] as number;
    const options = {
      language: 'en',
      ...budget,
      withoutTimestamps: true,
      conditionOnPreviousText: false,
    } as const;
    const batched = await model.transcribe({ samples: long, sampleRate: 16000 }, options);
    const sequential = await model.transcribe(
      { samples: long, sampleRate: 16000 },
      { ...options, batchSize: 1 },
    );
    expect(batched.segments).toHaveLength(3);
    expect(batched.segments.map((segment) => segment.tokens)).toEqual(
      sequential.segments.map((segment) => segment.tokens),
    );
    for (const [index, segment] of batched.segments.entries()) {
      expect(segment.avgLogprob).toBeCloseTo(sequential.segments[index]?.avgLogprob as number, 4);
    }
  });

  it('steps with the cached-step graph derived from the merged decoder', () => {
    // The parity tests above run through it too: their tokens match transformers.js on the merged file.
    expect(model.usesCachedStepDecoder).toBe(true);
  });

  it('encodes only the audio of a short window with audioContext content', async () => {
    const clip = { samples: jfk.subarray(0, 16_000 * 3), sampleRate: 16000 };
    const options = { language: 'en', ...budget, withoutTimestamps: true, wordTimestamps: true };
    const before = await model.transcribe(clip, options);
    const content = await model.transcribe(clip, { ...options, audioContext: 'content' });
    expect(content.warnings).toEqual([]);
    const words = content.segments.flatMap((segment) => segment.words ?? []);
    expect(words.length).toBeGreaterThan(0);
    for (const word of words) expect(word.end).toBeLessThanOrEqual(3);
    // The derived graph is kept next to the model, and now encodes any whole number of seconds.
    const runtime = runtimeOf(model);
    expect(await runtime.acceptsShortWindows()).toBe(true);
    const window = await runtime.encode(new Float32Array(80 * 300));
    expect((window as unknown as { hiddenStates: { dims: number[] } }).hiddenStates.dims).toEqual([
      1, 150, 64,
    ]);
    window.dispose();
    expect(
      existsSync(
        join(tempDir(), 'random', '.earshot', 'derived', 'encoder_model.variable-length.onnx'),
      ),
    ).toBe(true);
    // Full windows run through the derived graph from now on, with the same tokens as before.
    const after = await model.transcribe(clip, options);
    const tokens = (result: TranscriptionResult) =>
      result.segments.map((segment) => segment.tokens);
    expect(tokens(after)).toEqual(tokens(before));
  });

  it('detects a language and reports the whole probability table', async () => {
    const detection = await model.detectLanguage({ samples: jfk, sampleRate: 16000 });
    expect(Object.keys(detection.languageProbs)).toHaveLength(99);
    expect(Object.values(detection.languageProbs).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);
    expect(detection.probability).toBe(Math.max(...Object.values(detection.languageProbs)));
  });

  it('times words by cross-attention DTW, monotonically and inside the audio', async () => {
    const result = await model.transcribe(
      { samples: jfk, sampleRate: 16000 },
      { language: 'en', ...budget, wordTimestamps: true },
    );
    expect(result.wordTimestampMethod).toBe('cross-attention-dtw');
    const words = result.segments.flatMap((segment) => segment.words ?? []);
    expect(words.length).toBeGreaterThan(0);
    for (const word of words) {
      expect(word.start).toBeLessThanOrEqual(word.end);
      expect(word.end).toBeLessThanOrEqual(30);
      expect(word.probability).toBeGreaterThanOrEqual(0);
      expect(word.probability).toBeLessThanOrEqual(1);
    }
    const starts = words.map((word) => word.start);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('resamples input at other rates', async () => {
    const audio = await loadAudio(JFK_FLAC, { sampleRate: 'source' });
    const result = await model.transcribe(audio, { language: 'en', ...budget });
    expect(result.durationS).toBeCloseTo(11, 3);
  });
});

describe('WhisperModel without cross-attention outputs', () => {
  it('interpolates word times within segments and says so', async () => {
    const t = whisperTokenizer();
    const ts = (seconds: number) => t.timestampBegin + Math.round(seconds / 0.02);
    const [hello] = t.encode(' Hello');
    const [world] = t.encode(' world');
    const model = await fixtureModel('no-cross', {
      crossAttentions: false,
      script: {
        tokens: [
          t.languageToken('en') as number,
          t.transcribe as number,
          ts(0),
          hello as number,
          world as number,
          ts(2),
          t.eot,
        ],
      },
    });
    try {
      const result: TranscriptionResult = await model.transcribe(
        { samples: jfk, sampleRate: 16000 },
        { language: 'en', wordTimestamps: true },
      );
      expect(result.wordTimestampMethod).toBe('token-interpolation');
      expect(result.warnings.join(' ')).toMatch(/cross-attention/);
      expect(result.segments).toHaveLength(1);
      expect(result.segments[0]?.words).toEqual([
        { word: ' Hello', start: 0, end: 1, probability: expect.any(Number) },
        { word: ' world', start: 1, end: 2, probability: expect.any(Number) },
      ]);
    } finally {
      await model.close();
    }
  });
});

describe('scripted ONNX decoders', () => {
  // With the prompt [sot, en, transcribe], position 2 predicts the first sampled token.
  it('produces the scripted segments and times through the real ONNX path', async () => {
    const t = whisperTokenizer();
    const ts = (seconds: number) => t.timestampBegin + Math.round(seconds / 0.02);
    const [hello] = t.encode(' Hello');
    const [world] = t.encode(' world');
    const model = await fixtureModel('scripted', {
      script: {
        tokens: [
          t.languageToken('en') as number,
          t.transcribe as number,
          ts(0),
          hello as number,
          ts(1.5),
          ts(1.5),
          world as number,
          ts(4),
          t.eot,
        ],
      },
    });
    try {
      const result = await model.transcribe(
        { samples: jfk, sampleRate: 16000 },
        { language: 'en' },
      );
      expect(result.segments.map(({ start, end, text }) => ({ start, end, text }))).toEqual([
        { start: 0, end: 1.5, text: ' Hello' },
        { start: 1.5, end: 4, text: ' world' },
      ]);
      expect(result.segments[0]?.temperature).toBe(0);
      expect(result.segments[0]?.avgLogprob).toBeGreaterThan(-0.01);
      const detected = await model.transcribe({ samples: jfk, sampleRate: 16000 });
      expect(detected.language).toBe('en');
    } finally {
      await model.close();
    }
  });

  it('skips a window whose no-speech probability is high and whose text is uncertain', async () => {
    const t = whisperTokenizer();
    const noSpeech = t.noSpeech as number;
    const model = await fixtureModel('scripted-silence', {
      script: {
        tokens: [t.languageToken('en') as number, t.transcribe as number, t.timestampBegin],
        // At the start-of-transcript position, "no speech" is very likely; later rows are flat.
        rows: { 0: { logprobs: { [noSpeech]: Math.log(0.9) } }, 3: { flat: true } },
      },
    });
    try {
      const result = await model.transcribe(
        { samples: new Float32Array(16000 * 5), sampleRate: 16000 },
        { language: 'en', maxNewTokens: 8 },
      );
      expect(result.segments).toEqual([]);
    } finally {
      await model.close();
    }
  });
});

describe('model folder errors', () => {
  it('names a missing tokenizer and refuses a decoder that does not match config.json', async () => {
    const folder = join(tempDir(), 'broken');
    writeWhisperFixture(folder, {});
    rmSync(join(folder, 'tokenizer.json'));
    await expect(
      localWhisper(folder).then((model) => WhisperModel.load(model, pool)),
    ).rejects.toMatchObject({
      code: 'model_not_found',
      message: expect.stringContaining('tokenizer.json'),
    });
    const mismatched = join(tempDir(), 'mismatched');
    const fixture = writeWhisperFixture(mismatched, {});
    const configPath = join(mismatched, 'config.json');
    writeFileSync(configPath, JSON.stringify({ ...fixture.config, decoder_layers: 5 }));
    await expect(WhisperModel.load(await localWhisper(mismatched), pool)).rejects.toMatchObject({
      code: 'model_contract_mismatch',
    });
  });
});
