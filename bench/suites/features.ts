/**
 * Acoustic features of 10 minutes of speech. Side by side with meyda on the features both
 * compute (RMS, zero-crossing rate, spectral centroid, flatness, roll-off and spread, 13 MFCCs
 * from 26 mel bands) on the same frames (2048 samples, hop 512, Hann window), alternated A B A B.
 * Then everything Earshot measures for the same 10 minutes (librosa-style frame features, MFCC,
 * Kaldi fbank, analyzeProsody with pYIN, HNR, formants, jitter, shimmer and speaking rate), and
 * pYIN and YIN per minute of audio.
 */
import { join } from 'node:path';
import Meyda from 'meyda';
import { loadAudio } from '../../src/audio/load.js';
import { kaldiFbank } from '../../src/dsp/fbank.js';
import { frameFeatures } from '../../src/dsp/features/frame.js';
import { mfcc } from '../../src/dsp/mfcc.js';
import { pyin } from '../../src/dsp/pitch/pyin.js';
import { yin } from '../../src/dsp/pitch/yin.js';
import { analyzeProsody } from '../../src/dsp/prosody/analyze.js';
import { alternate, compare, formatMs } from '../lib/harness.js';
import { summarize } from '../lib/stats.js';
import type { BenchSuite } from '../run.js';

const SHARED = new URL('../../../shared/data/', import.meta.url).pathname;
const SAMPLE_RATE = 16000;
const FRAME = 2048;
const HOP = 512;
const MEYDA_FEATURES = [
  'rms',
  'zcr',
  'spectralCentroid',
  'spectralFlatness',
  'spectralRolloff',
  'spectralSpread',
  'mfcc',
] as const;

interface MeydaLike {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
  extract(features: readonly string[], signal: Float32Array): unknown;
}

/**
 * Wraps contenders so that each run's CPU time (user + system) is recorded as well: on a shared
 * machine the wall clock counts other people's work too, the CPU time of this single-threaded
 * code much less so. The first `warmup` runs of each contender are dropped, as `alternate` does.
 */
function withCpuTime(contenders: Record<string, () => unknown>, warmup: number) {
  const cpu: Record<string, number[]> = {};
  const wrapped: Record<string, () => unknown> = {};
  for (const [name, run] of Object.entries(contenders)) {
    const runs: number[] = [];
    cpu[name] = runs;
    wrapped[name] = () => {
      const start = process.cpuUsage();
      const result = run();
      const used = process.cpuUsage(start);
      runs.push((used.user + used.system) / 1000);
      return result;
    };
  }
  const medians = (): Record<string, number> =>
    Object.fromEntries(
      Object.entries(cpu).map(([name, runs]) => [name, summarize(runs.slice(warmup)).median]),
    );
  return { wrapped, medians };
}

async function speech(seconds: number): Promise<Float32Array> {
  const jfk = (await loadAudio(join(SHARED, 'audio', 'jfk.flac'))).samples;
  const samples = new Float32Array(seconds * SAMPLE_RATE);
  for (let i = 0; i < samples.length; i++) samples[i] = jfk[i % jfk.length] as number;
  return samples;
}

