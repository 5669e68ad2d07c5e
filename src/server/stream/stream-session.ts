/**
 * One `/v1/stream` session, independent of the socket that carries it: binary pcm16 audio and
 * JSON control messages in, the live pipeline's events out, unchanged. The session starts with the
 * first audio (or a valid `stream.configure`, or `stream.end`): its models are leased from the
 * server's registry (shared with every other request, never opened per socket) and every pass
 * waits for its slot on the model like an HTTP request. A refused message is an `error` event in
 * the live protocol's shape and the session goes on. `stream.end` (or the server shutting down)
 * ends the input: the last utterance gets its final, the session ends, and the socket closes
 * (1000 after `stream.end`). A client that goes away stops the passes and frees the models.
 */
import { Subject, type Subscription, tap } from 'rxjs';
import { AudioDecodeError, EarshotError, InvalidRequestError } from '../../errors.js';
import type { EndpointDetector } from '../../stream/endpoints.js';
import { LIVE_EVENT_VERSION, type LiveEvent, type LiveEventPayload } from '../../stream/events.js';
import type { LivePassConfig } from '../../stream/live-options.js';
import { errorPayload, round } from '../../stream/pass-ledger.js';
import { liveTranscription } from '../../stream/pipeline.js';
import { AudioPush } from '../../stream/sources.js';
import { vadEndpoints } from '../../stream/vad-endpoints.js';
import { vadOptionsFromConfig } from '../../vad/vad-options.js';
import type { ModelLease } from '../model-registry.js';
import { CLOSE_CODES, type SocketProtocol } from '../socket-channel.js';
import type { ServerContext } from '../types.js';
import { AdmittedModel } from './admitted-model.js';
import {
  parseStreamControl,
  resolveStreamSettings,
  type StreamConfigure,
  type StreamOptions,
  type StreamSettings,
} from './stream-options.js';

export interface StreamSessionOptions {
  context: ServerContext;
  /** The options of the query string (checked before the upgrade). */
  query: StreamOptions;
  /** Sends one event (a JSON text message). */
  send: (event: LiveEvent) => void;
  /** Closes the socket. */
  close: (code: number, reason: string) => void;
}

type State = 'waiting' | 'running' | 'finished';

export class StreamSession implements SocketProtocol {
  private state: State = 'waiting';
  private readonly openedAt: number;
  /** Sequence numbers of events sent before a session started (refusals, a model failure). */
  private outsideSeq = 0;
  private readonly notices = new Subject<LiveEventPayload>();
  private push: AudioPush | null = null;
  private subscription: Subscription | null = null;
  private leases: ModelLease[] = [];
  private settings: StreamSettings | null = null;
  private inputEnded = false;
  private draining = false;
  private disposed = false;
  private fatal = false;
  /** Samples received, at the client's rate. */
  private received = 0;
  private audioS = 0;
  /** Chunks handed to the pipeline, and chunks it has taken in: the difference is backlog. */
  private pushed = 0;
  private ingested = 0;
  private waiters: Array<() => void> = [];
  private finish: () => void = () => {};
  private readonly finished = new Promise<void>((resolve) => {
    this.finish = resolve;
  });

  constructor(private readonly options: StreamSessionOptions) {
    this.openedAt = options.context.clock.now();
  }

  /** Nothing to do yet: a `stream.configure` may come first. */
  async start(): Promise<void> {}

  async receive(data: Buffer, binary: boolean): Promise<void> {
    if (this.state === 'finished' || this.disposed) return;
    try {
      if (binary) {
        await this.audio(data);
        return;
      }
      const control = parseStreamControl(data.toString('utf8'));
      if (control.type === 'stream.configure') await this.configure(control);
      else await this.end();
    } catch (error) {
      this.refuse(error);
    }
  }

  /** Ends the input at once; resolves when the session has sent its last events. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.state !== 'running') return;
    this.endInput();
    await this.finished;
  }

  /** The socket is gone: stops the passes and the detector, gives the models back. */
  dispose(): void {
    this.disposed = true;
    this.subscription?.unsubscribe();
    this.notices.complete();
    this.releaseModels();
    this.wake();
    this.finish();
  }

  private async configure(message: StreamConfigure): Promise<void> {
    if (this.state !== 'waiting') {
      throw new InvalidRequestError(
        'invalid_request',
        'stream.configure must come before any audio: this session has already started.',
      );
    }
    const { type: _type, ...options } = message;
    await this.begin(
      resolveStreamSettings({ ...this.options.query, ...options }, this.options.context),
    );
  }

  private async end(): Promise<void> {
    if (this.state === 'waiting' && !(await this.beginWithQuery())) return;
    if (this.inputEnded) this.refuseInput();
    this.endInput();
  }

