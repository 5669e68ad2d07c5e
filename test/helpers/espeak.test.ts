import { describe, expect, it } from 'vitest';
import { speak } from './espeak.js';
import { rms } from './signals.js';

describe('speak (test helper)', () => {
  it('makes a second or two of audible speech for a short English sentence', async () => {
    const { samples, sampleRate } = await speak('The quick brown fox jumps over the lazy dog.');
    expect(sampleRate).toBe(16000);
    expect(samples.length / sampleRate).toBeGreaterThan(1.5);
    expect(samples.length / sampleRate).toBeLessThan(5);
    expect(rms(samples)).toBeGreaterThan(0.01);
  });

  it('speaks Polish and slower speech lasts longer', async () => {
    const normal = await speak('Dzień dobry, jak się masz?', { voice: 'pl' });
    const slow = await speak('Dzień dobry, jak się masz?', { voice: 'pl', rate: 100 });
    expect(slow.samples.length).toBeGreaterThan(normal.samples.length * 1.4);
  });
});
