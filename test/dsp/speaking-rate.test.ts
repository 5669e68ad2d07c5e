import { describe, expect, it } from 'vitest';
import { speakingRate } from '../../src/dsp/voice-quality/speaking-rate.js';
import { speak } from '../helpers/espeak.js';

// Sentences with their syllable counts.
const sentences: [string, number][] = [
  ['The quick brown fox jumps over the lazy dog.', 11],
  ['She sells sea shells by the sea shore.', 8],
  ['Peter Piper picked a peck of pickled peppers.', 12],
  ['I would like a cup of coffee with milk and sugar, please.', 14],
];

describe('speaking rate from syllable nuclei', () => {
  it('counts the syllables of eSpeak NG sentences within 30 % at 120 and 260 words per minute', async () => {
    const truth = sentences.reduce((sum, [, count]) => sum + count, 0);
    for (const rate of [120, 260]) {
      let counted = 0;
      for (const [text] of sentences) {
        const { samples, sampleRate } = await speak(text, { rate });
        counted += speakingRate(samples, sampleRate).syllables;
      }
      console.info(`espeak -s ${rate}: ${counted} nuclei for ${truth} syllables`);
      expect(Math.abs(counted / truth - 1)).toBeLessThan(0.3);
    }
  });

  it('speech rate follows eSpeak’s words per minute: about twice the syllables per second at 2×', async () => {
    const text = 'Around the rugged rocks the ragged rascal ran, while many men made merry music.';
    const slow = await speak(text, { rate: 130 });
    const fast = await speak(text, { rate: 260 });
    const slowRate = speakingRate(slow.samples, slow.sampleRate);
    const fastRate = speakingRate(fast.samples, fast.sampleRate);
    console.info(
      `130 wpm: ${slowRate.speechRate.toFixed(2)} syll/s (${slowRate.syllables}), 260 wpm: ${fastRate.speechRate.toFixed(2)} syll/s (${fastRate.syllables})`,
    );
    const durationRatio = slowRate.durationS / fastRate.durationS;
    expect(fastRate.speechRate / slowRate.speechRate).toBeGreaterThan(0.85 * durationRatio);
    expect(fastRate.speechRate / slowRate.speechRate).toBeLessThan(1.15 * durationRatio);
    expect(fastRate.articulationRate).toBeGreaterThan(fastRate.speechRate);
  });

  it('finds nothing in silence or in white noise', () => {
    expect(speakingRate(new Float32Array(16000), 16000).syllables).toBe(0);
    let state = 7;
    const noise = Float32Array.from({ length: 32000 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state / 2 ** 32 - 0.5) * 0.2;
    });
    expect(speakingRate(noise, 16000).syllables).toBeLessThanOrEqual(1);
  });
});