export const suite: BenchSuite = {
  name: 'features',
  description: 'frame features of 10 min vs meyda; all Earshot features of 10 min; pYIN per minute',
  async run({ quick }) {
    const durationS = quick ? 60 : 600;
    const samples = await speech(durationS);
    const minute = samples.subarray(0, 60 * SAMPLE_RATE);
    const meyda = Meyda as unknown as MeydaLike;
    meyda.bufferSize = FRAME;
    meyda.sampleRate = SAMPLE_RATE;
    meyda.melBands = 26;
    meyda.numberOfMFCCCoefficients = 13;
    meyda.windowingFunction = 'hanning';
    const frames = 1 + Math.floor((samples.length - FRAME) / HOP);

    // The same frames for both: not centred, 2048 / 512, Hann.
    const sharedWarmup = 1;
    const sharedCpu = withCpuTime(
      {
        earshot: () => {
          frameFeatures(samples, {
            sampleRate: SAMPLE_RATE,
            frameLength: FRAME,
            hopLength: HOP,
            center: false,
          });
          mfcc(samples, {
            sampleRate: SAMPLE_RATE,
            nFft: FRAME,
            hopLength: HOP,
            center: false,
            nMels: 26,
            nMfcc: 13,
          });
        },
        meyda: () => {
          for (let t = 0; t < frames; t++)
            meyda.extract(MEYDA_FEATURES, samples.subarray(t * HOP, t * HOP + FRAME));
        },
      },
      sharedWarmup,
    );
    const shared = await alternate(sharedCpu.wrapped, {
      rounds: quick ? 2 : 4,
      warmup: sharedWarmup,
    });

    // Everything Earshot measures, on its own defaults.
    const allWarmup = quick ? 0 : 1;
    const allCpu = withCpuTime(
      {
        frameFeatures: () => frameFeatures(samples, { sampleRate: SAMPLE_RATE }),
        mfcc: () => mfcc(samples, { sampleRate: SAMPLE_RATE }),
        kaldiFbank: () => kaldiFbank(samples, { numMelBins: 80 }),
        analyzeProsody: () => analyzeProsody(samples, { sampleRate: SAMPLE_RATE }),
      },
      allWarmup,
    );
    const all = await alternate(allCpu.wrapped, { rounds: quick ? 1 : 3, warmup: allWarmup });
    const allTotal = Object.values(all).reduce((sum, summary) => sum + summary.median, 0);

    const pitchCpu = withCpuTime(
      {
        pyin: () => pyin(minute, { sampleRate: SAMPLE_RATE }),
        yin: () => yin(minute, { sampleRate: SAMPLE_RATE }),
      },
      1,
    );
    const pitch = await alternate(pitchCpu.wrapped, { rounds: quick ? 3 : 9, warmup: 1 });

    const cpu = { shared: sharedCpu.medians(), all: allCpu.medians(), pitch: pitchCpu.medians() };
    const cpuText = (ms: number | undefined) => `CPU ${(ms ?? Number.NaN).toFixed(0)} ms`;
    const cpuRatio = (cpu.shared['meyda'] ?? Number.NaN) / (cpu.shared['earshot'] ?? Number.NaN);
    const earshot = shared['earshot']!;
    const peer = shared['meyda']!;
    const ratio = compare(earshot, peer);
    const perMinute = (summary: { median: number }) => summary.median / (durationS / 60);
    const lines = [
      `audio: ${durationS} s of speech at 16 kHz (${frames} frames of ${FRAME}, hop ${HOP})`,
      `shared features (RMS, ZCR, centroid, flatness, roll-off, spread, 13 MFCC):`,
      `  earshot frameFeatures + mfcc: ${formatMs(earshot)}; ${cpuText(cpu.shared['earshot'])}`,
      `  meyda extract per frame:      ${formatMs(peer)}; ${cpuText(cpu.shared['meyda'])}`,
      `  earshot faster by ${ratio.medianRatio}× (per-round range ${ratio.worstCaseRatio}×–${ratio.bestCaseRatio}×; by CPU time ${cpuRatio.toFixed(2)}×)`,
      `all Earshot features of ${durationS} s: ${allTotal.toFixed(0)} ms (${Math.round((durationS * 1000) / allTotal)}× real time)`,
      ...Object.entries(all).map(
        ([name, summary]) =>
          `  ${name.padEnd(15)} ${formatMs(summary)} (${perMinute(summary).toFixed(0)} ms per minute; ${cpuText(cpu.all[name])})`,
      ),
      `pitch per minute of audio:`,
      `  pyin: ${formatMs(pitch['pyin']!)} (${Math.round(60000 / pitch['pyin']!.median)}× real time; ${cpuText(cpu.pitch['pyin'])})`,
      `  yin:  ${formatMs(pitch['yin']!)} (${Math.round(60000 / pitch['yin']!.median)}× real time; ${cpuText(cpu.pitch['yin'])})`,
    ];
    return {
      summary: lines,
      data: {
        durationS,
        frames,
        shared: { timingsMs: shared, speedup: ratio, features: MEYDA_FEATURES },
        all: { timingsMs: all, totalMedianMs: allTotal },
        pitchPerMinute: { timingsMs: pitch },
        cpuMedianMs: cpu,
      },
    };
  },
};
