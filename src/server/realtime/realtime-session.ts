/**
 * One realtime transcription session, independent of the socket that carries it: client events
 * in, server events out, as OpenAI's realtime transcription protocol defines them. Audio goes into
 * the input buffer; with server VAD, Silero finds turns (`speech_started`, `speech_stopped`) and
 * commits each one; without it the client commits. Committed turns are transcribed in order.
 * Every refusal (bad JSON, an unknown event, bad base64, an odd byte count, a full buffer, an
 * invalid setting) is an `error` event: the session stays usable.
 */
import { randomBytes } from 'node:crypto';
import { toLanguageCode } from '../../asr/languages.js';
import {
  AudioDecodeError,
  EarshotError,
  InvalidRequestError,
  toEarshotError,
} from '../../errors.js';
import { type VadOptions, vadOptionsFromConfig } from '../../vad/vad-options.js';
import { openAiErrorType, toHttpError } from '../http-errors.js';
import type { ServerContext } from '../types.js';
import { type ClientEvent, ClientEventError, parseClientEvent } from './client-events.js';
import { BUFFER_RATE, InputAudioBuffer, msOf } from './input-buffer.js';
import {
  applyUpdate,
  betaSessionView,
  defaultSettings,
  gaSessionView,
  type RealtimeSettings,
} from './session-settings.js';
import { type TurnBoundary, TurnDetector } from './turn-detector.js';
import { type OutgoingEvent, TurnTranscriber } from './turn-transcriber.js';

/** OpenAI refuses to commit less than 100 ms of audio. */
const MIN_COMMIT_SAMPLES = BUFFER_RATE / 10;
/**
 * Standard padded base64. A character class and a length check rather than one regular
 * expression with groups: a grouped pattern recurses per group and overflows the stack on the
 * megabytes of an append.
 */
function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

