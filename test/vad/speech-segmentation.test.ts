/**
 * Silero's segmentation rules on made-up probability sequences. Expected regions are worked out
 * by hand from the rules (16 kHz, 512-sample frames: pad 480, min speech 4000, min silence 1600
 * samples by default), so no model is involved.
 */
import { describe, expect, it } from 'vitest';
import { type PaddedBoundary, StreamPadder } from '../../src/vad/speech-padding.js';
import { SpeechSegmenter } from '../../src/vad/speech-segmenter.js';
import { segmentProbabilities } from '../../src/vad/speech-timestamps.js';
import { segmenterRules, type VadOptions } from '../../src/vad/vad-options.js';

const FRAME = 512;

/** Frame probabilities from runs of [probability, frames]. */
function runs(...parts: Array<[number, number]>): Float32Array {
  return Float32Array.from(parts.flatMap(([value, count]) => Array<number>(count).fill(value)));
}

function segment(probabilities: Float32Array, options: VadOptions = {}, totalSamples?: number) {
  return segmentProbabilities(
    {
      probabilities,
      sampleRate: 16000,
      frameSize: FRAME,
      totalSamples: totalSamples ?? probabilities.length * FRAME,
    },
    options,
  );
}

describe('Silero segmentation rules', () => {
  it('finds one region and pads it by 30 ms on each side', () => {
    // Speech in frames 10–29; the pause begins at frame 30 (sample 15360).
    expect(segment(runs([0.1, 10], [0.9, 20], [0.1, 10]))).toEqual([{ start: 4640, end: 15840 }]);
  });

  it('drops regions not longer than the minimum speech duration', () => {
    // 7 frames = 3584 samples ≤ 4000 are dropped; 8 frames = 4096 are kept.
    expect(segment(runs([0, 5], [0.9, 7], [0, 10]))).toEqual([]);
    expect(segment(runs([0, 5], [0.9, 8], [0, 10]))).toEqual([{ start: 2080, end: 7136 }]);
    expect(segment(runs([0, 5], [0.9, 7], [0, 10]), { minSpeechDurationMs: 100 })).toHaveLength(1);
  });

  it('keeps speech going through probabilities between the two thresholds (hysteresis)', () => {
    const wavering = runs([0, 4], [0.9, 10], [0.4, 20], [0.9, 10], [0, 10]);
    expect(segment(wavering)).toEqual([{ start: 1568, end: 23008 }]);
    // The same values end speech when the negative threshold is raised above them.
    expect(segment(wavering, { negThreshold: 0.45 })).toHaveLength(2);
  });

  it('ends speech only when a pause outlasts the minimum silence', () => {
    // A dip of 4 frames is checked last at 3 frames (1536 < 1600): one region.
    expect(segment(runs([0, 4], [0.9, 10], [0.1, 4], [0.9, 10], [0, 10]))).toEqual([
      { start: 1568, end: 14816 },
    ]);
    // A dip of 5 frames reaches 2048 ≥ 1600: the first region ends where the dip began.
    expect(segment(runs([0, 4], [0.9, 10], [0.1, 5], [0.9, 10], [0, 10]))).toEqual([
      { start: 1568, end: 7648 },
      { start: 9248, end: 15328 },
    ]);
  });

  it('splits the padding of regions closer than twice the pad between them', () => {
    // With no minimum silence one quiet frame ends speech; the 512-sample gap is shared.
    expect(
      segment(runs([0, 2], [0.9, 10], [0.1, 1], [0.9, 12], [0, 5]), { minSilenceDurationMs: 0 }),
    ).toEqual([
      { start: 544, end: 6400 },
      { start: 6400, end: 13280 },
    ]);
  });

  it('cuts an over-long region at its longest pause and goes on after it', () => {
    // max 1 s → 16000 − 512 − 960 = 14528 samples; the limit is passed at frame 31.
    // Pauses: frames 10–15 (3072 samples from 5120) and 22–25 (2048 from 11264).
    const probabilities = runs([0, 2], [0.9, 8], [0.1, 6], [0.9, 6], [0.1, 4], [0.9, 15]);
    const options = { maxSpeechDurationS: 1, minSilenceDurationMs: 500 };
    expect(segment(probabilities, options)).toEqual([
      { start: 544, end: 5600 },
      { start: 7712, end: 20992 },
    ]);
    expect(segment(probabilities, { ...options, useMaxPossibleSilenceAtMaxSpeech: false })).toEqual(
      [
        { start: 544, end: 11744 },
        { start: 12832, end: 20992 },
      ],
    );
  });

  it('cuts an over-long region without pauses at the limit', () => {
    // Cut at frame 31 (15872); frame 32 starts the next region 512 samples later.
    expect(segment(runs([0, 2], [0.9, 39]), { maxSpeechDurationS: 1 })).toEqual([
      { start: 544, end: 16128 },
      { start: 16128, end: 20992 },
    ]);
  });

  it('runs a region open at the end of the audio to the last sample', () => {
    // 40 frames but only 20000 real samples: the region ends at 20000, padding clamped.
    expect(segment(runs([0, 20], [0.9, 20]), {}, 20000)).toEqual([{ start: 9760, end: 20000 }]);
    // Open at the end but too short: dropped.
    expect(segment(runs([0, 35], [0.9, 6]))).toEqual([]);
  });

  it('starts the pad of the first region no earlier than sample 0', () => {
    expect(segment(runs([0.9, 12], [0, 6]))).toEqual([{ start: 0, end: 6624 }]);
  });

  it('uses threshold − 0.15 as the negative threshold, but never below 0.01', () => {
    expect(segmenterRules({ threshold: 0.6 }, 16000, FRAME).negThreshold).toBeCloseTo(0.45, 12);
    expect(segmenterRules({ threshold: 0.1 }, 16000, FRAME).negThreshold).toBe(0.01);
  });

  it('rejects options out of range with invalid_parameter', () => {
    for (const options of [
      { threshold: 1.5 },
      { threshold: 0.5, negThreshold: 0.6 },
      { minSpeechDurationMs: -1 },
      { speechPadMs: Number.NaN },
      { maxSpeechDurationS: 0 },
    ]) {
      expect(() => segmenterRules(options, 16000, FRAME)).toThrowError(
        expect.objectContaining({ code: 'invalid_parameter' }),
      );
    }
  });
});

