import { describe, expect, test } from 'vitest';
import type { LiveEvent } from '../../src/stream/events.js';
import {
  emptyTranscript,
  type LiveTranscript,
  reduceTranscript,
  transcriptText,
} from '../../src/stream/transcript.js';
import { scriptedLiveSession } from '../helpers/live-script.js';

const WORDS = 'we never said the words you heard and yet you heard them all the same'.split(' ');

const scriptedSession = () =>
  scriptedLiveSession(
    WORDS,
    {
      costMs: 90,
      say: (index) => (index % 4 === 1 ? `${WORDS[index]}s` : (WORDS[index] as string)),
    },
    400,
  );

describe('transcript reducer', () => {
  test('folding the stream gives the spoken text; the confirmed part only ever grows at its end', async () => {
    const { events, script } = await scriptedSession();
    let state: LiveTranscript = emptyTranscript;
    let confirmed = '';
    let sawDraft = false;
    for (const event of events) {
      state = reduceTranscript(state, event);
      const text = transcriptText(state);
      expect(text.confirmed.startsWith(confirmed)).toBe(true);
      confirmed = text.confirmed;
      sawDraft ||= text.draft.length > 0;
    }
    expect(sawDraft).toBe(true);
    expect(transcriptText(state)).toEqual({ confirmed: script.text.trim(), draft: '' });
    expect(state).toMatchObject({ ended: true, speaking: false, confirmed: [], draft: [] });
  });

  test('each event kind moves words between draft, confirmed and final', () => {
    const base = { v: 1 as const, wallMs: 0, utterance: 0 };
    const word = (id: string, text: string) => ({ id, text, start: 0, end: 1, confidence: 0.5 });
    const steps: LiveEvent[] = [
      {
        ...base,
        seq: 0,
        type: 'session',
        state: 'started',
        sessionId: 'x',
        startedAt: '',
        mode: 'single',
        models: { draft: 'm', confirm: 'm' },
        speed: 1,
        settings: { draftStepMs: 1, confirmStepMs: 1, agreement: 2, holdBack: 1 },
      },
      { ...base, seq: 1, type: 'speech_started', speaker: 0, start: 0 },
      { ...base, seq: 2, type: 'token', window: 0, ...word('spk_0_a0', ' Hello') },
      { ...base, seq: 3, type: 'token', window: 0, ...word('spk_0_a1', ' word') },
      { ...base, seq: 4, type: 'token', window: 0, ...word('spk_0_a2', ' again') },
      { ...base, seq: 5, type: 'confirm', window: 0, ...word('spk_0_a0', ' Hello') },
      {
        ...base,
        seq: 6,
        type: 'diff',
        window: 0,
        replaced: ['spk_0_a1'],
        draft: ' word',
        confirmed: ' world',
        tokens: [word('spk_0_a3', ' world')],
      },
      {
        ...base,
        seq: 7,
        type: 'backtrack',
        pass: 'confirm',
        window: 0,
        after: 'spk_0_a3',
        ids: ['spk_0_a2'],
      },
    ];
    const state = steps.reduce(reduceTranscript, emptyTranscript);
    expect(transcriptText(state)).toEqual({ confirmed: 'Hello world', draft: '' });
    expect(state.speaking).toBe(true);
    const partial = steps.slice(0, 5).reduce(reduceTranscript, emptyTranscript);
    expect(transcriptText(partial)).toEqual({ confirmed: '', draft: 'Hello word again' });
    const final = reduceTranscript(state, {
      ...base,
      seq: 8,
      type: 'final',
      speaker: 0,
      window: 0,
      reason: 'endpoint',
      ids: ['spk_0_a0', 'spk_0_a3'],
      text: ' Hello world',
      start: 0,
      end: 1,
    });
    expect(final.finalText).toBe(' Hello world');
    expect(final.confirmed).toEqual([]);
    expect(transcriptText(final).confirmed).toBe('Hello world');
  });
});
