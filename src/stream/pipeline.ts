/**
 * The live transcription pipeline in RxJS. The audio feeds the session, which turns it into
 * notes (speech boundaries, draft requests, confirm requests); the notes are shared by three
 * branches merged into one event stream: speech events as they happen, the draft pass
 * (latest-wins: waiting windows may be dropped, each drop reported) and the confirm pass (never
 * dropped: requests that pile up are merged). Subscribing starts a session; unsubscribing stops
 * its passes.
 *
 * Every failure comes out as an `error` event: a failed pass is reported and the session goes on;
 * a failed source or detector ends the input, and what was heard is still finalised.
 */
import {
  concat,
  concatMap,
  connect,
  defer,
  EMPTY,
  filter,
  finalize,
  from,
  map,
  materialize,
  merge,
  mergeMap,
  type Observable,
  of,
  Subject,
  takeUntil,
  tap,
} from 'rxjs';
import type { LiveEvent, LiveEventPayload } from './events.js';
import type { LiveOptions } from './live-options.js';
import { coalesceWhileBusy, latestWins } from './operators.js';
import { LiveSession } from './session.js';
import type { ConfirmRequest, DraftRequest, SessionNote } from './session-notes.js';

/** Transcribes 16 kHz mono audio live; see the module comment. */
export function liveTranscription(
  audio$: Observable<Float32Array>,
  options: LiveOptions,
): Observable<LiveEvent> {
  return defer(() => {
    const session = new LiveSession(options);
    const notes$: Observable<SessionNote> = audio$.pipe(
      concatMap((chunk) => session.ingest(chunk)),
      materialize(),
      concatMap((notification) =>
        notification.kind === 'N'
          ? of(notification.value)
          : from(session.finishInput(notification.kind === 'E' ? notification.error : undefined)),
      ),
      mergeMap((notes) => notes),
    );
    const work$ = notes$.pipe(
      connect((shared) =>
        merge(
          shared.pipe(
            filter((note) => note.kind === 'events'),
            map((note) => note.payloads),
          ),
          shared.pipe(
            filter((note) => note.kind === 'draft'),
            map((note) => note.request as DraftRequest),
            latestWins(
              (request) => session.runDraft(request),
              (request) => session.dropDraft(request),
            ),
          ),
          shared.pipe(
            filter((note) => note.kind === 'confirm'),
            map((note) => note.request as ConfirmRequest),
            coalesceWhileBusy(
              (request) => session.runConfirm(request),
              (waiting, arrival) => session.mergeConfirm(waiting, arrival),
            ),
          ),
        ),
      ),
    );
    // Outside notices run until the work is done (subscribed first, so that work finishing at
    // once still ends them).
    const workDone$ = new Subject<void>();
    const notices$ = (options.notices ?? EMPTY).pipe(
      takeUntil(workDone$),
      map((payload) => [payload]),
    );
    const finish = () => workDone$.next();
    return concat(
      defer(() => of<LiveEventPayload[]>([session.started()])),
      merge(notices$, work$.pipe(tap({ complete: finish, error: finish }))),
      defer(() => of<LiveEventPayload[]>([session.ended()])),
    ).pipe(
      concatMap((payloads) => payloads.map((payload) => session.stamp(payload))),
      finalize(() => session.close()),
    );
  });
}
