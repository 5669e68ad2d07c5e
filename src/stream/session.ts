/**
 * The state of one live session and the steps the pipeline (`pipeline.ts`) drives: audio comes
 * in (`ingest`), becomes draft and confirm requests, and passes turn requests into event
 * payloads through fusion. Utterances open and close at the detector's boundaries; the buffer is
 * trimmed at confirmed boundaries, so what the session holds stays bounded however long it runs.
 */
import { randomUUID } from 'node:crypto';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { WHISPER_SAMPLE_RATE } from '../dsp/whisper-mel.js';
import { toEarshotError } from '../errors.js';
import { LiveAudioBuffer } from './audio-buffer.js';
import type { EndpointDetector, EndpointEvent } from './endpoints.js';
import {
  LIVE_EVENT_VERSION,
  type LiveEvent,
  type LiveEventPayload,
  type SessionEvent,
} from './events.js';
import { Fusion } from './fusion.js';
import {
  type LiveOptions,
  type LiveStats,
  type LiveTiming,
  resolveTiming,
} from './live-options.js';
import { runPass } from './pass-runner.js';
import type { HypothesisWord } from './words.js';

const RATE = WHISPER_SAMPLE_RATE;
/** When the buffer is full, the last second stays uncommitted: its last word may be cut. */
const FORCE_HOLD_S = 1;

export interface DraftRequest {
  id: number;
  utterance: number;
  /** Sample the window ends at. */
  end: number;
}

export interface ConfirmRequest {
  utterance: number;
  end: number;
  /** The utterance is over: commit everything and close it. */
  final: boolean;
  reason: 'endpoint' | 'end';
  /** For final requests, the audio copied when the utterance closed, and where it starts. */
  audio?: Float32Array;
  start?: number;
}

export type SessionNote =
  | { kind: 'events'; payloads: LiveEventPayload[] }
  | { kind: 'draft'; request: DraftRequest }
  | { kind: 'confirm'; request: ConfirmRequest };

