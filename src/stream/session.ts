/**
 * The state of one live session and the steps the pipeline (`pipeline.ts`) drives: audio comes
 * in (`ingest`), becomes draft and confirm requests, and passes turn requests into event
 * payloads through fusion. Utterances open and close at the detector's boundaries; the buffer is
 * trimmed at confirmed boundaries, so what the session holds stays bounded however long it runs.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { WHISPER_SAMPLE_RATE } from '../dsp/whisper-mel.js';
import { InvalidRequestError } from '../errors.js';
import { LiveAudioBuffer } from './audio-buffer.js';
import type { EndpointDetector, EndpointEvent } from './endpoints.js';
import type { LiveEvent, LiveEventPayload } from './events.js';
import { Fusion } from './fusion.js';
import {
  type LiveOptions,
  type LiveStats,
  type LiveTiming,
  resolveTiming,
} from './live-options.js';
import { errorPayload, PassLedger, round } from './pass-ledger.js';
import { runPass } from './pass-runner.js';
import { SessionHeader } from './session-header.js';
import type { ConfirmRequest, DraftRequest, SessionNote } from './session-notes.js';
import { StateWaiters } from './state-waiters.js';
import type { HypothesisWord } from './words.js';

const RATE = WHISPER_SAMPLE_RATE;
/** When the buffer is full, the last second stays uncommitted: its last word may be cut. */
const FORCE_HOLD_S = 1;
/** Less audio than this (0.1 s) is not worth a pass. */
const MIN_PASS_SAMPLES = RATE / 10;
/** How far past `maxBufferS` the buffer may grow while a pass catches up before audio is shed. */
const OVERLOAD_MARGIN_S = 5;

/** A failure of the endpoint detector, told apart from a failure of the audio source. */
class DetectorFailure {
  constructor(readonly error: unknown) {}
}

export class LiveSession {
  private readonly timing: LiveTiming;
  private readonly scheduler: SchedulerLike;
  private readonly detector: EndpointDetector | null;
  private readonly fusion: Fusion;
  private readonly buffer = new LiveAudioBuffer();
  private readonly abort = new AbortController();
  private readonly header: SessionHeader;
  private readonly ledger: PassLedger;
  private open: { id: number; start: number } | null = null;
  private nextUtterance = 0;
  private segmentStart = 0;
  private lastDraftEnd = 0;
  private lastConfirmEnd = 0;
  private pendingFinals = 0;
  private queuedConfirms = 0;
  /** The utterance fusion is working on. */
  private fusionUtterance: number | null = null;
  private readonly waiters = new StateWaiters();

  constructor(private readonly options: LiveOptions) {
    this.timing = resolveTiming(options);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.detector = options.detector ?? null;
    this.fusion = new Fusion({
      speaker: options.speaker ?? 0,
      agreement: this.timing.agreement,
      holdBack: this.timing.holdBack,
    });
    this.header = new SessionHeader(this.scheduler, options, this.timing);
    this.ledger = new PassLedger(() => this.scheduler.now());
  }

  /** Stamps a payload as the next event of the session. */
  stamp(payload: LiveEventPayload): LiveEvent {
    return this.header.stamp(payload);
  }

  started(): LiveEventPayload {
    return this.header.payload('started');
  }

  ended(): LiveEventPayload {
    return {
      ...this.header.payload('ended'),
      audioS: round(this.buffer.end / RATE, 3),
      windows: this.ledger.snapshot(),
    };
  }

  /** Stops passes in flight and releases the detector. */
  close(): void {
    this.abort.abort();
    this.waiters.cancel();
    this.detector?.close?.();
  }

  stats(): LiveStats {
    const sizes = this.fusion.sizes;
    return {
      audioS: this.buffer.end / RATE,
      bufferS: (this.buffer.end - this.buffer.start) / RATE,
      bufferCapacityS: this.buffer.capacity / RATE,
      openWords: sizes.confirmed + sizes.draft,
      agreementWords: sizes.history,
      queuedConfirms: this.queuedConfirms,
    };
  }

