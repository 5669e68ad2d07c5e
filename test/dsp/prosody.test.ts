import { describe, expect, it } from 'vitest';
import { analyzeProsody } from '../../src/dsp/prosody/analyze.js';
import { percentile, runLengths, slopes } from '../../src/dsp/prosody/statistics.js';
import { speak } from '../helpers/espeak.js';
import { tone } from '../helpers/signals.js';
import { pulseTrain, synthesizeVoice } from '../helpers/voice.js';

describe('analyzeProsody', () => {
  // Three voiced stretches of 1 s, 0.5 s apart: a steady 120 Hz, a glide 150 → 250 Hz, a
  // 200 Hz vibrato; 30 dB SNR.
  const segments = [
    { startS: 0.5, endS: 1.5, f0: () => 120 },
    { startS: 2.0, endS: 3.0, f0: (t: number) => 150 * (250 / 150) ** t },
    { startS: 3.5, endS: 4.5, f0: (t: number) => 200 * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t)) },
  ];
  const voice = synthesizeVoice({ sampleRate: 16000, durationS: 5, segments, snrDb: 30 });
  const analysis = analyzeProsody(voice.samples, { sampleRate: 16000 });

  it('puts every track on one time grid, f0 aligned with the time each frame claims', () => {
    const { tracks } = analysis;
    const n = tracks.times.length;
    for (const track of [
      tracks.f0,
      tracks.voiced,
      tracks.loudness,
      tracks.hnr,
      tracks.f1,
      tracks.spectralCentroid,
    ])
      expect(track.length).toBe(n);
    expect(analysis.hopS).toBeCloseTo(371 / 16000, 12);
    const errors: number[] = [];
    for (let t = 0; t < n; t++) {
      const truth = voice.f0At(tracks.times[t] as number);
      if (tracks.voiced[t] && Number.isFinite(truth))
        errors.push(Math.abs((tracks.f0[t] as number) / truth - 1));
    }
    const median = percentile(errors, 0.5);
    console.info(
      `prosody f0: median error ${(100 * median).toFixed(2)} % over ${errors.length} frames`,
    );
    expect(median).toBeLessThan(0.005);
  });

  it('summarises voicing: three segments of about 1 s with 0.5 s between them', () => {
    const { functionals } = analysis;
    expect(functionals.voicedSegmentsPerSecond).toBeCloseTo(3 / 5, 6);
    expect(Math.abs(functionals.voicedSegmentMeanS - 1)).toBeLessThan(0.1);
    expect(Math.abs(functionals.unvoicedSegmentMeanS - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(functionals.voicedFraction - 0.6)).toBeLessThan(0.06);
  });

  it('gives pitch functionals that match the contours: percentiles, rising glide, vibrato both ways', () => {
    const { f0Hz, f0Semitones } = analysis.functionals;
    expect(f0Hz.p20).toBeGreaterThan(115);
    expect(f0Hz.p20).toBeLessThan(130);
    expect(f0Hz.p80).toBeGreaterThan(195);
    expect(f0Hz.p80).toBeLessThan(215);
    // 120 Hz is 25.8 semitones above 27.5 Hz.
    expect(f0Semitones.p20).toBeGreaterThan(25);
    expect(f0Semitones.risingSlopeMean).toBeGreaterThan(0);
    expect(f0Semitones.fallingSlopeMean).toBeGreaterThan(0);
    expect(f0Hz.cov).toBeGreaterThan(0.1);
    expect(analysis.functionals.hnrDb.mean).toBeGreaterThan(20);
  });

  it('measures jitter and shimmer of a pulse train close to the truth', () => {
    const train = pulseTrain({
      sampleRate: 16000,
      f0: 140,
      jitter: 0.01,
      shimmer: 0.05,
      startS: 0.2,
      endS: 2.2,
      durationS: 2.4,
      snrDb: 40,
    });
    const { functionals } = analyzeProsody(train.samples, { sampleRate: 16000 });
    expect(functionals.jitterLocal).toBeGreaterThan(0.008);
    expect(functionals.jitterLocal).toBeLessThan(0.016);
    expect(functionals.shimmerLocal).toBeGreaterThan(0.04);
    expect(functionals.shimmerLocal).toBeLessThan(0.08);
  });

  it('reads a steady full-scale tone as −3.01 LUFS in every frame', () => {
    const { functionals, tracks } = analyzeProsody(tone(1000, 16000, 2, 1), { sampleRate: 16000 });
    // BS.1770's K-weighting is specified at 48 kHz; at 16 kHz its 1 kHz gain differs by < 0.1 dB.
    expect(Math.abs(functionals.loudness.p50 + 3.01)).toBeLessThan(0.1);
    expect(Math.abs((tracks.loudness[40] as number) + 3.01)).toBeLessThan(0.1);
    expect(functionals.loudness.range2080).toBeLessThan(0.05);
    expect(functionals.equivalentSoundLevelDb).toBeCloseTo(-3.01, 1);
  });

  it('gives a plausible picture of eSpeak NG speech', async () => {
    const { samples, sampleRate } = await speak(
      'I would like a cup of coffee with milk and sugar, please.',
    );
    const { functionals } = analyzeProsody(samples, { sampleRate });
    expect(functionals.f0Hz.p50).toBeGreaterThan(80);
    expect(functionals.f0Hz.p50).toBeLessThan(140);
    expect(functionals.speechRate).toBeGreaterThan(3);
    expect(functionals.speechRate).toBeLessThan(8);
    expect(functionals.f1.mean).toBeGreaterThan(250);
    expect(functionals.f2.mean).toBeGreaterThan(functionals.f1.mean);
  });

  it('handles silence and empty input without inventing values, and refuses NaN samples', () => {
    const silent = analyzeProsody(new Float32Array(16000), { sampleRate: 16000 });
    expect(silent.tracks.voiced.every((v) => v === 0)).toBe(true);
    expect(silent.functionals.f0Hz.mean).toBeNaN();
    expect(silent.functionals.jitterLocal).toBeNaN();
    expect(silent.functionals.syllables).toBe(0);
    const empty = analyzeProsody(new Float32Array(0), { sampleRate: 16000 });
    expect(empty.tracks.times.length).toBe(1);
    expect(empty.functionals.speechRate).toBe(0);
    expect(() =>
      analyzeProsody(new Float32Array([0, Number.POSITIVE_INFINITY]), { sampleRate: 16000 }),
    ).toThrow(expect.objectContaining({ code: 'signal_not_finite' }));
  });
});

describe('prosody statistics', () => {
  it('splits a contour into rising and falling slopes at its turning points', () => {
    const { rising, falling } = slopes(
      Float64Array.from([0, 1, 2, 1, 0, Number.NaN, 5, 5, 7]),
      0.5,
    );
    expect(rising).toEqual([2, 2]);
    expect(falling).toEqual([2]);
  });

  it('measures voiced runs and the gaps between them, not the edges', () => {
    expect(runLengths([0, 1, 1, 0, 0, 0, 1, 0])).toEqual({ on: [2, 1], between: [3] });
  });

  it('interpolates percentiles like numpy', () => {
    expect(percentile([1, 2, 3, 4], 0.2)).toBeCloseTo(1.6, 12);
    expect(percentile([Number.NaN], 0.5)).toBeNaN();
  });
});
