import { describe, expect, it } from 'vitest';
import { pyin } from '../../src/dsp/pitch/pyin.js';
import { speak } from '../helpers/espeak.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2
    ? (sorted[Math.floor(middle)] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function medianF0(text: string, pitch: number): Promise<number> {
  const { samples, sampleRate } = await speak(text, { pitch });
  const track = pyin(samples, { sampleRate });
  return median(Array.from(track.f0).filter(Number.isFinite));
}

// How eSpeak NG sets pitch (wavegen.c, SetPitch2): every pitch target is
//   base + contour,  base = voice.pitch_base × pitch_adjust_tab[p] / 128,
// where the contour (intonation) does not depend on p, pitch_adjust_tab[p] ≈ 128·2^((p − 50)/50)
// (84, 128 and 194 at p = 20, 50, 80), and the default voice's base is 71 Hz ("pitch 80 118":
// (80 − 9) Hz). So the whole f0 track, and its median, shifts by 71·(tab[p₂] − tab[p₁])/128 Hz.
const BASE_HZ = 71;
const TABLE: Record<number, number> = { 20: 84, 50: 128, 80: 194 };
const expectedShift = (from: number, to: number) =>
  (BASE_HZ * ((TABLE[to] as number) - (TABLE[from] as number))) / 128;

describe('pyin on eSpeak NG speech', () => {
  it.each([
    'The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore.',
    'Around the rugged rocks the ragged rascal ran, while many men made merry music.',
  ])('median f0 rises with the pitch setting by the shifts eSpeak applies: "%s"', async (text) => {
    const low = await medianF0(text, 20);
    const middle = await medianF0(text, 50);
    const high = await medianF0(text, 80);
    console.info(
      `espeak -p 20/50/80: median f0 ${low.toFixed(1)} / ${middle.toFixed(1)} / ${high.toFixed(1)} Hz; shifts ${(middle - low).toFixed(1)} and ${(high - middle).toFixed(1)} Hz (expected ${expectedShift(20, 50).toFixed(1)} and ${expectedShift(50, 80).toFixed(1)})`,
    );
    expect(low).toBeLessThan(middle);
    expect(middle).toBeLessThan(high);
    // The proportion between the two steps depends on eSpeak's table alone: 66 / 44 = 1.5.
    const proportion = (high - middle) / (middle - low);
    expect(Math.abs(proportion / (expectedShift(50, 80) / expectedShift(20, 50)) - 1)).toBeLessThan(
      0.1,
    );
    expect(Math.abs((middle - low) / expectedShift(20, 50) - 1)).toBeLessThan(0.1);
    expect(Math.abs((high - middle) / expectedShift(50, 80) - 1)).toBeLessThan(0.1);
  });
});
