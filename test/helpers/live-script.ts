/**
 * Scripted speech for live-pipeline tests. A script places words on a timeline; its audio marks
 * every sample of word `i` with the exact value (i + 1) · 2⁻²⁰ (silence is 0), so a fake engine
 * can tell from the audio it is given exactly which words it "hears", whole or cut, and where.
 * The engine's hypotheses (including mistakes) and its compute time are chosen by the test; the
 * time passes on a virtual clock. A trivial detector finds speech as non-zero samples.
 */
import { lastValueFrom, Observable, type Subscription, toArray } from 'rxjs';
import type {
  TranscribeOptions,
  TranscriptionModel,
  TranscriptionResult,
  TranscriptionWord,
} from '../../src/asr/types.js';
import type { PcmAudio } from '../../src/audio/load.js';
import type { EndpointDetector, EndpointEvent } from '../../src/stream/endpoints.js';
import type { LiveEvent } from '../../src/stream/events.js';
import { liveTranscription } from '../../src/stream/pipeline.js';
import { VirtualTime } from './virtual-time.js';

const RATE = 16_000;
const MARK = 2 ** -20;

export interface ScriptWord {
  text: string;
  /** Samples [start, end). */
  start: number;
  end: number;
}

export interface ScriptLayout {
  /** Silence before the first word, ms. Default 500. */
  leadMs?: number;
  wordMs?: number;
  gapMs?: number;
  /** A pause of `pauseMs` after every `pauseEvery` words (0: never). */
  pauseEvery?: number;
  pauseMs?: number;
  /** Silence after the last word, ms. Default 1000. */
  tailMs?: number;
}

export class SpeechScript {
  private constructor(
    readonly words: readonly ScriptWord[],
    readonly totalSamples: number,
  ) {}

  /** Lays `texts` out one after another with the given rhythm. */
  static build(texts: readonly string[], layout: ScriptLayout = {}): SpeechScript {
    const samples = (ms: number) => Math.round((ms * RATE) / 1000);
    const words: ScriptWord[] = [];
    let cursor = samples(layout.leadMs ?? 500);
    texts.forEach((text, index) => {
      const end = cursor + samples(layout.wordMs ?? 300);
      words.push({ text, start: cursor, end });
      cursor = end + samples(layout.gapMs ?? 100);
      const pauseEvery = layout.pauseEvery ?? 0;
      if (pauseEvery > 0 && (index + 1) % pauseEvery === 0)
        cursor += samples(layout.pauseMs ?? 1000);
    });
    return new SpeechScript(words, cursor + samples(layout.tailMs ?? 1000));
  }

  get durationS(): number {
    return this.totalSamples / RATE;
  }

  /** The audio of samples [from, from + length). */
  audio(from = 0, length = this.totalSamples - from): Float32Array {
    const out = new Float32Array(Math.max(0, Math.min(length, this.totalSamples - from)));
    let index = this.firstWordEndingAfter(from);
    for (; index < this.words.length; index++) {
      const word = this.words[index] as ScriptWord;
      if (word.start >= from + out.length) break;
      out.fill(
        (index + 1) * MARK,
        Math.max(0, word.start - from),
        Math.min(out.length, word.end - from),
      );
    }
    return out;
  }

  /** The audio paced in (virtual) real time, generated chunk by chunk. */
  paced(time: VirtualTime, chunkMs = 100): Observable<Float32Array> {
    const chunk = Math.round((chunkMs * RATE) / 1000);
    const audioAt = (from: number) => this.audio(from, chunk);
    const total = this.totalSamples;
    return new Observable<Float32Array>((subscriber) => {
      let sent = 0;
      // Each chunk is its own action: rescheduling one action would chain them all together.
      let pending: Subscription;
      const step = () => {
        subscriber.next(audioAt(sent));
        sent += chunk;
        if (sent >= total) subscriber.complete();
        else pending = time.scheduler.schedule(step, chunkMs);
      };
      pending = time.scheduler.schedule(step, chunkMs);
      return () => pending.unsubscribe();
    });
  }

  /** The word index a sample value marks, or −1 for silence. */
  static wordAt(value: number): number {
    return value === 0 ? -1 : Math.round(value / MARK) - 1;
  }

  /** The transcript a perfect listener would write. */
  get text(): string {
    return this.words.map((word) => ` ${word.text}`).join('');
  }

  private firstWordEndingAfter(sample: number): number {
    let low = 0;
    let high = this.words.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.words[middle] as ScriptWord).end <= sample) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** What a scripted engine was asked to do. */
export interface ScriptedCall {
  /** Seconds of audio in the call. */
  audioS: number;
  /** Virtual time the call started. */
  at: number;
  prompt: string | undefined;
}

export interface ScriptedEngineOptions {
  modelId: string;
  script: SpeechScript;
  time: VirtualTime;
  /** Virtual milliseconds a call takes for this much audio. */
  costMs: (audioS: number, call: number) => number;
  /** What the engine writes for word `index` heard whole on call `call`; null leaves it out. */
  say?: (index: number, call: number) => string | null;
  /** What it writes for a word the window cuts short at its end. Default: its first half. */
  sayCut?: (index: number, call: number) => string | null;
}

/** A `TranscriptionModel` whose hypotheses and timings the test chooses. */
export class ScriptedEngine implements TranscriptionModel {
  readonly provider = 'scripted';
  readonly modelId: string;
  readonly calls: ScriptedCall[] = [];

