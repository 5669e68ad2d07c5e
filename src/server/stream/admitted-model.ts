/**
 * A model a live session shares with the rest of the server: each pass waits for a slot on the
 * model like any HTTP request (the same per-model concurrency and queue, `overloaded` when the
 * queue is full), and is cancelled when the server's shutdown grace period ends. The model itself
 * is the registry's shared one; closing this view leaves it loaded for others.
 */
import type {
  LanguageDetection,
  TranscribeOptions,
  TranscriptionModel,
  TranscriptionResult,
} from '../../asr/types.js';
import type { PcmAudio } from '../../audio/load.js';
import type { Admission } from '../admission.js';

export class AdmittedModel implements TranscriptionModel {
  readonly provider: string;
  readonly tokenText?: TranscriptionModel['tokenText'];

  constructor(
    /** The registry's canonical id: the admission lane and the name sessions report. */
    readonly modelId: string,
    private readonly model: TranscriptionModel,
    private readonly admission: Admission,
    private readonly shutdown: AbortSignal,
  ) {
    this.provider = model.provider;
    if (model.tokenText) this.tokenText = model.tokenText.bind(model);
  }

  transcribe(audio: PcmAudio, options: TranscribeOptions = {}): Promise<TranscriptionResult> {
    return this.admitted(options.signal, (signal) =>
      this.model.transcribe(audio, { ...options, signal }),
    );
  }

  detectLanguage(
    audio: PcmAudio,
    options: { signal?: AbortSignal } = {},
  ): Promise<LanguageDetection> {
    return this.admitted(options.signal, (signal) => this.model.detectLanguage(audio, { signal }));
  }

  /** Nothing to release here: the session gives its lease on the shared model back. */
  async close(): Promise<void> {}

  private async admitted<T>(
    own: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const signal = own ? AbortSignal.any([own, this.shutdown]) : this.shutdown;
    const release = await this.admission.acquire(this.modelId, signal);
    try {
      return await work(signal);
    } finally {
      release();
    }
  }
}
