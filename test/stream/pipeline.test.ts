import { lastValueFrom, Observable, Subject, toArray } from 'rxjs';
import { describe, expect, test } from 'vitest';
import type { LiveEvent, LiveEventPayload } from '../../src/stream/events.js';
import type { LiveOptions } from '../../src/stream/live-options.js';
import { liveTranscription } from '../../src/stream/pipeline.js';
import { checkLiveStream } from '../helpers/live-invariants.js';
import {
  ScriptedDetector,
  ScriptedEngine,
  type ScriptedEngineOptions,
  SpeechScript,
} from '../helpers/live-script.js';
import { VirtualTime } from '../helpers/virtual-time.js';

const SENTENCE =
  'so we walked along the river until the light was gone and then we turned back home again';

interface Setup {
  script?: SpeechScript;
  draft?: Partial<ScriptedEngineOptions>;
  confirm?: Partial<ScriptedEngineOptions>;
  /** One engine object in both roles. */
  single?: boolean;
  /** No draft pass. */
  confirmOnly?: boolean;
  detector?: boolean;
  options?: Partial<LiveOptions>;
  audio?: (script: SpeechScript, time: VirtualTime) => Observable<Float32Array>;
}

async function runLive(setup: Setup = {}) {
  const time = new VirtualTime();
  const script =
    setup.script ?? SpeechScript.build(SENTENCE.split(' '), { pauseEvery: 6, pauseMs: 900 });
  const draft = new ScriptedEngine({
    modelId: 'draft',
    script,
    time,
    costMs: () => 100,
    ...setup.draft,
  });
  const confirm = setup.single
    ? draft
    : new ScriptedEngine({
        modelId: 'confirm',
        script,
        time,
        costMs: (audioS) => 250 + 30 * audioS,
        ...setup.confirm,
      });
  const detector = setup.detector === false ? null : new ScriptedDetector(300);
  const events = await time.run(
    lastValueFrom(
      liveTranscription((setup.audio ?? ((s, t) => s.paced(t)))(script, time), {
        draft: setup.confirmOnly ? null : { model: draft },
        confirm: { model: confirm },
        detector,
        scheduler: time.scheduler,
        ...setup.options,
      }).pipe(toArray()),
    ),
  );
  return { events, facts: checkLiveStream(events), script, draft, confirm, detector, time };
}

const ofType = <T extends LiveEvent['type']>(events: LiveEvent[], type: T) =>
  events.filter((event): event is Extract<LiveEvent, { type: T }> => event.type === type);

