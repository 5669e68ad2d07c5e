import { describe, expect, it } from 'vitest';
import { pyin } from '../../src/dsp/pitch/pyin.js';
import { yin } from '../../src/dsp/pitch/yin.js';
import { scorePitch, synthesizeVoice, type VoicedSegment } from '../helpers/voice.js';

const vibrato =
  (f0: number, depth: number, rate = 5) =>
  (t: number) =>
    f0 * (1 + depth * Math.sin(2 * Math.PI * rate * t));
const glide = (from: number, to: number, seconds: number) => (t: number) =>
  from * (to / from) ** (t / seconds);

// 60–500 Hz: vibrato, rising and falling glides, 1 % period jitter and 5 % shimmer, separated by
// stretches of noise only. The whole signal carries white noise 20 dB below the voiced parts.
const segments: VoicedSegment[] = [
  { startS: 0.5, endS: 2.0, f0: vibrato(60, 0.03) },
  { startS: 2.6, endS: 3.8, f0: glide(80, 160, 1.2) },
  { startS: 4.4, endS: 5.9, f0: vibrato(120, 0.02), jitter: 0.01, shimmer: 0.05 },
  { startS: 6.5, endS: 7.8, f0: vibrato(220, 0.05, 6) },
  { startS: 8.4, endS: 9.6, f0: glide(300, 500, 1.2) },
  { startS: 10.2, endS: 11.5, f0: vibrato(500, 0.02) },
  { startS: 12.1, endS: 13.4, f0: glide(250, 100, 1.3), jitter: 0.01 },
];

/**
 * The time frame t describes. As in librosa, YIN's difference function integrates over the first
 * half of the centred frame, so the frame measures the signal about frameLength/4 before its
 * nominal centre t·hop.
 */
function analysisTime(track: { hopLength: number; frameLength: number }, sampleRate: number) {
  return (t: number) => (t * track.hopLength - track.frameLength / 4) / sampleRate;
}

const voices = new Map<number, ReturnType<typeof synthesizeVoice>>();
/** The test voice at a sample rate, made once. */
function voiceAt(sampleRate: number) {
  let voice = voices.get(sampleRate);
  if (!voice) {
    voice = synthesizeVoice({ sampleRate, durationS: 14, segments, snrDb: 20 });
    voices.set(sampleRate, voice);
  }
  return voice;
}

describe('pitch on synthetic voices (60–500 Hz, vibrato, glides, jitter, 20 dB SNR)', () => {
  it.each([16000, 44100])(
    'pyin at %i Hz: gross pitch error < 1 % and voicing decision error < 5 %',
    (sampleRate) => {
      const voice = voiceAt(sampleRate);
      const track = pyin(voice.samples, { sampleRate });
      const scores = scorePitch(
        track.f0,
        track.voicedFlag,
        analysisTime(track, sampleRate),
        voice.f0At,
      );
      console.info(
        `pyin @ ${sampleRate} Hz: GPE ${(100 * scores.grossPitchError).toFixed(2)} %, VDE ${(100 * scores.voicingDecisionError).toFixed(2)} % over ${scores.frames} frames (${scores.voicedInBoth} voiced in both)`,
      );
      expect(scores.voicedInBoth).toBeGreaterThan(0.6 * scores.frames);
      expect(scores.grossPitchError).toBeLessThan(0.01);
      expect(scores.voicingDecisionError).toBeLessThan(0.05);
    },
  );

  it('pyin f0 is as close to the truth as its 0.1-semitone grid allows (median error < 0.5 %)', () => {
    const voice = voiceAt(16000);
    const track = pyin(voice.samples, { sampleRate: 16000 });
    const errors: number[] = [];
    const time = analysisTime(track, 16000);
    for (let t = 0; t < track.f0.length; t++) {
      const truth = voice.f0At(time(t));
      if (track.voicedFlag[t] && Number.isFinite(truth))
        errors.push(Math.abs((track.f0[t] as number) / truth - 1));
    }
    errors.sort((a, b) => a - b);
    const median = errors[Math.floor(errors.length / 2)] as number;
    console.info(`pyin median relative f0 error ${(100 * median).toFixed(2)} %`);
    expect(median).toBeLessThan(0.005);
  });

  it('yin finds the pitch of the voiced frames it accepts (gross pitch error < 1 %)', () => {
    const voice = voiceAt(16000);
    const track = yin(voice.samples, { sampleRate: 16000 });
    const scores = scorePitch(track.f0, track.voicedFlag, analysisTime(track, 16000), voice.f0At);
    console.info(
      `yin: GPE ${(100 * scores.grossPitchError).toFixed(2)} %, VDE ${(100 * scores.voicingDecisionError).toFixed(2)} %`,
    );
    expect(scores.grossPitchError).toBeLessThan(0.01);
  });
});