  private async audio(data: Buffer): Promise<void> {
    if (this.state === 'waiting' && !(await this.beginWithQuery())) return;
    if (this.inputEnded) this.refuseInput();
    const settings = this.settings as StreamSettings;
    if (data.length % 2 !== 0) {
      throw new AudioDecodeError(
        'audio_invalid_pcm',
        `Binary messages carry 16-bit PCM: an even number of bytes, got ${data.length}.`,
      );
    }
    const samples = data.length / 2;
    const limitS = this.options.context.config.server.streamMaxAudioS;
    if ((this.received + samples) / settings.sampleRate > limitS) {
      throw new AudioDecodeError(
        'audio_too_long',
        `A stream may carry at most ${limitS} s of audio (server.streamMaxAudioS); this session has ${(this.received / settings.sampleRate).toFixed(1)} s. Send stream.end to finish it.`,
      );
    }
    if (samples === 0) return;
    this.received += samples;
    (this.push as AudioPush).pushPcm(data, { sampleRate: settings.sampleRate });
    // Backpressure: the next message waits until the pipeline has taken this audio in.
    while (this.ingested < this.pushed && this.state === 'running' && !this.disposed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private beginWithQuery(): Promise<boolean> {
    return this.begin(resolveStreamSettings(this.options.query, this.options.context));
  }

  /** Leases the models and starts the pipeline; false when the session could not start. */
  private async begin(settings: StreamSettings): Promise<boolean> {
    if (this.draining) {
      throw new EarshotError('server_shutting_down', 'The server is shutting down.');
    }
    const { context } = this.options;
    const role: Record<string, 'confirm' | 'draft'> = { [settings.confirmModel]: 'confirm' };
    const models = new Map<string, AdmittedModel>();
    try {
      for (const id of new Set([settings.confirmModel, settings.draftModel])) {
        if (id === null) continue;
        role[id] ??= 'draft';
        const lease = await context.models.lease(id);
        this.leases.push(lease);
        models.set(id, new AdmittedModel(id, lease.model, context.admission, context.shutdown));
      }
    } catch (error) {
      this.releaseModels();
      const failed = Object.keys(role).find((id) => !models.has(id)) ?? settings.confirmModel;
      context.logger.warn({ err: error, model: failed }, 'stream model unavailable');
      this.state = 'finished';
      this.sendOutside(errorPayload(error, role[failed] ?? 'confirm', true));
      this.options.close(CLOSE_CODES.internalError, 'model unavailable');
      return false;
    }
    const [detector, detectorError] = await this.detector(settings);
    if (this.disposed) {
      detector?.close?.();
      this.releaseModels();
      return false;
    }
    this.settings = settings;
    this.push = new AudioPush();
    this.state = 'running';
    this.subscription = this.events(settings, models, detector).subscribe({
      next: (event) => this.emit(event),
      error: (error: unknown) => {
        context.logger.error({ err: error }, 'stream session failed');
        this.ended(CLOSE_CODES.internalError);
      },
      complete: () => this.ended(this.fatal ? CLOSE_CODES.internalError : CLOSE_CODES.normal),
    });
    if (detectorError) this.notices.next(detectorError);
    return true;
  }

  private events(
    settings: StreamSettings,
    models: ReadonlyMap<string, AdmittedModel>,
    detector: EndpointDetector | null,
  ) {
    const { config } = this.options.context;
    const transcribe = settings.language ? { language: settings.language } : {};
    const pass = (id: string | null, audioContext: 'full' | 'content'): LivePassConfig | null => {
      const model = id === null ? undefined : models.get(id);
      return model ? { model, options: { ...transcribe, audioContext } } : null;
    };
    const audio$ = (this.push as AudioPush).audio$.pipe(tap(() => this.pushed++));
    return liveTranscription(audio$, {
      draft: pass(settings.draftModel, config.live.draftAudioContext),
      confirm: pass(settings.confirmModel, config.live.confirmAudioContext) as LivePassConfig,
      detector,
      notices: this.notices,
      draftStepMs: config.live.draftStepMs,
      confirmStepMs: config.live.confirmStepMs,
      agreement: config.live.agreement,
      holdBack: settings.holdBack,
      trimAfterS: config.live.trimAfterS,
      maxBufferS: config.live.maxBufferS,
      onStats: () => {
        this.ingested++;
        this.wake();
      },
    });
  }

  /** The session's endpoint detector, or why it could not be made (the session runs without). */
  private async detector(
    settings: StreamSettings,
  ): Promise<[EndpointDetector | null, LiveEventPayload | null]> {
    if (!settings.vad) return [null, null];
    const { config, vad } = this.options.context;
    try {
      const detector = await vadEndpoints(vad, {
        ...vadOptionsFromConfig(config),
        endpointSilenceMs: config.live.endpointSilenceMs,
      });
      return [detector, null];
    } catch (error) {
      this.options.context.logger.warn({ err: error }, 'stream VAD unavailable');
      return [null, errorPayload(error, 'detector', false)];
    }
  }

  private emit(event: LiveEvent): void {
    if (event.type === 'error' && event.fatal) this.fatal = true;
    if (event.type === 'session' && event.state === 'ended') this.audioS = event.audioS ?? 0;
    this.options.send(event);
  }

  /** The pipeline has sent its last event. */
  private ended(code: number): void {
    this.state = 'finished';
    const settings = this.settings as StreamSettings;
    this.options.context.metrics.addAudioSeconds(settings.confirmModel, 'stream', this.audioS);
    this.releaseModels();
    this.wake();
    this.finish();
    // On shutdown the channel closes with 1001 once the drain is over.
    if (!this.draining) this.options.close(code, 'stream ended');
  }

  private endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.push?.end();
  }

  private refuseInput(): never {
    if (this.draining) {
      throw new EarshotError(
        'server_shutting_down',
        'The server is shutting down: no more audio is taken; the session is being finished.',
      );
    }
    throw new InvalidRequestError('invalid_request', 'The input has ended (stream.end).');
  }

  /** Reports a refused message: in the session's stream once it runs, on its own before. */
  private refuse(error: unknown): void {
    const payload = errorPayload(error, 'source', false);
    if (this.state === 'running') this.notices.next(payload);
    else this.sendOutside(payload);
  }

  /** Stamps and sends an event that belongs to no running session. */
  private sendOutside(payload: LiveEventPayload): void {
    const { clock } = this.options.context;
    const header = { type: payload.type, v: LIVE_EVENT_VERSION, seq: this.outsideSeq++ };
    const wallMs = round(Math.max(0, clock.now() - this.openedAt), 1);
    this.options.send(Object.assign(header, { wallMs }, payload) as LiveEvent);
  }

  private releaseModels(): void {
    for (const lease of this.leases.splice(0)) lease.release();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