/** Seeded random probability sequences made of speech, pauses and wavering stretches. */
function randomSequence(seed: number, frames: number): Float32Array {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const out = new Float32Array(frames);
  let i = 0;
  while (i < frames) {
    const length = 1 + Math.floor(random() * 14);
    const kind = random();
    for (let k = 0; k < length && i < frames; k++, i++) {
      out[i] =
        kind < 0.45 ? 0.6 + random() * 0.4 : kind < 0.85 ? random() * 0.3 : 0.3 + random() * 0.3;
    }
  }
  return out;
}

/** Segmenter + stream padder, frame by frame, paired into spans as a stream consumer would. */
function streamed(probabilities: Float32Array, options: VadOptions, total: number) {
  const rules = segmenterRules(options, 16000, FRAME);
  const segmenter = new SpeechSegmenter(rules);
  const padder = new StreamPadder(rules.pad);
  const boundaries: PaddedBoundary[] = [];
  probabilities.forEach((probability, i) => {
    const real = Math.min(FRAME, total - i * FRAME);
    const events = segmenter.push(probability, real);
    boundaries.push(...padder.take(events, segmenter.position, segmenter.tentativeStart));
  });
  boundaries.push(...padder.finish(segmenter.finish(total), total));
  const spans: Array<{ start: number; end: number }> = [];
  for (const boundary of boundaries) {
    if (boundary.type === 'speech_start') spans.push({ start: boundary.sample, end: -1 });
    else (spans.at(-1) as { end: number }).end = boundary.sample;
  }
  return { boundaries, spans };
}

describe('streamed segmentation', () => {
  const optionSets: VadOptions[] = [
    {},
    { minSilenceDurationMs: 0 },
    { minSilenceDurationMs: 0, speechPadMs: 100 },
    { maxSpeechDurationS: 0.5, minSilenceDurationMs: 300 },
    { maxSpeechDurationS: 0.4, useMaxPossibleSilenceAtMaxSpeech: false, speechPadMs: 60 },
    { minSpeechDurationMs: 0, speechPadMs: 0 },
    { threshold: 0.7, minSpeechDurationMs: 500, minSilenceDurationMs: 50 },
  ];

  it.each(optionSets.map((options, index) => [index, options] as const))(
    'gives the batch regions boundary by boundary (option set %i)',
    (_index, options) => {
      for (let seed = 1; seed <= 40; seed++) {
        const probabilities = randomSequence(seed, 300);
        const total = probabilities.length * FRAME - (seed % 3) * 100;
        const { boundaries, spans } = streamed(probabilities, options, total);
        expect(spans).toEqual(segment(probabilities, options, total));
        // Boundaries alternate start, end, start, …
        boundaries.forEach((boundary, i) => {
          expect(boundary.type).toBe(i % 2 === 0 ? 'speech_start' : 'speech_end');
        });
      }
    },
  );

  it('announces a start at the first speech frame when there is no minimum speech duration', () => {
    const rules = segmenterRules({ minSpeechDurationMs: 0 }, 16000, FRAME);
    const segmenter = new SpeechSegmenter(rules);
    expect(segmenter.push(0.1)).toEqual([]);
    expect(segmenter.push(0.9)).toEqual([{ type: 'start', sample: FRAME }]);
  });

  it('announces a start once the region has outlasted the minimum speech duration', () => {
    const segmenter = new SpeechSegmenter(segmenterRules({}, 16000, FRAME));
    const announcedAt = [...runs([0, 3], [0.9, 20])].findIndex(
      (probability) => segmenter.push(probability).length > 0,
    );
    // Starts at frame 3 (1536); certain once 512·(i+1) − 1536 > 4000, i.e. at frame 10.
    expect(announcedAt).toBe(10);
  });
});
