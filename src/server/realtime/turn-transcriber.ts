/**
 * Transcribes a realtime session's committed turns, one after another in commit order (so
 * completions arrive in the order the items were committed): each waits for a slot on its model
 * like any HTTP request (429-style `overloaded` when the model's queue is full), streams a delta
 * per decoded segment, and ends with `completed` or `failed`. A turn's audio is released as soon
 * as its transcription ends.
 */
import type { TranscriptionModel } from '../../asr/types.js';
import { openAiErrorType, toHttpError } from '../http-errors.js';
import { logprobsOf } from '../routes/openai-responses.js';
import type { ServerContext } from '../types.js';
import { BUFFER_RATE } from './input-buffer.js';
import type { RealtimeSettings } from './session-settings.js';

export interface CommittedTurn {
  itemId: string;
  /** The turn's audio at 16 kHz. */
  samples: Float32Array;
  /** The session's settings when the turn was committed. */
  settings: RealtimeSettings;
}

/** A server event without its `event_id` (the session stamps it). */
export type OutgoingEvent = { type: string } & Record<string, unknown>;

export interface TurnTranscriberOptions {
  context: ServerContext;
  /** Aborted when the session ends or the server's shutdown grace is over. */
  signal: AbortSignal;
  send: (event: OutgoingEvent) => void;
}

export class TurnTranscriber {
  private readonly queue: CommittedTurn[] = [];
  private running: Promise<void> | null = null;
  private heldSamples = 0;

  constructor(private readonly options: TurnTranscriberOptions) {}

  /** 16 kHz samples of the turns waiting or being transcribed. */
  get held(): number {
    return this.heldSamples;
  }

  enqueue(turn: CommittedTurn): void {
    this.queue.push(turn);
    this.heldSamples += turn.samples.length;
    this.running ??= this.drain();
  }

  /** Resolves once every committed turn has completed or failed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (let turn = this.queue.shift(); turn; turn = this.queue.shift()) {
      try {
        await this.transcribe(turn);
      } finally {
        this.heldSamples -= turn.samples.length;
      }
    }
    this.running = null;
  }

  private async transcribe(turn: CommittedTurn): Promise<void> {
    const { context, signal, send } = this.options;
    const { settings, itemId } = turn;
    let deltas = 0;
    let tokenText: TranscriptionModel['tokenText'];
    try {
      const modelId = context.models.resolve(settings.model);
      const release = await context.admission.acquire(modelId, signal);
      try {
        const result = await context.models.use(modelId, (model) => {
          tokenText = model.tokenText?.bind(model);
          return model.transcribe(
            { samples: turn.samples, sampleRate: BUFFER_RATE },
            {
              language: settings.language,
              ...(settings.prompt ? { initialPrompt: settings.prompt } : {}),
              signal,
              onSegment: (segment) => {
                send({
                  type: 'conversation.item.input_audio_transcription.delta',
                  item_id: itemId,
                  content_index: 0,
                  delta: deltas === 0 ? segment.text.trimStart() : segment.text,
                  ...(settings.logprobs
                    ? { logprobs: logprobsOf(segment.tokens, segment.tokenProbs, tokenText) }
                    : {}),
                });
                deltas++;
              },
            },
          );
        });
        context.metrics.addAudioSeconds(modelId, 'realtime', result.durationS);
        send({
          type: 'conversation.item.input_audio_transcription.completed',
          item_id: itemId,
          content_index: 0,
          transcript: result.text.trim(),
          // OpenAI reports (and bills) whole seconds of input audio.
          usage: { type: 'duration', seconds: Math.ceil(result.durationS) },
          ...(settings.logprobs
            ? {
                logprobs: result.segments.flatMap((segment) =>
                  logprobsOf(segment.tokens, segment.tokenProbs, tokenText),
                ),
              }
            : {}),
        });
      } finally {
        release();
      }
    } catch (error) {
      const http = toHttpError(signal.aborted ? (signal.reason ?? error) : error);
      if (http.error.status >= 500 && http.error.code !== 'server_shutting_down') {
        context.logger.error({ err: error, item: itemId }, 'realtime transcription failed');
      }
      send({
        type: 'conversation.item.input_audio_transcription.failed',
        item_id: itemId,
        content_index: 0,
        error: {
          type: openAiErrorType(http.error.status),
          code: http.error.code,
          message: http.error.message,
          param: http.param,
        },
      });
    }
  }
}
