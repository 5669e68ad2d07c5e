/**
 * The consumer side of the event protocol: a pure reducer that turns the event stream into the
 * transcript as it should look now: the final text, the confirmed words not yet final, and the
 * draft words after them. Every client (CLI, web UI, tests) renders from this one state.
 *
 * ```ts
 * let transcript = emptyTranscript;
 * for await (const event of events) transcript = reduceTranscript(transcript, event);
 * const { confirmed, draft } = transcriptText(transcript);
 * ```
 */
import type { ErrorEvent, LiveEvent, LiveToken } from './events.js';

export interface LiveTranscript {
  sessionId: string | null;
  /** Text of every final segment so far, in order. */
  finalText: string;
  /** Confirmed words that are not yet part of a final segment. */
  confirmed: readonly LiveToken[];
  /** Draft words, shown after the confirmed ones. */
  draft: readonly LiveToken[];
  /** Inside an utterance, as far as the endpoint detector says. */
  speaking: boolean;
  ended: boolean;
  /** The most recent errors (at most 20). */
  errors: readonly ErrorEvent['error'][];
}

export const emptyTranscript: LiveTranscript = Object.freeze({
  sessionId: null,
  finalText: '',
  confirmed: [],
  draft: [],
  speaking: false,
  ended: false,
  errors: [],
});

const MAX_ERRORS = 20;

export function reduceTranscript(state: LiveTranscript, event: LiveEvent): LiveTranscript {
  switch (event.type) {
    case 'session':
      return event.state === 'started'
        ? { ...emptyTranscript, sessionId: event.sessionId }
        : { ...state, ended: true, speaking: false };
    case 'speech_started':
      return { ...state, speaking: true };
    case 'speech_stopped':
      return { ...state, speaking: false };
    case 'token':
      return { ...state, draft: [...state.draft, tokenOf(event)] };
    case 'confirm':
      return {
        ...state,
        draft: state.draft.filter((token) => token.id !== event.id),
        confirmed: [...state.confirmed, tokenOf(event)],
      };
    case 'diff': {
      const replaced = new Set(event.replaced);
      return {
        ...state,
        draft: state.draft.filter((token) => !replaced.has(token.id)),
        confirmed: [...state.confirmed, ...event.tokens],
      };
    }
    case 'backtrack': {
      const withdrawn = new Set(event.ids);
      return { ...state, draft: state.draft.filter((token) => !withdrawn.has(token.id)) };
    }
    case 'final': {
      const finished = new Set(event.ids);
      return {
        ...state,
        finalText: state.finalText + event.text,
        confirmed: state.confirmed.filter((token) => !finished.has(token.id)),
      };
    }
    case 'error':
      return { ...state, errors: [...state.errors, event.error].slice(-MAX_ERRORS) };
    case 'window':
      return state;
  }
}

/** The transcript as text: confirmed (final + confirmed words) and the draft that follows it. */
export function transcriptText(state: LiveTranscript): { confirmed: string; draft: string } {
  const confirmed = (state.finalText + joined(state.confirmed)).trimStart();
  const draft = joined(state.draft);
  return { confirmed, draft: confirmed.length === 0 ? draft.trimStart() : draft };
}

function joined(tokens: readonly LiveToken[]): string {
  return tokens.map((token) => token.text).join('');
}

function tokenOf(event: LiveToken): LiveToken {
  return {
    id: event.id,
    text: event.text,
    start: event.start,
    end: event.end,
    confidence: event.confidence,
  };
}