  /** Takes the next chunk of audio; returns what it started. */
  async ingest(chunk: Float32Array): Promise<SessionNote[]> {
    this.buffer.append(chunk);
    const notes: SessionNote[] = [];
    if (this.detector) {
      let boundaries: readonly EndpointEvent[];
      try {
        boundaries = await this.detector.push(chunk);
      } catch (error) {
        throw new DetectorFailure(error);
      }
      this.applyBoundaries(boundaries, notes);
    } else if (!this.open && this.nextUtterance === 0) {
      this.openUtterance(this.buffer.start, notes);
    }
    if (this.open) {
      this.shedOverload(notes);
      this.requestPasses(notes);
    } else {
      this.buffer.trimTo(this.buffer.end - (this.timing.preRollMs * RATE) / 1000);
    }
    this.options.onStats?.(this.stats());
    return notes;
  }

  /** The input ended (or failed with `error`): closes what is open. */
  async finishInput(error?: unknown): Promise<SessionNote[]> {
    const notes: SessionNote[] = [];
    const detectorFailed = error instanceof DetectorFailure;
    if (error !== undefined) {
      const payload = detectorFailed
        ? errorPayload(error.error, 'detector', true)
        : errorPayload(error, 'source', true);
      notes.push({ kind: 'events', payloads: [payload] });
    }
    if (this.detector && !detectorFailed) {
      try {
        this.applyBoundaries(await this.detector.flush(), notes);
      } catch (flushError) {
        notes.push({ kind: 'events', payloads: [errorPayload(flushError, 'detector', true)] });
      }
    }
    if (this.open) this.closeUtterance(this.buffer.end, 'end', notes);
    return notes;
  }

  /** A draft request replaced while it waited. */
  dropDraft(request: DraftRequest): LiveEventPayload[] {
    const { id, utterance, end } = request;
    return [this.ledger.window('draft', id, utterance, 'dropped', end, end)];
  }

  async runDraft(request: DraftRequest): Promise<LiveEventPayload[]> {
    const { id, utterance, end } = request;
    const current = () => this.open?.id === utterance && this.fusionUtterance === utterance;
    // A new utterance's drafts wait until the previous utterance's final is out.
    if (!current()) await this.waiters.until(() => current() || this.open?.id !== utterance);
    const start = Math.max(
      Math.round(this.fusion.commitCursor * RATE),
      this.segmentStart,
      this.buffer.start,
    );
    const stale = (began?: number) => [
      this.ledger.window('draft', id, utterance, 'stale', start, end, began),
    ];
    const pass = this.options.draft;
    if (!pass || !current() || end - start < (this.timing.minDraftMs * RATE) / 1000) {
      return stale();
    }
    const began = this.scheduler.now();
    let words: HypothesisWord[];
    try {
      const prompt = this.fusion.promptBefore(start / RATE);
      const audio = this.buffer.slice(start, end);
      words = await runPass(pass, 'draft', audio, start / RATE, prompt, this.abort.signal);
    } catch (error) {
      if (this.abort.signal.aborted) return [];
      return this.ledger.failed('draft', id, utterance, start, end, began, error);
    }
    // The utterance closed while the pass ran: its compute counts, its words do not.
    if (!current()) return stale(began);
    return [
      this.ledger.window('draft', id, utterance, 'done', start, end, began),
      ...this.fusion.onDraft(id, words),
    ];
  }

  /** Merges a confirm request into one waiting for the same utterance. */
  mergeConfirm(waiting: ConfirmRequest, arrival: ConfirmRequest): ConfirmRequest | null {
    if (waiting.utterance !== arrival.utterance || waiting.final) return null;
    this.queuedConfirms--;
    return arrival.final ? arrival : { ...waiting, end: Math.max(waiting.end, arrival.end) };
  }

