/**
 * The live pipeline end to end on Whisper models built in code (random weights, the real ONNX
 * contract), loaded through the real session pool and decoding code, with speech paced in real
 * time. Random weights write random words; what is checked is everything the pipeline promises
 * whatever the words are.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WhisperTokenizer } from '../../src/asr/tokenizer/whisper-tokenizer.js';
import type { TranscribeOptions } from '../../src/asr/types.js';
import { WhisperModel } from '../../src/asr/whisper/whisper-model.js';
import { encodeWav, floatToS16le } from '../../src/audio/wav.js';
import type { ModelStore } from '../../src/models/model-store.js';
import type { SessionPool } from '../../src/models/session-pool.js';
import type { LiveEvent } from '../../src/stream/events.js';
import { liveMetrics } from '../../src/stream/metrics.js';
import { liveTranscription } from '../../src/stream/pipeline.js';
import { pacedAudio } from '../../src/stream/sources.js';
import { vadEndpoints } from '../../src/stream/vad-endpoints.js';
import { SileroVad } from '../../src/vad/silero.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { cli } from '../helpers/cli.js';
import { speak } from '../helpers/espeak.js';
import { checkLiveStream } from '../helpers/live-invariants.js';
import { offlineStore, singleThreadPool } from '../helpers/local-models.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();
// Random weights decide nothing: a small fixed budget of text tokens keeps passes short and always
// gives words, and the no-speech gate is off so that random "silence" verdicts do not empty them.
const OPTIONS: TranscribeOptions = {
  language: 'en',
  withoutTimestamps: true,
  minNewTokens: 4,
  maxNewTokens: 6,
  noSpeechThreshold: null,
};

let pool: SessionPool;
let store: ModelStore;

/** A Whisper model from a local folder, through the store, as the product loads models. */
async function whisper(folder: string): Promise<WhisperModel> {
  return WhisperModel.load(await store.resolve(folder, { kind: 'whisper' }), pool);
}
let confirmFolder: string;
let draftFolder: string;
let speech: Float32Array;

beforeAll(async () => {
  confirmFolder = writeWhisperFixture(join(tempDir(), 'confirm'), { dims: 'test', seed: 1 }).folder;
  draftFolder = writeWhisperFixture(join(tempDir(), 'draft'), { dims: 'test', seed: 2 }).folder;
  store = offlineStore(tempDir());
  pool = singleThreadPool();
  const first = (await speak('The river was frozen by January.')).samples;
  const second = (await speak('We turned back home.')).samples;
  speech = new Float32Array(first.length + 16_000 + second.length);
  speech.set(first);
  speech.set(second, first.length + 16_000);
});

afterAll(async () => {
  await pool.close();
});