describe('live pipeline on scripted engines', () => {
  test('every spoken word is drafted, confirmed and finalised; the finals are the confirmed text in order', async () => {
    const { events, facts, script } = await runLive();
    expect(facts.finalText).toBe(script.text);
    expect(facts.confirmedText).toBe(facts.finalText);
    // Pauses every six words: one utterance, and one final, per group.
    expect(ofType(events, 'speech_started')).toHaveLength(3);
    expect(facts.finals.map((final) => final.reason)).toEqual(['endpoint', 'endpoint', 'endpoint']);
    expect(ofType(events, 'token').length).toBeGreaterThan(10);
    expect(ofType(events, 'confirm').length).toBeGreaterThan(10);
    const ended = events.at(-1);
    expect(ended).toMatchObject({ type: 'session', state: 'ended', mode: 'dual' });
  });

  test('a draft mistake is corrected by a diff that names the draft and the confirmed text', async () => {
    const { facts, script } = await runLive({
      draft: { say: (index) => (index === 4 ? 'liver' : (SENTENCE.split(' ')[index] as string)) },
    });
    const correction = facts.diffs.find((diff) => diff.draft === ' liver');
    // Words next to the correction that were never drafted (held back) join the same diff.
    expect(correction?.confirmed).toMatch(/ river$/);
    expect(correction?.replaced).toHaveLength(1);
    expect(facts.finalText).toBe(script.text);
  });

  test('drafts slower than their cadence are dropped latest-wins, and every drop is reported', async () => {
    const { events, facts } = await runLive({ draft: { costMs: () => 700 } });
    const drafts = [...facts.windows.draft.values()];
    expect(drafts.filter((status) => status === 'dropped').length).toBeGreaterThan(5);
    expect(drafts.filter((status) => status === 'done').length).toBeGreaterThan(3);
    // Tokens only ever come from windows that ran.
    for (const token of ofType(events, 'token')) {
      expect(facts.windows.draft.get(token.window)).toBe('done');
    }
    const ended = events.at(-1) as Extract<LiveEvent, { type: 'session' }>;
    expect(ended.windows?.draft.dropped).toBe(drafts.filter((s) => s === 'dropped').length);
  });

  test('confirm passes are never dropped: a slow confirm pass merges requests and finalises every utterance', async () => {
    const { events, facts, script } = await runLive({
      confirm: { costMs: (audioS) => 1500 + 100 * audioS },
    });
    expect([...facts.windows.confirm.values()].every((status) => status === 'done')).toBe(true);
    expect(facts.finalText).toBe(script.text);
    // Finals come out in utterance order even though they lag the audio.
    expect(facts.finals.map((final) => final.utterance)).toEqual([0, 1, 2]);
    expect(ofType(events, 'window').filter((w) => w.pass === 'confirm').length).toBeLessThan(
      script.durationS,
    );
  });

  test('words the confirm pass keeps changing are committed only once two passes agree', async () => {
    // The confirm engine hears word 3 differently on every call until the utterance ends.
    const { facts, events } = await runLive({
      script: SpeechScript.build(SENTENCE.split(' ')),
      confirm: {
        say: (index, call) =>
          index === 3 ? `along${call}` : (SENTENCE.split(' ')[index] as string),
        costMs: () => 200,
      },
    });
    const committed = facts.confirmedText.split(' ');
    expect(committed.filter((word) => word.startsWith('along'))).toHaveLength(1);
    // Until the final pass of the utterance nothing from the unstable word on was confirmed.
    const finalWindow = facts.finals[0]?.window;
    const early = events.filter(
      (event) =>
        (event.type === 'confirm' || event.type === 'diff') &&
        event.utterance === 0 &&
        event.window !== finalWindow,
    );
    const earlyText = early
      .map((event) =>
        event.type === 'confirm'
          ? event.text
          : event.type === 'diff'
            ? event.tokens.map((t) => t.text).join('')
            : '',
      )
      .join('');
    expect(earlyText).toBe(' so we walked');
  });

  test('single-model mode runs one model in both roles: short draft windows and whole confirm windows', async () => {
    const { events, facts, draft, script } = await runLive({ single: true });
    expect(events[0]).toMatchObject({
      mode: 'single',
      models: { draft: 'draft', confirm: 'draft' },
    });
    expect(facts.finalText).toBe(script.text);
    const windows = ofType(events, 'window').filter((w) => w.status === 'done');
    const draftSpans = windows.filter((w) => w.pass === 'draft').map((w) => w.end - w.start);
    const confirmSpans = windows.filter((w) => w.pass === 'confirm').map((w) => w.end - w.start);
    expect(Math.max(...draftSpans)).toBeLessThan(Math.max(...confirmSpans));
    expect(draft.calls.length).toBe(windows.length);
  });

  test('confirm-only mode shows no drafts: words arrive confirmed, as whisper_streaming shows them', async () => {
    const { events, facts, script, draft } = await runLive({ confirmOnly: true });
    expect(events[0]).toMatchObject({ mode: 'confirm-only', models: { draft: null } });
    expect(ofType(events, 'token')).toHaveLength(0);
    expect(ofType(events, 'backtrack')).toHaveLength(0);
    expect(facts.windows.draft.size).toBe(0);
    expect(draft.calls).toHaveLength(0);
    expect(facts.finalText).toBe(script.text);
  });

  test('without a detector the input is one utterance, cut into segments at confirmed words', async () => {
    const script = SpeechScript.build(
      Array.from({ length: 90 }, (_, i) => `w${i}`),
      { wordMs: 250, gapMs: 50 },
    );
    const { events, facts, confirm } = await runLive({
      script,
      detector: false,
      options: { trimAfterS: 6, maxBufferS: 10 },
    });
    expect(ofType(events, 'speech_started')).toHaveLength(0);
    expect(facts.finalText).toBe(script.text);
    const reasons = facts.finals.map((final) => final.reason);
    expect(reasons.at(-1)).toBe('end');
    expect(reasons.filter((reason) => reason === 'segment').length).toBeGreaterThanOrEqual(3);
    const confirmSpans = ofType(events, 'window')
      .filter((w) => w.pass === 'confirm')
      .map((w) => w.end - w.start);
    expect(Math.max(...confirmSpans)).toBeLessThanOrEqual(10);
    // After a cut, the confirm pass is prompted with the committed text it no longer hears.
    const prompts = confirm.calls.flatMap((call) => (call.prompt ? [call.prompt] : []));
    expect(prompts.length).toBeGreaterThan(3);
    for (const prompt of prompts) {
      expect(prompt.length).toBeLessThanOrEqual(200);
      expect(script.text).toContain(prompt);
    }
  });

  test('when passes cannot keep up, the oldest audio is skipped with an overloaded error and memory stays bounded', async () => {
    const script = SpeechScript.build(
      Array.from({ length: 150 }, (_, i) => `w${i}`),
      { wordMs: 300, gapMs: 100 },
    );
    let peakBufferS = 0;
    const { events, facts } = await runLive({
      script,
      detector: false,
      confirm: { costMs: () => 20_000 },
      options: {
        trimAfterS: 5,
        maxBufferS: 10,
        onStats: (stats) => {
          peakBufferS = Math.max(peakBufferS, stats.bufferS);
        },
      },
    });
    const overloads = ofType(events, 'error').filter((e) => e.error.code === 'overloaded');
    expect(overloads.length).toBeGreaterThan(0);
    expect(overloads.every((e) => !e.fatal && e.error.status === 429)).toBe(true);
    // maxBufferS plus the 5 s margin, plus one chunk.
    expect(peakBufferS).toBeLessThanOrEqual(15.1);
    // What was transcribed is spoken words in order: skipped audio loses words, never invents them.
    const heard = facts.finalText.trim().split(' ');
    expect(heard.length).toBeGreaterThan(0);
    const order = heard.map((word) => Number(word.slice(1)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  test('a draft pass that fails is reported and the session goes on', async () => {
    let calls = 0;
    const { events, facts, script } = await runLive({
      draft: {
        costMs: () => {
          calls++;
          if (calls === 3) throw new Error('draft engine fell over');
          return 100;
        },
      },
    });
    const errors = ofType(events, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ source: 'draft', fatal: false });
    expect(errors[0]?.error.code).toBe('internal_error');
    expect([...facts.windows.draft.values()]).toContain('failed');
    expect(facts.finalText).toBe(script.text);
  });

  test('a failing source ends the session with a fatal error, and what was heard is still final', async () => {
    const { events, facts, script } = await runLive({
      detector: true,
      audio: (s, time) =>
        new Observable<Float32Array>((subscriber) => {
          const subscription = s.paced(time).subscribe({
            next: (chunk) => subscriber.next(chunk),
            complete: () => subscriber.complete(),
          });
          time.scheduler.schedule(() => subscriber.error(new Error('microphone unplugged')), 2300);
          return subscription;
        }),
    });
    const [error] = ofType(events, 'error');
    expect(error).toMatchObject({ source: 'source', fatal: true });
    expect(facts.finals.at(-1)?.reason).toBe('endpoint');
    expect(facts.finalText.length).toBeGreaterThan(0);
    expect(script.text.startsWith(facts.finalText)).toBe(true);
  });

  test('unsubscribing stops the session and releases the detector', async () => {
    const time = new VirtualTime();
    const script = SpeechScript.build(SENTENCE.split(' '));
    const engine = new ScriptedEngine({ modelId: 'm', script, time, costMs: () => 100 });
    const detector = new ScriptedDetector();
    const seen: LiveEvent[] = [];
    const subscription = liveTranscription(script.paced(time), {
      draft: { model: engine },
      confirm: { model: engine },
      detector,
      scheduler: time.scheduler,
    }).subscribe((event) => seen.push(event));
    await time.run(time.sleep(1500));
    subscription.unsubscribe();
    expect(detector.closed).toBe(true);
    const count = seen.length;
    await time.run(time.sleep(5000));
    expect(seen.length).toBe(count);
    expect(time.scheduler.actions.length).toBe(0);
  });

  test('notices from outside the pipeline are stamped in order with its events while the session runs', async () => {
    const notices = new Subject<LiveEventPayload>();
    const refusal: LiveEventPayload = {
      type: 'error',
      error: { code: 'invalid_json', message: 'not JSON', status: 400, retryable: false },
      source: 'source',
      fatal: false,
    };
    const { events, facts, script } = await runLive({
      options: { notices },
      audio: (s, time) => {
        time.scheduler.schedule(() => notices.next(refusal), 1000);
        return s.paced(time);
      },
    });
    // runLive's checkLiveStream found every seq in its place.
    const [error] = ofType(events, 'error');
    expect(error).toMatchObject({ ...refusal, v: 1 });
    expect(error?.wallMs).toBeGreaterThanOrEqual(1000);
    expect(events.at(-1)).toMatchObject({ type: 'session', state: 'ended' });
    expect(facts.finalText).toBe(script.text);
    // Once the session has ended, notices are no longer listened to.
    expect(notices.observed).toBe(false);
  });
});