  async runConfirm(request: ConfirmRequest): Promise<LiveEventPayload[]> {
    this.queuedConfirms--;
    const { utterance, end, final } = request;
    const id = this.ledger.nextId('confirm');
    const start = final ? (request.start ?? 0) : this.segmentStart;
    if (!final && this.open?.id !== utterance) {
      return [this.ledger.window('confirm', id, utterance, 'stale', start, end)];
    }
    if (this.fusionUtterance !== utterance) {
      this.fusion.beginUtterance(utterance, start / RATE);
      this.fusionUtterance = utterance;
      this.waiters.changed();
    }
    const payloads: LiveEventPayload[] = [];
    const words = await this.confirmWords(request, id, start, payloads);
    // Without words a non-final pass changes nothing; a final still closes the utterance.
    if (words === null && !final) return payloads;
    if (this.abort.signal.aborted) return [];
    const full = !final && (end - start) / RATE >= this.timing.maxBufferS;
    payloads.push(
      ...this.fusion.onConfirm(id, words ?? [], {
        final,
        forceBefore: full ? end / RATE - FORCE_HOLD_S : null,
      }),
    );
    if (final) {
      payloads.push(...this.fusion.finishSegment(id, request.reason));
      this.pendingFinals--;
      this.syncFusion();
    } else if (this.open?.id === utterance && this.segmentStart === start) {
      payloads.push(...this.trimSegment(id, end, full));
    }
    return payloads;
  }

  /** Runs the confirm pass; null (with the window reported) when it could not give words. */
  private async confirmWords(
    request: ConfirmRequest,
    id: number,
    start: number,
    payloads: LiveEventPayload[],
  ): Promise<HypothesisWord[] | null> {
    const { utterance, end } = request;
    const audio = request.audio ?? this.buffer.slice(start, end);
    if (audio.length < MIN_PASS_SAMPLES) {
      // Too little audio to transcribe (a segment cut just before an endpoint): nothing to run.
      payloads.push(this.ledger.window('confirm', id, utterance, 'stale', start, end));
      return null;
    }
    const began = this.scheduler.now();
    try {
      const prompt = this.fusion.promptBefore(start / RATE);
      const words = await runPass(
        this.options.confirm,
        'confirm',
        audio,
        start / RATE,
        prompt,
        this.abort.signal,
      );
      payloads.push(this.ledger.window('confirm', id, utterance, 'done', start, end, began));
      return words;
    } catch (error) {
      if (!this.abort.signal.aborted) {
        payloads.push(...this.ledger.failed('confirm', id, utterance, start, end, began, error));
      }
      return null;
    }
  }

  /**
   * When passes cannot keep up (the buffer has outgrown `maxBufferS` by the margin while the
   * confirm pass still works on older audio), the oldest unconfirmed audio is skipped, and said
   * so with an `overloaded` error, rather than letting memory and pass cost grow without bound.
   */
  private shedOverload(notes: SessionNote[]): void {
    const open = this.open;
    const head = this.buffer.end;
    if (!open || head - this.segmentStart <= (this.timing.maxBufferS + OVERLOAD_MARGIN_S) * RATE) {
      return;
    }
    const resume = head - this.timing.maxBufferS * RATE;
    const skippedS = (resume - Math.max(this.segmentStart, this.fusion.commitCursor * RATE)) / RATE;
    const payloads: LiveEventPayload[] = [
      errorPayload(
        new InvalidRequestError(
          'overloaded',
          `Transcription is falling behind the audio: ${skippedS.toFixed(1)} s were skipped without a transcript.`,
        ),
        'confirm',
        false,
      ),
    ];
    if (this.fusionUtterance === open.id) {
      const window = this.ledger.latestId('confirm');
      payloads.push(...this.fusion.finishSegment(window, 'segment'));
      payloads.push(...this.fusion.advanceTo(window, resume / RATE));
    }
    this.segmentStart = resume;
    this.buffer.trimTo(resume);
    notes.push({ kind: 'events', payloads });
  }

