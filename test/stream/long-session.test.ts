import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, test } from 'vitest';
import type { LiveStats } from '../../src/stream/live-options.js';
import { liveTranscription } from '../../src/stream/pipeline.js';
import { checkLiveStream } from '../helpers/live-invariants.js';
import { ScriptedDetector, ScriptedEngine, SpeechScript } from '../helpers/live-script.js';
import { VirtualTime } from '../helpers/virtual-time.js';

const HOUR_S = 3600;

/** Runs an hour of scripted speech through the pipeline on virtual time. */
async function hour(withDetector: boolean) {
  const time = new VirtualTime();
  // ~9000 words; with the detector, a pause after every 8 words closes an utterance.
  const count = withDetector ? 7000 : 9000;
  const script = SpeechScript.build(
    Array.from({ length: count }, (_, i) => `word${i}`),
    withDetector ? { pauseEvery: 8, pauseMs: 900 } : { wordMs: 300, gapMs: 100 },
  );
  expect(script.durationS).toBeGreaterThan(HOUR_S * 0.97);
  const draft = new ScriptedEngine({ modelId: 'tiny', script, time, costMs: () => 120 });
  const confirm = new ScriptedEngine({
    modelId: 'base',
    script,
    time,
    costMs: (audioS) => 300 + 40 * audioS,
  });
  const peak: LiveStats = {
    audioS: 0,
    bufferS: 0,
    bufferCapacityS: 0,
    openWords: 0,
    agreementWords: 0,
    queuedConfirms: 0,
  };
  const events = await time.run(
    lastValueFrom(
      liveTranscription(script.paced(time, 100), {
        draft: { model: draft },
        confirm: { model: confirm },
        detector: withDetector ? new ScriptedDetector(300) : null,
        scheduler: time.scheduler,
        onStats: (stats) => {
          for (const key of Object.keys(peak) as Array<keyof LiveStats>) {
            peak[key] = Math.max(peak[key], stats[key]);
          }
        },
      }).pipe(toArray()),
    ),
  );
  return { events, script, draft, confirm, peak };
}

/** Calls and seconds of audio per minute, over the first and the last ten minutes. */
function perMinute(engine: ScriptedEngine, fromS: number, toS: number) {
  const calls = engine.calls.filter((call) => call.at >= fromS * 1000 && call.at < toS * 1000);
  const minutes = (toS - fromS) / 60;
  return {
    calls: calls.length / minutes,
    audioS: calls.reduce((sum, call) => sum + call.audioS, 0) / minutes,
  };
}

describe('an hour of live audio', () => {
  test.each([
    ['with a detector closing utterances', true],
    ['without a detector (segments cut at confirmed words)', false],
  ])('%s keeps memory and compute per second flat', async (_, withDetector) => {
    const { events, script, draft, confirm, peak } = await hour(withDetector);
    const facts = checkLiveStream(events);
    expect(facts.finalText).toBe(script.text);
    expect(peak.audioS).toBeCloseTo(script.durationS, 0);
    // What the session holds is bounded by its settings (25 s buffer), not by the hour.
    expect(peak.bufferS).toBeLessThanOrEqual(25);
    expect(peak.bufferCapacityS).toBeLessThanOrEqual(64);
    expect(peak.openWords).toBeLessThan(120);
    expect(peak.agreementWords).toBeLessThan(120);
    expect(peak.queuedConfirms).toBeLessThanOrEqual(2);
    for (const engine of [draft, confirm]) {
      expect(Math.max(...engine.calls.map((call) => call.audioS))).toBeLessThanOrEqual(25);
      const early = perMinute(engine, 0, 600);
      const late = perMinute(engine, HOUR_S - 600, HOUR_S);
      expect(late.calls / early.calls).toBeGreaterThan(0.85);
      expect(late.calls / early.calls).toBeLessThan(1.15);
      expect(late.audioS / early.audioS).toBeGreaterThan(0.75);
      expect(late.audioS / early.audioS).toBeLessThan(1.25);
    }
  });
});
