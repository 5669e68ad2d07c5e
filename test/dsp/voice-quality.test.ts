import { describe, expect, it } from 'vitest';
import { pyin } from '../../src/dsp/pitch/pyin.js';
import { formantTracks } from '../../src/dsp/voice-quality/formants.js';
import { harmonicsToNoise } from '../../src/dsp/voice-quality/hnr.js';
import { polynomialRoots } from '../../src/dsp/voice-quality/lpc.js';
import { perturbation } from '../../src/dsp/voice-quality/perturbation.js';
import { glottalPulses } from '../../src/dsp/voice-quality/pulses.js';
import { pulseTrain, synthesizeVoice, vowel } from '../helpers/voice.js';

/** A pYIN contour with the time each frame describes (frameLength/4 before its centre). */
function contourOf(samples: Float32Array, sampleRate: number) {
  const track = pyin(samples, { sampleRate });
  const times = Float64Array.from(
    track.f0,
    (_, t) => (t * track.hopLength - track.frameLength / 4) / sampleRate,
  );
  return { f0: track.f0, times };
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Praat's definitions applied to the true periods and amplitudes. */
function truePerturbation(pulses: number[], amplitudes: number[]) {
  const periods = pulses.slice(1).map((t, i) => t - (pulses[i] as number));
  const a = amplitudes.slice(0, periods.length);
  const local = (x: number[]) =>
    mean(x.slice(1).map((v, i) => Math.abs(v - (x[i] as number)))) / mean(x);
  const three = (x: number[]) =>
    mean(
      x.slice(1, -1).map((v, i) => Math.abs(v - ((x[i] as number) + v + (x[i + 2] as number)) / 3)),
    ) / mean(x);
  return {
    jitterLocal: local(periods),
    jitterRap: three(periods),
    shimmerLocal: local(a),
    shimmerApq3: three(a),
  };
}

describe('jitter and shimmer', () => {
  it.each([
    [100, 0.01, 0.05],
    [150, 0.005, 0.03],
    [220, 0.02, 0.1],
  ])(
    'f0 %i Hz with %s period and %s amplitude perturbation: all four measures within 10 % of the truth',
    (f0, jitter, shimmer) => {
      const sampleRate = 16000;
      const voice = pulseTrain({
        sampleRate,
        f0,
        jitter,
        shimmer,
        startS: 0.3,
        endS: 3.3,
        durationS: 3.6,
        snrDb: 40,
      });
      const pulses = glottalPulses(voice.samples, sampleRate, contourOf(voice.samples, sampleRate));
      expect(Math.abs(pulses.times.length - voice.pulses.length)).toBeLessThanOrEqual(2);
      const measured = perturbation(pulses);
      const truth = truePerturbation(voice.pulses, voice.amplitudes);
      const report = (['jitterLocal', 'jitterRap', 'shimmerLocal', 'shimmerApq3'] as const).map(
        (key) =>
          `${key} ${(100 * measured[key]).toFixed(3)} % (true ${(100 * truth[key]).toFixed(3)} %)`,
      );
      console.info(`f0 ${f0} Hz: ${report.join(', ')}`);
      for (const key of ['jitterLocal', 'jitterRap', 'shimmerLocal', 'shimmerApq3'] as const)
        expect(Math.abs(measured[key] / truth[key] - 1)).toBeLessThan(0.1);
    },
  );

  it('places pulses within a hundredth of a sample of the true ones on a clean signal', () => {
    const voice = pulseTrain({
      sampleRate: 16000,
      f0: 130,
      jitter: 0.01,
      shimmer: 0.05,
      startS: 0.3,
      endS: 2,
      durationS: 2.3,
    });
    const pulses = glottalPulses(voice.samples, 16000, contourOf(voice.samples, 16000));
    expect(pulses.times.length).toBe(voice.pulses.length);
    pulses.times.forEach((time, i) => {
      expect(Math.abs(time - (voice.pulses[i] as number)) * 16000).toBeLessThan(0.01);
      expect(pulses.amplitudes[i]).toBeCloseTo(voice.amplitudes[i] as number, 3);
    });
  });

  it('keeps marking pulses after the waveform changes shape within one voiced stretch', () => {
    // 0.6 s of one pulse shape, then 1.4 s of a very different one, without a break in voicing.
    const options = { sampleRate: 16000, f0: 120, jitter: 0.005, shimmer: 0.02, durationS: 2.6 };
    const first = pulseTrain({ ...options, startS: 0.3, endS: 0.9, seed: 3 });
    const second = pulseTrain({ ...options, startS: 0.9, endS: 2.3, seed: 4, carrierHz: 3000 });
    const samples = first.samples.map((x, i) => x + (second.samples[i] as number));
    const pulses = glottalPulses(samples, 16000, contourOf(samples, 16000));
    const truth = [...first.pulses, ...second.pulses];
    const marked = truth.filter((time) =>
      pulses.times.some((found) => Math.abs(found - time) * 16000 < 0.5),
    );
    expect(marked.length).toBeGreaterThan(0.95 * truth.length);
    expect(marked.filter((time) => time < 0.9).length).toBeGreaterThan(0.9 * first.pulses.length);
    expect(new Set(pulses.stretch).size).toBeGreaterThanOrEqual(2);
  });

  it('gives NaN, not a number made up, without enough cycles', () => {
    const none = perturbation({
      times: new Float64Array(0),
      amplitudes: new Float64Array(0),
      stretch: new Int32Array(0),
    });
    expect(none.jitterLocal).toBeNaN();
    expect(none.shimmerApq3).toBeNaN();
    expect(none.periods).toBe(0);
  });
});

describe('harmonics-to-noise ratio', () => {
  it.each([
    [100, 10],
    [100, 20],
    [220, 20],
    [220, 30],
  ])('equals the SNR of a %i Hz harmonic signal in white noise at %i dB (±1 dB)', (f0, snr) => {
    const voice = synthesizeVoice({
      sampleRate: 16000,
      durationS: 2,
      segments: [{ startS: 0, endS: 2, f0: () => f0 }],
      snrDb: snr,
    });
    const hnr = Array.from(harmonicsToNoise(voice.samples, 16000, contourOf(voice.samples, 16000)))
      .slice(5, -5)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const median = hnr[Math.floor(hnr.length / 2)] as number;
    console.info(`HNR at f0 ${f0} Hz, SNR ${snr} dB: median ${median.toFixed(2)} dB`);
    expect(Math.abs(median - snr)).toBeLessThan(1);
  });
});

describe('formants by LPC', () => {
  // Peterson & Barney's adult male averages for /ɑ/, /i/, /u/, /æ/ (bandwidths typical values).
  const vowels: Record<string, [number, number][]> = {
    ɑ: [
      [730, 80],
      [1090, 90],
      [2440, 120],
      [3400, 200],
      [4200, 250],
    ],
    i: [
      [270, 60],
      [2290, 100],
      [3010, 150],
      [3700, 200],
      [4500, 250],
    ],
    u: [
      [300, 60],
      [870, 80],
      [2240, 120],
      [3300, 200],
      [4200, 250],
    ],
    æ: [
      [660, 80],
      [1720, 100],
      [2410, 120],
      [3400, 200],
      [4300, 250],
    ],
  };
  it.each(Object.keys(vowels))(
    'finds F1 within 8 % and F2, F3 within 4 % on a synthetic /%s/',
    (name) => {
      const formants = vowels[name] as [number, number][];
      const samples = vowel(formants, 110, 16000, 1);
      const times = Float64Array.from({ length: 30 }, (_, i) => 0.2 + i * 0.02);
      const tracks = formantTracks(samples, 16000, times);
      const median = (values: Float64Array) => {
        const sorted = Array.from(values)
          .filter(Number.isFinite)
          .sort((a, b) => a - b);
        return sorted[Math.floor(sorted.length / 2)] as number;
      };
      const [f1, f2, f3] = [median(tracks.f1), median(tracks.f2), median(tracks.f3)];
      console.info(`/${name}/: F1 ${f1.toFixed(0)}, F2 ${f2.toFixed(0)}, F3 ${f3.toFixed(0)} Hz`);
      expect(Math.abs(f1 / (formants[0] as [number, number])[0] - 1)).toBeLessThan(0.08);
      expect(Math.abs(f2 / (formants[1] as [number, number])[0] - 1)).toBeLessThan(0.04);
      expect(Math.abs(f3 / (formants[2] as [number, number])[0] - 1)).toBeLessThan(0.04);
    },
  );

  it('finds the roots of a polynomial with known complex roots', () => {
    // (z² − 2·0.9·cos(0.5)z + 0.81)(z² − 2·0.8·cos(2)z + 0.64)(z − 0.5)
    const quadratic = (r: number, angle: number) => [1, -2 * r * Math.cos(angle), r * r];
    const multiply = (a: number[], b: number[]) => {
      const out = new Array(a.length + b.length - 1).fill(0);
      a.forEach((x, i) => {
        b.forEach((y, j) => {
          out[i + j] += x * y;
        });
      });
      return out;
    };
    const coefficients = Float64Array.from(
      multiply(multiply(quadratic(0.9, 0.5), quadratic(0.8, 2)), [1, -0.5]),
    );
    const roots = polynomialRoots(coefficients);
    const found = Array.from(roots.re, (re, i) => [
      Math.hypot(re, roots.im[i] as number),
      Math.atan2(roots.im[i] as number, re),
    ])
      .filter(([, angle]) => (angle as number) > 1e-9)
      .sort((a, b) => (a[1] as number) - (b[1] as number));
    expect(found[0]?.[0]).toBeCloseTo(0.9, 10);
    expect(found[0]?.[1]).toBeCloseTo(0.5, 10);
    expect(found[1]?.[0]).toBeCloseTo(0.8, 10);
    expect(found[1]?.[1]).toBeCloseTo(2, 10);
    expect(
      roots.re.some(
        (re, i) => Math.abs(re - 0.5) < 1e-10 && Math.abs(roots.im[i] as number) < 1e-10,
      ),
    ).toBe(true);
  });
});
