/**
 * `/v1/stream` end to end: a real `ws` client against a started server, eSpeak speech sent as
 * binary pcm16, Whisper models whose decoder is scripted (the real tokenizer and decoding code),
 * so the transcript is known in advance. Confirm passes need five agreeing hypotheses before they
 * commit, more than a sentence this short gets, so each utterance's words come from its final
 * pass: the whole sentence.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeModelLoader } from '../../src/server/model-loader.js';
import type { LiveEvent } from '../../src/stream/events.js';
import { emptyTranscript, reduceTranscript, transcriptText } from '../../src/stream/transcript.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { checkLiveStream } from '../helpers/live-invariants.js';
import { offlineStore, singleThreadPool } from '../helpers/local-models.js';
import { ScriptedWhisperModel } from '../helpers/scripted-model.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { connect, pcm16Chunks, type SocketClient, socketUrl } from '../helpers/socket-client.js';
import { buildScene, type Scene } from '../helpers/speech-scene.js';
import { useTempDir } from '../helpers/tmp.js';
import { whisperTokenizer } from '../helpers/whisper-tokenizer.js';

const tempDir = useTempDir('earshot-stream-');

const CONFIRM = 'scripted/confirm';
const DRAFT = 'scripted/draft';
const SENTENCE = 'The quick brown fox jumps over the lazy dog.';
const confirm = new ScriptedWhisperModel(CONFIRM, { sentence: SENTENCE });
// The draft model mishears a word, so confirmations replace drafts.
const draft = new ScriptedWhisperModel(DRAFT, {
  sentence: 'The quick brown fox jumped over the lazy dog.',
});

let server: TestServer;
let scene: Scene;

beforeAll(async () => {
  server = await startServer({
    models: { [CONFIRM]: confirm, [DRAFT]: draft },
    live: { agreement: 5 },
  });
  scene = await buildScene([
    { silenceS: 0.5 },
    { say: 'The quick brown fox jumps over the lazy dog.' },
    { silenceS: 1 },
    { say: 'Pack my box with five dozen liquor jugs.' },
    { silenceS: 1 },
  ]);
});

afterAll(async () => {
  await server?.close();
});

const streamUrl = (query = '') => socketUrl(server.url, `/v1/stream${query}`);

/** Sends the audio (binary messages of 100 ms) and `stream.end`; resolves with the close. */
async function stream(client: SocketClient, samples: Float32Array, sampleRate = 16_000) {
  for (const chunk of pcm16Chunks(samples, sampleRate)) client.send(chunk);
  client.send({ type: 'stream.end' });
  return client.closed;
}

/** The transcript a client's reducer builds from the events. */
function reduce(events: readonly LiveEvent[]) {
  return events.reduce(reduceTranscript, emptyTranscript);
}

