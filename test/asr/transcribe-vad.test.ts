/**
 * Transcription with `vad: true` on audio with long silences: only the speech is transcribed and
 * segment times come back on the original timeline. A scripted decoder emits known times on the
 * chunk's own timeline; the test checks where they land in the file.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhisperModel } from '../../src/asr/whisper/whisper-model.js';
import { SileroVad } from '../../src/vad/silero.js';
import { type SpeechTimestamp, speechTimestamps } from '../../src/vad/speech-timestamps.js';
import { writeWhisperFixture } from '../fixtures/whisper/index.js';
import { speak } from '../helpers/espeak.js';
import { offlineStore, singleThreadPool } from '../helpers/local-models.js';
import { useTempDir } from '../helpers/tmp.js';
import { whisperTokenizer } from '../helpers/whisper-tokenizer.js';

const tempDir = useTempDir('earshot-transcribe-vad-');
const pool = singleThreadPool();
afterAll(() => pool.close());

const RATE = 16000;
const CHUNK_PAD_S = 0.2;
let audio: Float32Array;
let regions: SpeechTimestamp[];

beforeAll(async () => {
  const first = (await speak('Hello there how are you today')).samples;
  const second = (await speak('This is the second sentence after a long pause')).samples;
  const layout = [8, first, 25, second, 10] as const;
  const length = layout.reduce(
    (sum, part) => sum + (typeof part === 'number' ? part * RATE : part.length),
    0,
  );
  audio = new Float32Array(length);
  let offset = 0;
  for (const part of layout) {
    if (typeof part === 'number') offset += part * RATE;
    else {
      audio.set(part, offset);
      offset += part.length;
    }
  }
  regions = await speechTimestamps(audio, { model: new SileroVad({ pool }), sampleRate: RATE });
});

describe('transcription with vad: true', () => {
  it('maps the chunk timeline back to the original audio and skips the silences', async () => {
    expect(regions).toHaveLength(2);
    const [a, b] = regions as [SpeechTimestamp, SpeechTimestamp];
    // The chunk is A's padded piece followed by B's; B starts at A's padded length.
    const aLength = a.endS - a.startS + 2 * CHUNK_PAD_S;
    const t = whisperTokenizer();
    const quantum = (seconds: number, round: (x: number) => number) => round(seconds / 0.02) * 0.02;
    const ts = (seconds: number) => t.timestampBegin + Math.round(seconds / 0.02);
    const firstEnd = quantum(aLength - 0.1, Math.floor);
    const secondStart = quantum(aLength + 0.06, Math.ceil);
    const [hello] = t.encode(' Hello');
    const [world] = t.encode(' world');
    const folder = join(tempDir(), 'scripted');
    writeWhisperFixture(folder, {
      script: {
        tokens: [
          t.languageToken('en') as number,
          t.transcribe as number,
          ts(0),
          hello as number,
          ts(firstEnd),
          ts(secondStart),
          world as number,
          ts(secondStart + 1),
          t.eot,
        ],
      },
    });
    const store = offlineStore(tempDir());
    const model = await WhisperModel.load(await store.resolve(folder, { kind: 'whisper' }), pool);
    try {
      const progress: number[] = [];
      const result = await model.transcribe(
        { samples: audio, sampleRate: RATE },
        { language: 'en', vad: true, onProgress: ({ doneS }) => progress.push(doneS) },
      );
      expect(result.durationS).toBeCloseTo(audio.length / RATE, 6);
      expect(result.speech).toEqual([
        { start: a.startS, end: a.endS },
        { start: b.startS, end: b.endS },
      ]);
      expect(result.segments.map(({ id, text }) => ({ id, text }))).toEqual([
        { id: 0, text: ' Hello' },
        { id: 1, text: ' world' },
      ]);
      const [one, two] = result.segments;
      expect(one?.start).toBeCloseTo(a.startS - CHUNK_PAD_S, 3);
      expect(one?.end).toBeCloseTo(a.startS - CHUNK_PAD_S + firstEnd, 3);
      expect(two?.start).toBeCloseTo(b.startS - CHUNK_PAD_S + (secondStart - aLength), 3);
      expect(two?.end).toBeCloseTo(b.startS - CHUNK_PAD_S + (secondStart + 1 - aLength), 3);
      // Nothing lands in the 25 s of silence between the sentences.
      for (const segment of result.segments) {
        expect(segment.end <= a.endS + CHUNK_PAD_S || segment.start >= b.startS - CHUNK_PAD_S).toBe(
          true,
        );
      }
      expect(progress.at(-1)).toBeCloseTo(audio.length / RATE, 6);
    } finally {
      await model.close();
    }
  });
});