  constructor(private readonly options: ScriptedEngineOptions) {
    this.modelId = options.modelId;
  }

  async transcribe(audio: PcmAudio, options: TranscribeOptions = {}): Promise<TranscriptionResult> {
    const call = this.calls.length;
    const { script, time } = this.options;
    const audioS = audio.samples.length / RATE;
    this.calls.push({ audioS, at: time.now(), prompt: options.initialPrompt });
    await time.sleep(this.options.costMs(audioS, call));
    if (options.signal?.aborted) throw new Error('aborted');
    const words: TranscriptionWord[] = [];
    const samples = audio.samples;
    let position = 0;
    while (position < samples.length) {
      const index = SpeechScript.wordAt(samples[position] as number);
      const end = runEnd(
        samples,
        position,
        index >= 0 ? (script.words[index] as ScriptWord) : null,
      );
      if (index >= 0) {
        const word = script.words[index] as ScriptWord;
        const whole = end - position >= word.end - word.start;
        const cutAtEnd = !whole && end === samples.length && position > 0;
        const text = whole
          ? (this.options.say ?? ((i) => (script.words[i] as ScriptWord).text))(index, call)
          : cutAtEnd
            ? (this.options.sayCut ?? ((i) => halfOf((script.words[i] as ScriptWord).text)))(
                index,
                call,
              )
            : null;
        if (text !== null) {
          words.push({
            word: ` ${text}`,
            start: position / RATE,
            end: end / RATE,
            probability: whole ? 0.9 : 0.3,
          });
        }
      }
      position = end;
    }
    const text = words.map((word) => word.word).join('');
    return {
      text,
      language: 'en',
      languageProbs: null,
      durationS: audioS,
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0,
          end: audioS,
          text,
          tokens: [],
          tokenProbs: [],
          temperature: 0,
          avgLogprob: -0.1,
          compressionRatio: 1,
          noSpeechProb: 0,
          words,
        },
      ],
      warnings: [],
    };
  }

  async detectLanguage() {
    return { language: 'en', probability: 1, languageProbs: { en: 1 } };
  }

  async close(): Promise<void> {}
}

/**
 * Where the run of equal samples starting at `from` ends. A word's marker occurs in one
 * contiguous run no longer than the word, so its end is found by bisection; silence is skipped
 * in steps shorter than any word (10 ms), then backed up to the exact sample.
 */
function runEnd(samples: Float32Array, from: number, word: ScriptWord | null): number {
  const value = samples[from];
  if (word) {
    let low = from;
    let high = Math.min(samples.length, from + (word.end - word.start)) - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (samples[middle] === value) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }
  let end = from + 1;
  while (end + 160 < samples.length && samples[end + 160] === 0) end += 160;
  while (end < samples.length && samples[end] === 0) end++;
  return end;
}

function halfOf(text: string): string {
  return text.slice(0, Math.max(1, Math.ceil(text.length / 2)));
}

/** Speech is any non-zero sample; it ends after `minSilenceMs` of zeros. */
export class ScriptedDetector implements EndpointDetector {
  private position = 0;
  private speaking = false;
  private silence = 0;
  private readonly minSilence: number;
  closed = false;

  constructor(minSilenceMs = 300) {
    this.minSilence = Math.round((minSilenceMs * RATE) / 1000);
  }

  async push(samples: Float32Array): Promise<EndpointEvent[]> {
    const events: EndpointEvent[] = [];
    for (let i = 0; i < samples.length; i++, this.position++) {
      if (samples[i] !== 0) {
        if (!this.speaking) events.push({ type: 'speech_start', sample: this.position });
        this.speaking = true;
        this.silence = 0;
      } else if (this.speaking && ++this.silence >= this.minSilence) {
        events.push({ type: 'speech_end', sample: this.position - this.silence + 1 });
        this.speaking = false;
      }
    }
    return events;
  }

  async flush(): Promise<EndpointEvent[]> {
    if (!this.speaking) return [];
    this.speaking = false;
    return [{ type: 'speech_end', sample: this.position - this.silence }];
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * A whole live session on `words` (a pause every five words) in virtual time: a draft engine
 * that writes what `sayDraft` says, a confirm engine that writes the words, scripted endpoints,
 * no hold-back. Returns every event and the script.
 */
export async function scriptedLiveSession(
  words: readonly string[],
  draft: { costMs: number; say: (index: number) => string },
  confirmCostMs: number,
): Promise<{ events: LiveEvent[]; script: SpeechScript }> {
  const time = new VirtualTime();
  const script = SpeechScript.build(words, { pauseEvery: 5, pauseMs: 800 });
  const draftEngine = new ScriptedEngine({
    modelId: 'draft',
    script,
    time,
    costMs: () => draft.costMs,
    say: draft.say,
  });
  const confirm = new ScriptedEngine({
    modelId: 'confirm',
    script,
    time,
    costMs: () => confirmCostMs,
  });
  const events = await time.run(
    lastValueFrom(
      liveTranscription(script.paced(time), {
        draft: { model: draftEngine },
        confirm: { model: confirm },
        detector: new ScriptedDetector(),
        scheduler: time.scheduler,
        holdBack: 0,
      }).pipe(toArray()),
    ),
  );
  return { events, script };
}
