/** Compares found speech regions with where the speech was placed. */
import type { SpeechTimestamp } from '../../src/vad/speech-timestamps.js';
import type { ScenePart } from './speech-scene.js';

/** English (and one German) utterances in several voices, rates and pitches. */
export const UTTERANCES: ScenePart[] = [
  { say: 'Morning meetings start at nine', voice: 'en-us' },
  { say: 'All silence between sentences is skipped', voice: 'en-gb', rate: 150 },
  { say: 'Every region must be found on time', voice: 'en-us', pitch: 30, rate: 190 },
  { say: 'Numbers like seven and eleven are spoken here', voice: 'en-us', pitch: 70 },
  { say: 'Light rain is expected later tonight', voice: 'en-us', rate: 160, pitch: 60 },
  { say: 'Ein Hund läuft über die Wiese', voice: 'de' },
];

/** Gap lengths in seconds after each utterance (the first gap leads the audio). */
export const GAPS_S = [1.3, 0.6, 2.5, 1.1, 4.0, 1.7, 0.9];

/** Utterances separated by the given gap, starting and ending with one. */
export function interleave(gap: (seconds: number, index: number) => ScenePart[]): ScenePart[] {
  const parts: ScenePart[] = [...gap(GAPS_S[0] as number, 0)];
  UTTERANCES.forEach((utterance, i) => {
    parts.push(utterance, ...gap(GAPS_S[i + 1] as number, i + 1));
  });
  return parts;
}

/**
 * Every way `found` misses the truth: an utterance with no region, a first start or last end
 * further than the tolerance from the utterance's, a region away from all utterances.
 */
export function boundaryProblems(
  found: readonly SpeechTimestamp[],
  truth: ReadonlyArray<{ startS: number; endS: number }>,
  tolerance: { startS: number; lateEndS: number; earlyEndS: number },
): string[] {
  const problems: string[] = [];
  const near = (region: SpeechTimestamp, utterance: { startS: number; endS: number }) =>
    region.endS > utterance.startS - tolerance.startS &&
    region.startS < utterance.endS + tolerance.lateEndS;
  for (const utterance of truth) {
    const label = `utterance ${utterance.startS.toFixed(3)}–${utterance.endS.toFixed(3)} s`;
    const regions = found.filter((region) => near(region, utterance));
    const first = regions[0];
    const last = regions.at(-1);
    if (!first || !last) {
      problems.push(`${label}: not found`);
      continue;
    }
    const startError = first.startS - utterance.startS;
    const endError = last.endS - utterance.endS;
    if (Math.abs(startError) > tolerance.startS)
      problems.push(`${label}: starts ${(startError * 1000).toFixed(0)} ms off`);
    if (endError > tolerance.lateEndS || -endError > tolerance.earlyEndS)
      problems.push(`${label}: ends ${(endError * 1000).toFixed(0)} ms off`);
  }
  for (const region of found) {
    if (!truth.some((utterance) => near(region, utterance)))
      problems.push(`speech reported at ${region.startS.toFixed(3)}–${region.endS.toFixed(3)} s`);
  }
  return problems;
}

export const WITHIN_100_MS = { startS: 0.1, lateEndS: 0.1, earlyEndS: 0.1 };