  /** Closes the segment at the commit cursor once the buffer is long (or, if full, further). */
  private trimSegment(window: number, end: number, full: boolean): LiveEventPayload[] {
    let at = Math.round(this.fusion.commitCursor * RATE);
    const payloads: LiveEventPayload[] = [];
    if (full) {
      const forced = Math.round(end - FORCE_HOLD_S * RATE);
      if (forced > at) {
        payloads.push(...this.fusion.advanceTo(window, forced / RATE));
        at = forced;
      }
    } else if ((end - this.segmentStart) / RATE < this.timing.trimAfterS) {
      return payloads;
    }
    if (at <= this.segmentStart) return payloads;
    payloads.push(...this.fusion.finishSegment(window, 'segment'));
    this.segmentStart = at;
    this.buffer.trimTo(at);
    return payloads;
  }

  private applyBoundaries(boundaries: readonly EndpointEvent[], notes: SessionNote[]): void {
    for (const boundary of boundaries) {
      if (boundary.type === 'speech_start' && !this.open)
        this.openUtterance(boundary.sample, notes);
      else if (boundary.type === 'speech_end' && this.open) {
        this.closeUtterance(boundary.sample, 'endpoint', notes);
      }
    }
  }

  private openUtterance(sample: number, notes: SessionNote[]): void {
    const start = Math.min(this.buffer.end, Math.max(this.buffer.start, Math.round(sample)));
    const id = this.nextUtterance++;
    this.open = { id, start };
    this.segmentStart = start;
    this.lastDraftEnd = start;
    this.lastConfirmEnd = start;
    this.buffer.trimTo(start);
    if (this.detector) {
      notes.push({
        kind: 'events',
        payloads: [
          {
            type: 'speech_started',
            utterance: id,
            speaker: this.fusion.speaker,
            start: round(start / RATE, 3),
          },
        ],
      });
    }
    this.syncFusion();
  }

  private closeUtterance(sample: number, reason: 'endpoint' | 'end', notes: SessionNote[]): void {
    const open = this.open;
    if (!open) return;
    const end = Math.min(this.buffer.end, Math.max(this.segmentStart, Math.round(sample)));
    this.open = null;
    this.pendingFinals++;
    if (this.detector && reason === 'endpoint') {
      notes.push({
        kind: 'events',
        payloads: [
          {
            type: 'speech_stopped',
            utterance: open.id,
            speaker: this.fusion.speaker,
            end: round(end / RATE, 3),
          },
        ],
      });
    }
    this.queuedConfirms++;
    notes.push({
      kind: 'confirm',
      request: {
        utterance: open.id,
        end,
        final: true,
        reason,
        start: this.segmentStart,
        audio: this.buffer.slice(this.segmentStart, end),
      },
    });
    this.waiters.changed();
  }

  private requestPasses(notes: SessionNote[]): void {
    const open = this.open;
    if (!open) return;
    const head = this.buffer.end;
    const unconfirmedFrom = Math.max(
      this.segmentStart,
      Math.round(this.fusion.commitCursor * RATE),
    );
    if (
      this.options.draft &&
      head - this.lastDraftEnd >= (this.timing.draftStepMs * RATE) / 1000 &&
      head - unconfirmedFrom >= (this.timing.minDraftMs * RATE) / 1000
    ) {
      this.lastDraftEnd = head;
      notes.push({
        kind: 'draft',
        request: { id: this.ledger.nextId('draft'), utterance: open.id, end: head },
      });
    }
    if (head - this.lastConfirmEnd >= (this.timing.confirmStepMs * RATE) / 1000) {
      this.lastConfirmEnd = head;
      this.queuedConfirms++;
      notes.push({
        kind: 'confirm',
        request: { utterance: open.id, end: head, final: false, reason: 'endpoint' },
      });
    }
  }

  /** Moves fusion to the open utterance once no earlier utterance awaits its final. */
  private syncFusion(): void {
    const open = this.open;
    if (this.pendingFinals > 0 || !open || this.fusionUtterance === open.id) return;
    this.fusion.beginUtterance(open.id, this.segmentStart / RATE);
    this.fusionUtterance = open.id;
    this.waiters.changed();
  }
}