type PassName = 'draft' | 'confirm';
type Counts = { run: number; dropped: number; stale: number; failed: number };

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
  private readonly startedAt: number;
  private readonly startedIso = new Date().toISOString();
  private readonly sessionId: string;
  private sequence = 0;
  private open: { id: number; start: number } | null = null;
  private nextUtterance = 0;
  private segmentStart = 0;
  private lastDraftEnd = 0;
  private lastConfirmEnd = 0;
  private pendingFinals = 0;
  private queuedConfirms = 0;
  /** The utterance fusion is working on. */
  private fusionUtterance: number | null = null;
  private nextDraftWindow = 0;
  private nextConfirmWindow = 0;
  private readonly counts: Record<PassName, Counts> = {
    draft: { run: 0, dropped: 0, stale: 0, failed: 0 },
    confirm: { run: 0, dropped: 0, stale: 0, failed: 0 },
  };
  private waiters: Array<() => void> = [];

  constructor(private readonly options: LiveOptions) {
    this.timing = resolveTiming(options);
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.detector = options.detector ?? null;
    this.fusion = new Fusion({
      speaker: options.speaker ?? 0,
      agreement: this.timing.agreement,
      holdBack: this.timing.holdBack,
    });
    this.startedAt = this.scheduler.now();
    this.sessionId = options.sessionId ?? randomUUID();
  }

  /** Stamps a payload as the next event of the session. */
  stamp(payload: LiveEventPayload): LiveEvent {
    // `type` first, so that JSON lines are easy to read.
    const header = { type: payload.type, v: LIVE_EVENT_VERSION, seq: this.sequence++ };
    return Object.assign(header, { wallMs: this.elapsedMs() }, payload) as LiveEvent;
  }

  started(): LiveEventPayload {
    return this.sessionPayload('started');
  }

  ended(): LiveEventPayload {
    return {
      ...this.sessionPayload('ended'),
      audioS: round(this.buffer.end / RATE),
      windows: { draft: { ...this.counts.draft }, confirm: { ...this.counts.confirm } },
    };
  }

  /** Stops passes in flight and releases the detector. */
  close(): void {
    this.abort.abort();
    this.notify();
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
    if (this.open) this.requestPasses(notes);
    else this.buffer.trimTo(this.buffer.end - (this.timing.preRollMs * RATE) / 1000);
    this.options.onStats?.(this.stats());
    return notes;
  }

  /** The input ended (or failed with `error`): closes what is open. */
  async finishInput(error?: unknown): Promise<SessionNote[]> {
    const notes: SessionNote[] = [];
    if (error !== undefined) {
      const detectorFailed = error instanceof DetectorFailure;
      notes.push(
        this.errorNote(
          detectorFailed ? error.error : error,
          detectorFailed ? 'detector' : 'source',
          true,
        ),
      );
    }
    if (this.detector && !(error instanceof DetectorFailure)) {
      try {
        this.applyBoundaries(await this.detector.flush(), notes);
      } catch (flushError) {
        notes.push(this.errorNote(flushError, 'detector', true));
      }
    }
    if (this.open) this.closeUtterance(this.buffer.end, 'end', notes);
    return notes;
  }

  /** A draft request replaced while it waited. */
  dropDraft(request: DraftRequest): LiveEventPayload[] {
    return [
      this.windowPayload(
        'draft',
        request.id,
        request.utterance,
        'dropped',
        request.end,
        request.end,
        0,
      ),
    ];
  }

  async runDraft(request: DraftRequest): Promise<LiveEventPayload[]> {
    const current = () =>
      this.open?.id === request.utterance && this.fusionUtterance === request.utterance;
    // A new utterance's drafts wait until the previous utterance's final is out.
    if (!current()) {
      await this.until(() => current() || this.open?.id !== request.utterance);
    }
    const start = Math.max(
      Math.round(this.fusion.commitCursor * RATE),
      this.segmentStart,
      this.buffer.start,
    );
    const stale = () => [
      this.windowPayload('draft', request.id, request.utterance, 'stale', start, request.end, 0),
    ];
    if (!current() || request.end - start < (this.timing.minDraftMs * RATE) / 1000) return stale();
    const pass = this.options.draft;
    if (!pass) return stale();
    const began = this.scheduler.now();
    let words: HypothesisWord[];
    try {
      words = await runPass(
        pass,
        this.buffer.slice(start, request.end),
        start / RATE,
        this.fusion.promptContext,
        this.abort.signal,
      );
    } catch (error) {
      if (this.abort.signal.aborted) return [];
      return this.failedPass(
        'draft',
        request.id,
        request.utterance,
        start,
        request.end,
        began,
        error,
      );
    }
    if (!current()) return stale();
    return [
      this.windowPayload(
        'draft',
        request.id,
        request.utterance,
        'done',
        start,
        request.end,
        this.scheduler.now() - began,
      ),
      ...this.fusion.onDraft(request.id, words),
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
    const id = this.nextConfirmWindow++;
    const start = request.final ? (request.start ?? 0) : this.segmentStart;
    if (!request.final && this.open?.id !== request.utterance) {
      return [this.windowPayload('confirm', id, request.utterance, 'stale', start, request.end, 0)];
    }
    if (this.fusionUtterance !== request.utterance) {
      this.fusion.beginUtterance(request.utterance, start / RATE);
      this.fusionUtterance = request.utterance;
      this.notify();
    }
    const samples = request.audio ?? this.buffer.slice(start, request.end);
    const began = this.scheduler.now();
    let words: HypothesisWord[];
    const payloads: LiveEventPayload[] = [];
    try {
      words = await runPass(
        this.options.confirm,
        samples,
        start / RATE,
        this.fusion.promptContext,
        this.abort.signal,
      );
      payloads.push(
        this.windowPayload(
          'confirm',
          id,
          request.utterance,
          'done',
          start,
          request.end,
          this.scheduler.now() - began,
        ),
      );
    } catch (error) {
      if (this.abort.signal.aborted) return [];
      payloads.push(
        ...this.failedPass('confirm', id, request.utterance, start, request.end, began, error),
      );
      // A final still closes the utterance, with what was committed before.
      if (!request.final) return payloads;
      words = [];
    }
    const bufferS = (request.end - start) / RATE;
    const full = !request.final && bufferS >= this.timing.maxBufferS;
    payloads.push(
      ...this.fusion.onConfirm(id, words, {
        final: request.final,
        forceBefore: full ? request.end / RATE - FORCE_HOLD_S : null,
      }),
    );
    if (request.final) {
      payloads.push(...this.fusion.finishSegment(id, request.reason));
      this.pendingFinals--;
      this.syncFusion();
    } else if (this.open?.id === request.utterance && this.segmentStart === start) {
      payloads.push(...this.trimSegment(id, request.end, full));
    }
    return payloads;
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
            start: round(start / RATE),
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
            end: round(end / RATE),
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
    this.notify();
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
        request: { id: this.nextDraftWindow++, utterance: open.id, end: head },
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
    this.notify();
  }

  private until(condition: () => boolean): Promise<void> {
    if (condition() || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (condition() || this.abort.signal.aborted) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private failedPass(
    pass: PassName,
    id: number,
    utterance: number,
    start: number,
    end: number,
    began: number,
    error: unknown,
  ): LiveEventPayload[] {
    const note = this.errorNote(error, pass, false);
    return [
      this.windowPayload(pass, id, utterance, 'failed', start, end, this.scheduler.now() - began),
      ...(note.kind === 'events' ? note.payloads : []),
    ];
  }

  private errorNote(
    error: unknown,
    source: 'source' | 'detector' | PassName,
    fatal: boolean,
  ): SessionNote {
    return {
      kind: 'events',
      payloads: [{ type: 'error', error: toEarshotError(error).toJSON(), source, fatal }],
    };
  }

  private windowPayload(
    pass: PassName,
    id: number,
    utterance: number,
    status: 'done' | 'dropped' | 'stale' | 'failed',
    start: number,
    end: number,
    computeMs: number,
  ): LiveEventPayload {
    this.counts[pass][status === 'done' ? 'run' : status]++;
    return {
      type: 'window',
      pass,
      id,
      utterance,
      status,
      start: round(start / RATE),
      end: round(Math.max(start, end) / RATE),
      computeMs: round(Math.max(0, computeMs), 1),
    };
  }

  private sessionPayload(state: 'started' | 'ended'): Omit<SessionEvent, 'v' | 'seq' | 'wallMs'> {
    const draft = this.options.draft;
    return {
      type: 'session',
      state,
      sessionId: this.sessionId,
      startedAt: this.startedIso,
      mode: !draft
        ? 'confirm-only'
        : draft.model === this.options.confirm.model
          ? 'single'
          : 'dual',
      models: {
        draft: draft?.model.modelId ?? null,
        confirm: this.options.confirm.model.modelId,
      },
      speed: this.options.speed ?? 1,
      settings: {
        draftStepMs: this.timing.draftStepMs,
        confirmStepMs: this.timing.confirmStepMs,
        agreement: this.timing.agreement,
        holdBack: this.timing.holdBack,
      },
    };
  }

  private elapsedMs(): number {
    return round(Math.max(0, this.scheduler.now() - this.startedAt), 1);
  }
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
