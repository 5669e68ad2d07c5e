/**
 * What identifies a session in its stream: the `session` payloads that open and close it, and the
 * stamp (`v`, `seq`, `wallMs`) every event gets when it is emitted.
 */
import { randomUUID } from 'node:crypto';
import type { SchedulerLike } from 'rxjs';
import {
  LIVE_EVENT_VERSION,
  type LiveEvent,
  type LiveEventPayload,
  type SessionEvent,
} from './events.js';
import type { LiveOptions, LiveTiming } from './live-options.js';
import { round } from './pass-ledger.js';

type SessionPayload = Omit<SessionEvent, 'v' | 'seq' | 'wallMs'>;

export class SessionHeader {
  private readonly startedAt: number;
  private readonly startedIso = new Date().toISOString();
  private readonly sessionId: string;
  private sequence = 0;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly options: LiveOptions,
    private readonly timing: LiveTiming,
  ) {
    this.startedAt = scheduler.now();
    this.sessionId = options.sessionId ?? randomUUID();
  }

  /** Milliseconds since the session started, on its clock. */
  elapsedMs(): number {
    return round(Math.max(0, this.scheduler.now() - this.startedAt), 1);
  }

  /** Stamps a payload as the next event of the session. */
  stamp(payload: LiveEventPayload): LiveEvent {
    // `type` first, so that JSON lines are easy to read.
    const header = { type: payload.type, v: LIVE_EVENT_VERSION, seq: this.sequence++ };
    return Object.assign(header, { wallMs: this.elapsedMs() }, payload) as LiveEvent;
  }

  payload(state: 'started' | 'ended'): SessionPayload {
    const { draft, confirm } = this.options;
    return {
      type: 'session',
      state,
      sessionId: this.sessionId,
      startedAt: this.startedIso,
      mode: !draft ? 'confirm-only' : draft.model === confirm.model ? 'single' : 'dual',
      models: { draft: draft?.model.modelId ?? null, confirm: confirm.model.modelId },
      speed: this.options.speed ?? 1,
      settings: {
        draftStepMs: this.timing.draftStepMs,
        confirmStepMs: this.timing.confirmStepMs,
        agreement: this.timing.agreement,
        holdBack: this.timing.holdBack,
      },
    };
  }
}