describe('live transcription over /v1/stream', () => {
  it('streams drafts, confirmations and finals that keep the protocol, then closes with 1000 after stream.end', async () => {
    const client = await connect(streamUrl(`?draft_model=${DRAFT}&language=en`));
    // The first two seconds (inside the first sentence), then the rest once a draft is shown: the
    // utterance is still open when its drafts come, however busy the machine.
    const split = 2 * 16_000;
    for (const chunk of pcm16Chunks(scene.samples.subarray(0, split), 16_000)) client.send(chunk);
    await client.next('token');
    const closed = await stream(client, scene.samples.subarray(split));
    expect(closed).toEqual({ code: 1000, reason: 'stream ended' });

    const events = client.events as unknown as LiveEvent[];
    // Valid under the published JSON Schema, in order, every promise of the protocol kept.
    const facts = checkLiveStream(events);
    expect(events[0]).toMatchObject({
      type: 'session',
      state: 'started',
      mode: 'dual',
      models: { draft: DRAFT, confirm: CONFIRM },
      speed: 1,
      settings: { agreement: 5, holdBack: 1 },
    });
    // Two sentences a second apart: two utterances, each closed at its endpoint.
    expect(events.filter((event) => event.type === 'speech_started')).toHaveLength(2);
    expect(events.filter((event) => event.type === 'speech_stopped')).toHaveLength(2);
    expect(facts.finals.map((final) => [final.utterance, final.reason, final.text])).toEqual([
      [0, 'endpoint', ` ${SENTENCE}`],
      [1, 'endpoint', ` ${SENTENCE}`],
    ]);
    // Drafts were shown and then confirmed or corrected.
    expect(events.some((event) => event.type === 'token')).toBe(true);
    expect(facts.diffs.some((diff) => diff.draft.includes('jumped'))).toBe(true);
    // The reducer a client runs on the events gives the final transcript, nothing left open.
    const transcript = reduce(events);
    expect(transcript.ended).toBe(true);
    expect(transcript.confirmed).toEqual([]);
    expect(transcript.draft).toEqual([]);
    expect(transcriptText(transcript)).toEqual({
      confirmed: `${SENTENCE} ${SENTENCE}`,
      draft: '',
    });
    expect(transcript.finalText).toBe(facts.finalText);
    // The whole input was heard.
    expect(events.at(-1)).toMatchObject({ type: 'session', state: 'ended' });
    const ended = events.at(-1) as Extract<LiveEvent, { type: 'session' }>;
    expect(ended.audioS).toBeCloseTo(scene.samples.length / 16_000, 2);
  });

  it('takes its options from stream.configure: confirmed text only, at 48 kHz, without VAD', async () => {
    const at48k = await buildScene(
      [
        { silenceS: 0.3 },
        { say: 'The quick brown fox jumps over the lazy dog.' },
        { silenceS: 0.5 },
      ],
      48_000,
    );
    const client = await connect(streamUrl());
    client.send({
      type: 'stream.configure',
      model: CONFIRM,
      drafts: false,
      vad: false,
      sample_rate: 48_000,
      language: 'en',
      hold_back: 0,
    });
    expect((await stream(client, at48k.samples, 48_000)).code).toBe(1000);
    const events = client.events as unknown as LiveEvent[];
    const facts = checkLiveStream(events);
    expect(events[0]).toMatchObject({
      mode: 'confirm-only',
      models: { draft: null, confirm: CONFIRM },
      settings: { holdBack: 0 },
    });
    expect(facts.windows.draft.size).toBe(0);
    expect(events.some((event) => event.type.startsWith('speech_'))).toBe(false);
    // Without VAD the input is one utterance, closed when the input ends.
    expect(facts.finals.map((final) => [final.reason, final.text])).toEqual([
      ['end', ` ${SENTENCE}`],
    ]);
    expect(transcriptText(reduce(events)).confirmed).toBe(SENTENCE);
    // Resampled to 16 kHz as it arrived: the session heard the input's duration.
    const ended = events.at(-1) as Extract<LiveEvent, { type: 'session' }>;
    expect(ended.audioS).toBeCloseTo(at48k.samples.length / 48_000, 2);
  });

  it('runs one shared model in both roles by default and answers stream.end alone with an empty session', async () => {
    const client = await connect(streamUrl('?hold_back=2'));
    client.send({ type: 'stream.end' });
    expect((await client.closed).code).toBe(1000);
    const events = client.events as unknown as LiveEvent[];
    checkLiveStream(events);
    expect(events.map((event) => event.type)).toEqual(['session', 'session']);
    expect(events[0]).toMatchObject({
      mode: 'single',
      models: { draft: CONFIRM, confirm: CONFIRM },
      settings: { holdBack: 2 },
    });
    expect(events[1]).toMatchObject({ state: 'ended', audioS: 0 });
  });
});

describe('an ONNX Whisper fixture behind /v1/stream', () => {
  it('loads through the model store into the shared registry and transcribes what its decoder is scripted to hear', async () => {
    // A random encoder and a decoder scripted to write " hello world" after the text-only prompt
    // a live pass gives it (start of transcript, English, transcribe, no timestamps).
    const tokenizer = whisperTokenizer();
    const folder = writeWhisperFixture(join(tempDir(), 'hello'), {
      dims: 'test',
      crossAttentions: false,
      script: {
        tokens: [
          ...tokenizer.sotSequence('en', 'transcribe').slice(1),
          tokenizer.timestampBegin,
          ...tokenizer.encode(' hello world'),
          tokenizer.eot,
        ],
      },
    }).folder;
    const store = offlineStore(tempDir());
    const pool = singleThreadPool();
    const onnx = await startServer({
      models: [folder],
      loader: storeModelLoader({ store, pool, dtype: 'fp32', inWorker: true }),
      live: { agreement: 5 },
    });
    try {
      const speech = scene.samples.subarray(0, Math.round(2.5 * 16_000));
      for (const query of ['?drafts=false&vad=false&language=en', '?vad=false&language=en']) {
        const client = await connect(socketUrl(onnx.url, `/v1/stream${query}`));
        expect((await stream(client, speech)).code).toBe(1000);
        const events = client.events as unknown as LiveEvent[];
        expect(checkLiveStream(events).finalText).toBe(' hello world');
        expect(events[0]).toMatchObject({ models: { confirm: folder } });
      }
      // Both sessions used the one model the registry loaded.
      const loaded = onnx.registry.list().filter((model) => model.loaded && !model.aliasOf);
      expect(loaded.map((model) => model.id)).toEqual([folder]);
    } finally {
      await onnx.close();
      await pool.close();
    }
  });
});
