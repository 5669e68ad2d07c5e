/**
 * Test audio with speech at known places: eSpeak NG utterances laid between stretches of
 * silence, white noise or a tone of chosen lengths. The truth for each utterance is where its
 * audible part was placed: eSpeak's own leading and trailing near-silence is trimmed first.
 */
import { resample } from '../../src/audio/resample.js';
import { type SpeakOptions, speak } from './espeak.js';
import { noise, tone } from './signals.js';

export type ScenePart =
  | ({ say: string } & Omit<SpeakOptions, 'sampleRate'>)
  | { silenceS: number }
  | { noiseS: number; amplitude?: number; seed?: number }
  | { toneS: number; frequency: number; amplitude?: number };

export interface Scene {
  samples: Float32Array;
  sampleRate: number;
  /** Where each utterance's audible part lies, in seconds. */
  truth: Array<{ startS: number; endS: number }>;
}

/** 10 ms frames quieter than this fraction of the loudest frame's RMS (−40 dB) count as silent. */
const AUDIBLE_FRACTION = 0.01;

/** The audible part of an utterance: trims near-silent 10 ms frames from both ends. */
export function trimToAudible(samples: Float32Array, sampleRate: number): Float32Array {
  const hop = Math.round(sampleRate / 100);
  const levels: number[] = [];
  for (let from = 0; from < samples.length; from += hop) {
    let sum = 0;
    const to = Math.min(samples.length, from + hop);
    for (let i = from; i < to; i++) sum += (samples[i] as number) ** 2;
    levels.push(Math.sqrt(sum / (to - from)));
  }
  const loudest = Math.max(...levels);
  const first = levels.findIndex((level) => level > loudest * AUDIBLE_FRACTION);
  const last = levels.findLastIndex((level) => level > loudest * AUDIBLE_FRACTION);
  return samples.subarray(first * hop, Math.min(samples.length, (last + 1) * hop));
}

/** eSpeak's own rate; each utterance is synthesised once and resampled for other rates. */
const ESPEAK_RATE = 22050;
const spoken = new Map<string, Promise<Float32Array>>();

function utterance(say: string, voice: Omit<SpeakOptions, 'sampleRate'>, sampleRate: number) {
  const key = JSON.stringify([say, voice.voice, voice.rate, voice.pitch]);
  let native = spoken.get(key);
  if (!native) {
    native = speak(say, { ...voice, sampleRate: ESPEAK_RATE }).then((audio) => audio.samples);
    spoken.set(key, native);
  }
  return native.then((samples) =>
    trimToAudible(resample(samples, ESPEAK_RATE, sampleRate), sampleRate),
  );
}

export async function buildScene(parts: ScenePart[], sampleRate = 16000): Promise<Scene> {
  const pieces: Float32Array[] = [];
  const truth: Scene['truth'] = [];
  let length = 0;
  for (const part of parts) {
    let piece: Float32Array;
    if ('say' in part) {
      const { say, ...voice } = part;
      piece = await utterance(say, voice, sampleRate);
      truth.push({ startS: length / sampleRate, endS: (length + piece.length) / sampleRate });
    } else if ('silenceS' in part) {
      piece = new Float32Array(Math.round(part.silenceS * sampleRate));
    } else if ('noiseS' in part) {
      piece = noise(Math.round(part.noiseS * sampleRate), part.amplitude ?? 0.05, part.seed ?? 7);
    } else {
      piece = tone(part.frequency, sampleRate, part.toneS, part.amplitude ?? 0.3);
    }
    pieces.push(piece);
    length += piece.length;
  }
  const samples = new Float32Array(length);
  let offset = 0;
  for (const piece of pieces) {
    samples.set(piece, offset);
    offset += piece.length;
  }
  return { samples, sampleRate, truth };
}