describe('live transcription on fixture Whisper models', () => {
  test('dual-model mode with Silero endpoints keeps every promise of the protocol', async () => {
    const draft = await whisper(draftFolder);
    const confirm = await whisper(confirmFolder);
    const detector = await vadEndpoints(new SileroVad({ pool }));
    const events: LiveEvent[] = await lastValueFrom(
      liveTranscription(pacedAudio(speech), {
        draft: { model: draft, options: OPTIONS },
        confirm: { model: confirm, options: OPTIONS },
        detector,
        holdBack: 0,
      }).pipe(toArray()),
    );
    const facts = checkLiveStream(events);
    expect(events[0]).toMatchObject({
      mode: 'dual',
      models: { draft: draftFolder, confirm: confirmFolder },
    });
    // Two sentences a second apart: two utterances, each closed at its endpoint.
    const started = events.filter((event) => event.type === 'speech_started');
    expect(started).toHaveLength(2);
    expect(facts.finals.every((final) => final.reason === 'endpoint')).toBe(true);
    expect(new Set(facts.finals.map((final) => final.utterance))).toEqual(new Set([0, 1]));
    const done = (pass: 'draft' | 'confirm') =>
      [...facts.windows[pass].values()].filter((status) => status === 'done').length;
    // The first draft and the first confirm pass find their lanes idle, and the final never drops.
    expect(done('draft')).toBeGreaterThanOrEqual(1);
    expect(done('confirm')).toBeGreaterThanOrEqual(2);
    expect(events.some((event) => event.type === 'token')).toBe(true);
    expect(facts.finalText.length).toBeGreaterThan(0);
    expect(facts.finalText).toBe(facts.confirmedText);
    // Paced in real time: the session cannot end before its audio has been heard.
    expect(events.at(-1)?.wallMs).toBeGreaterThanOrEqual((speech.length / 16_000) * 1000);
    const metrics = liveMetrics(events);
    expect(metrics.passes.draft.rtf).toBeGreaterThan(0);
    expect(metrics.latency.confirmWindow.count).toBe(done('confirm'));
    await Promise.all([draft.close(), confirm.close()]);
  });

  test('single-model mode runs one loaded model in both roles', async () => {
    const model = await whisper(confirmFolder);
    const events = await lastValueFrom(
      liveTranscription(pacedAudio(speech, { speed: 2 }), {
        draft: { model, options: OPTIONS },
        confirm: { model, options: OPTIONS },
        speed: 2,
      }).pipe(toArray()),
    );
    const facts = checkLiveStream(events);
    expect(events[0]).toMatchObject({ mode: 'single', speed: 2 });
    expect(facts.windows.draft.size).toBeGreaterThan(0);
    expect(facts.finalText).toBe(facts.confirmedText);
    await model.close();
  });

  test('earshot live --json streams the events of a file and of PCM on stdin', async () => {
    // A decoder scripted to write " hello world" (between timestamps) for any audio. (With its
    // uniform cross-attention, word timing keeps the words for some audio lengths only, such as
    // the 1.4 s used here.)
    const tokenizer = new WhisperTokenizer(
      JSON.parse(readFileSync(join(SHARED_DATA, 'whisper-tiny-config', 'tokenizer.json'), 'utf8')),
    );
    const tokens = [
      ...tokenizer.sotSequence('en', 'transcribe').slice(1),
      tokenizer.timestampBegin,
      ...tokenizer.encode(' hello world'),
      tokenizer.timestampBegin + 50,
      tokenizer.eot,
    ];
    const hello = writeWhisperFixture(join(tempDir(), 'hello'), {
      dims: 'test',
      script: { tokens },
    });
    // And a draft model scripted to end every window at once (fast, and silent).
    const quiet = writeWhisperFixture(join(tempDir(), 'quiet'), {
      dims: 'test',
      script: { tokens: [tokenizer.eot] },
    });
    const wav = join(tempDir(), 'speech.wav');
    writeFileSync(wav, encodeWav(speech.subarray(0, 22_400), 16_000));
    const args = ['live', '--json', '--dtype', 'fp32', '--no-vad', '--language', 'en'];

    const models = ['--model', hello.folder, '--draft-model', quiet.folder];
    const fromFile = await cli([...args, ...models, '--speed', '4', wav]);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.status).toBe(0);
    const fileEvents = fromFile.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(fileEvents[0]).toMatchObject({
      mode: 'dual',
      speed: 4,
      models: { draft: quiet.folder, confirm: hello.folder },
    });
    expect(checkLiveStream(fileEvents).finalText).toBe(' hello world');

    const pcm = floatToS16le(speech.subarray(0, 22_400));
    const stdinArgs = [...args, '--model', hello.folder, '--no-draft', '--raw', '16000', '-'];
    const fromStdin = await cli(stdinArgs, {}, pcm);
    expect(fromStdin.status).toBe(0);
    const stdinEvents = fromStdin.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const facts = checkLiveStream(stdinEvents);
    expect(stdinEvents[0]).toMatchObject({ mode: 'confirm-only' });
    expect(facts.windows.draft.size).toBe(0);
    expect(facts.finalText).toBe(' hello world');
    expect(stdinEvents.at(-1)).toMatchObject({ type: 'session', state: 'ended', audioS: 1.4 });

    // With voice activity detection (the default), the two sentences are two utterances.
    writeFileSync(wav, encodeWav(speech, 16_000));
    const vadArgs = ['live', '--json', '--dtype', 'fp32', '--model', quiet.folder, '--speed', '4'];
    const withVad = await cli([...vadArgs, wav]);
    expect(withVad.status).toBe(0);
    const vadEvents = withVad.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    checkLiveStream(vadEvents);
    expect(vadEvents.filter((event) => event.type === 'speech_stopped')).toHaveLength(2);
  });
});
