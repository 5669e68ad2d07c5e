/**
 * The input audio buffer of a realtime session. Appended 16-bit PCM at 24 kHz is converted to
 * 16 kHz as it arrives (the streaming resampler), so the VAD and the model read the same samples.
 * Positions are 16 kHz sample indices on the session timeline: 0 is the first sample the client
 * appended, and positions keep counting across commits and clears, so `audio_start_ms` and
 * `audio_end_ms` are times since the session's audio began.
 */
import { Resampler } from '../../audio/resample.js';
import { s16leToChannels } from '../../audio/wav.js';
import { WHISPER_SAMPLE_RATE } from '../../dsp/whisper-mel.js';
import { REALTIME_SAMPLE_RATE } from './session-settings.js';

export const BUFFER_RATE = WHISPER_SAMPLE_RATE;
/** Storage for four seconds, before any growth. */
const INITIAL_SIZE = BUFFER_RATE * 4;

/** Milliseconds of a 16 kHz position or length, rounded to whole milliseconds. */
export function msOf(samples: number): number {
  return Math.round((samples * 1000) / BUFFER_RATE);
}

export class InputAudioBuffer {
  private data = new Float32Array(INITIAL_SIZE);
  /** Index in `data` of the sample at `start`. */
  private offset = 0;
  private resampler = new Resampler(REALTIME_SAMPLE_RATE, BUFFER_RATE);
  /** First position held. */
  start = 0;
  /** One past the last position held: all the audio of the session so far. */
  end = 0;

  /** 16 kHz samples the buffer holds. */
  get length(): number {
    return this.end - this.start;
  }

  /** About how many 16 kHz samples `bytes` bytes of 24 kHz pcm16 become. */
  static samplesFor(bytes: number): number {
    return Math.ceil(((bytes / 2) * BUFFER_RATE) / REALTIME_SAMPLE_RATE);
  }

  /** Appends pcm16 bytes (an even count); returns the 16 kHz samples that became ready. */
  append(pcm: Uint8Array): Float32Array {
    const [samples] = s16leToChannels(pcm, 1);
    const converted = this.resampler.push(samples as Float32Array);
    this.store(converted);
    return converted;
  }

  /**
   * Ends the resampler's stream, so that everything appended so far is in the buffer (a manual
   * commit takes all of it); returns the samples it added.
   */
  flush(): Float32Array {
    const tail = this.resampler.flush();
    this.resampler = new Resampler(REALTIME_SAMPLE_RATE, BUFFER_RATE);
    this.store(tail);
    return tail;
  }

  /** A copy of the audio between two positions (clamped to what is held). */
  read(from: number, to: number): Float32Array {
    const first = Math.max(from, this.start);
    const last = Math.min(to, this.end);
    if (last <= first) return new Float32Array(0);
    const at = this.offset + (first - this.start);
    return this.data.slice(at, at + (last - first));
  }

  /** Forgets the audio before `position`. */
  dropBefore(position: number): void {
    const to = Math.min(Math.max(position, this.start), this.end);
    this.offset += to - this.start;
    this.start = to;
  }

  private store(samples: Float32Array): void {
    if (samples.length === 0) return;
    const held = this.length;
    const needed = held + samples.length;
    if (this.offset + needed > this.data.length) {
      // Moved to the front into storage of twice what is needed: it grows with a long turn and
      // shrinks again once the turn is committed.
      const size = Math.max(INITIAL_SIZE, 2 * needed);
      const target = size === this.data.length ? this.data : new Float32Array(size);
      if (target === this.data) this.data.copyWithin(0, this.offset, this.offset + held);
      else target.set(this.data.subarray(this.offset, this.offset + held));
      this.data = target;
      this.offset = 0;
    }
    this.data.set(samples, this.offset + held);
    this.end += samples.length;
  }
}