export interface RealtimeSessionOptions {
  context: ServerContext;
  /** Sends one server event (a JSON text message). */
  send: (event: Record<string, unknown>) => void;
  /** The model named in the URL (`?model=`), if any: the session's first transcription model. */
  model?: string | null;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export class RealtimeSession {
  readonly id = newId('sess');
  private settings: RealtimeSettings;
  private readonly buffer = new InputAudioBuffer();
  private detector: TurnDetector | null = null;
  /** The turn server VAD has announced and not yet ended. */
  private turn: { itemId: string; start: number } | null = null;
  private lastItemId: string | null = null;
  private readonly abort = new AbortController();
  private readonly transcriber: TurnTranscriber;
  private readonly maxSamples: number;
  private readonly rules: VadOptions;
  private draining = false;

  constructor(private readonly options: RealtimeSessionOptions) {
    const { context } = options;
    this.settings = defaultSettings(options.model ?? null);
    this.maxSamples = Math.round(context.config.server.realtimeMaxAudioS * BUFFER_RATE);
    // The server's VAD rules, with turns split before they could fill the session's audio limit.
    const rules = vadOptionsFromConfig(context.config);
    const limitS = context.config.server.realtimeMaxAudioS / 2;
    this.rules = {
      ...rules,
      maxSpeechDurationS: Math.min(rules.maxSpeechDurationS ?? limitS, limitS),
    };
    this.transcriber = new TurnTranscriber({
      context,
      signal: AbortSignal.any([this.abort.signal, context.shutdown]),
      send: (event) => this.emit(event),
    });
  }

  /** Opens the session: starts turn detection and announces the session in both shapes. */
  async start(): Promise<void> {
    const failure = await this.configureDetector();
    const defaultModel = this.options.context.models.defaultModel;
    this.emit({
      type: 'session.created',
      session: gaSessionView(this.id, this.settings, defaultModel),
    });
    this.emit({
      type: 'transcription_session.created',
      session: betaSessionView(this.id, this.settings, defaultModel),
    });
    if (failure) this.emitError(failure, null, 'turn_detection');
  }

  /** Handles one client message. */
  async receive(data: Buffer, binary: boolean): Promise<void> {
    let eventId: string | null = null;
    try {
      if (binary) {
        throw new InvalidRequestError(
          'invalid_json',
          'Binary messages are not accepted here: send JSON text events, with audio as base64 in input_audio_buffer.append.',
        );
      }
      const event = parseClientEvent(data.toString('utf8'));
      eventId = event.event_id ?? null;
      await this.handle(event);
    } catch (error) {
      if (error instanceof ClientEventError)
        this.emitError(error.error, error.eventId, error.param);
      else this.emitError(error, eventId, null);
    }
  }

  /** Stops taking audio at once; resolves once every committed turn is transcribed (or cancelled). */
  async drain(): Promise<void> {
    this.draining = true;
    await this.transcriber.idle();
  }

  /** The socket is gone: cancels transcriptions and gives the VAD back. */
  dispose(): void {
    this.abort.abort(new DOMException('The WebSocket closed.', 'AbortError'));
    this.detector?.close();
    this.detector = null;
  }

  private async handle(event: ClientEvent): Promise<void> {
    switch (event.type) {
      case 'transcription_session.update':
      case 'session.update':
        return this.update(event);
      case 'input_audio_buffer.append':
        return this.append(event.audio);
      case 'input_audio_buffer.commit':
        return this.commitByClient();
      case 'input_audio_buffer.clear':
        return this.clear();
    }
  }

  private async update(event: Extract<ClientEvent, { session: unknown }>): Promise<void> {
    const ga = 'type' in event.session;
    const prefix = ga ? 'session.audio.input.transcription' : 'session.input_audio_transcription';
    const next = applyUpdate(this.settings, event.session);
    try {
      this.options.context.models.resolve(next.model);
    } catch (error) {
      throw new ClientEventError(toEarshotError(error), event.event_id ?? null, `${prefix}.model`);
    }
    if (next.language !== null && toLanguageCode(next.language) === null) {
      throw new ClientEventError(
        new InvalidRequestError(
          'invalid_parameter',
          `Unknown language "${next.language.slice(0, 64)}": use an ISO-639-1 code such as "en" or a language name.`,
        ),
        event.event_id ?? null,
        `${prefix}.language`,
      );
    }
    const previous = this.settings.turnDetection;
    this.settings = next;
    const changed = JSON.stringify(previous) !== JSON.stringify(next.turnDetection);
    const failure = changed ? await this.configureDetector() : null;
    const defaultModel = this.options.context.models.defaultModel;
    if (event.type === 'transcription_session.update') {
      this.emit({
        type: 'transcription_session.updated',
        session: betaSessionView(this.id, this.settings, defaultModel),
      });
    } else {
      const view = ga ? gaSessionView : betaSessionView;
      this.emit({ type: 'session.updated', session: view(this.id, this.settings, defaultModel) });
    }
    if (failure) this.emitError(failure, event.event_id ?? null, 'turn_detection');
  }

  private async append(base64: string): Promise<void> {
    this.refuseWhileDraining();
    if (!isBase64(base64)) {
      throw new AudioDecodeError(
        'audio_invalid_base64',
        "'audio' is not valid base64 (standard alphabet, padded).",
        { details: { param: 'audio' } },
      );
    }
    const pcm = Buffer.from(base64, 'base64');
    if (pcm.length % 2 !== 0) {
      throw new AudioDecodeError(
        'audio_invalid_pcm',
        `'audio' must be 16-bit PCM: an even number of bytes, got ${pcm.length}.`,
        { details: { param: 'audio' } },
      );
    }
    if (pcm.length === 0) return;
    const held = this.buffer.length + this.transcriber.held;
    if (held + InputAudioBuffer.samplesFor(pcm.length) > this.maxSamples) {
      throw new InvalidRequestError(
        'input_audio_buffer_full',
        `The session already holds ${(held / BUFFER_RATE).toFixed(1)} s of audio not yet transcribed; at most ${this.maxSamples / BUFFER_RATE} s (server.realtimeMaxAudioS). Commit or clear the buffer, or wait for transcriptions to finish.`,
        { details: { param: 'audio' } },
      );
    }
    const samples = this.buffer.append(pcm);
    if (!this.detector) return;
    this.onBoundaries(await this.detector.push(samples));
    if (!this.turn) this.buffer.dropBefore(this.buffer.end - this.detector.lookBack(this.rules));
  }

  private onBoundaries(boundaries: readonly TurnBoundary[]): void {
    for (const boundary of boundaries) {
      if (boundary.type === 'speech_start') {
        const prefix = Math.round(
          ((this.settings.turnDetection?.prefixPaddingMs ?? 0) * BUFFER_RATE) / 1000,
        );
        this.turn = {
          itemId: newId('item'),
          start: Math.max(this.buffer.start, boundary.position - prefix),
        };
        this.emit({
          type: 'input_audio_buffer.speech_started',
          audio_start_ms: msOf(this.turn.start),
          item_id: this.turn.itemId,
        });
      } else if (this.turn) {
        const { itemId, start } = this.turn;
        this.turn = null;
        this.emit({
          type: 'input_audio_buffer.speech_stopped',
          audio_end_ms: msOf(boundary.position),
          item_id: itemId,
        });
        this.commit(itemId, start, boundary.position);
      }
    }
  }

  private commitByClient(): void {
    this.refuseWhileDraining();
    this.buffer.flush();
    const start = this.turn?.start ?? this.buffer.start;
    const length = this.buffer.end - start;
    if (length < MIN_COMMIT_SAMPLES) {
      throw new InvalidRequestError(
        'input_audio_buffer_commit_empty',
        `Buffer too small: expected at least 100 ms of audio, but the buffer holds ${msOf(length)} ms.`,
      );
    }
    const itemId = this.turn?.itemId ?? newId('item');
    this.turn = null;
    this.commit(itemId, start, this.buffer.end);
    this.detector?.restart(this.buffer.end);
  }

  private clear(): void {
    this.buffer.flush();
    this.buffer.dropBefore(this.buffer.end);
    this.turn = null;
    this.detector?.restart(this.buffer.end);
    this.emit({ type: 'input_audio_buffer.cleared' });
  }

  private commit(itemId: string, start: number, end: number): void {
    const samples = this.buffer.read(start, end);
    this.buffer.dropBefore(end);
    this.emit({
      type: 'input_audio_buffer.committed',
      item_id: itemId,
      previous_item_id: this.lastItemId,
    });
    this.lastItemId = itemId;
    this.transcriber.enqueue({ itemId, samples, settings: this.settings });
  }

  /** (Re)creates the detector for the current settings; returns why it could not be. */
  private async configureDetector(): Promise<EarshotError | null> {
    this.detector?.close();
    this.detector = null;
    this.turn = null;
    const turn = this.settings.turnDetection;
    if (!turn) return null;
    try {
      this.detector = await TurnDetector.create({
        vad: this.options.context.vad,
        turn,
        rules: this.rules,
      });
      this.detector.restart(this.buffer.end);
      return null;
    } catch (error) {
      // Without a VAD the session still works with manual commits, and says so.
      this.settings = { ...this.settings, turnDetection: null };
      return toEarshotError(error);
    }
  }

  private refuseWhileDraining(): void {
    if (this.draining) {
      throw new EarshotError(
        'server_shutting_down',
        'The server is shutting down: no more audio is taken; committed turns are being finished.',
      );
    }
  }

  private emit(event: OutgoingEvent): void {
    const { type, ...fields } = event;
    this.options.send({ type, event_id: newId('event'), ...fields });
  }

  private emitError(error: unknown, clientEventId: string | null, param: string | null): void {
    const http = toHttpError(error);
    if (http.error.status >= 500 && http.error.code !== 'server_shutting_down') {
      this.options.context.logger.error({ err: error }, 'realtime session error');
    }
    this.emit({
      type: 'error',
      error: {
        type: openAiErrorType(http.error.status),
        code: http.error.code,
        message: http.error.message,
        param: param ?? http.param,
        event_id: clientEventId,
      },
    });
  }
}
