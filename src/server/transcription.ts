/**
 * What every transcription route does, whatever its API: pick the model, wait for a slot on it
 * (or be refused with 429), decode the upload, run the model with the request's cancellation
 * signal, and count the audio processed.
 */
import type {
  LanguageDetection,
  TranscribeOptions,
  TranscriptionModel,
  TranscriptionResult,
} from '../asr/types.js';
import { type LoadedAudio, loadAudio, type RawPcmFormat } from '../audio/load.js';
import { WHISPER_N_SAMPLES } from '../dsp/whisper-mel.js';
import type { ServerContext, Upload } from './types.js';

export interface AudioRequest {
  /** The model name the client sent (absent: the default model). */
  model?: string | null | undefined;
  upload: Upload;
  /** Read the upload as headerless PCM in this layout instead of detecting its format. */
  raw?: RawPcmFormat;
  signal: AbortSignal;
  /** Called once the audio is decoded and the model is about to start. */
  onStart?: (model: TranscriptionModel) => void;
}

export interface TranscriptionOutcome {
  modelId: string;
  result: TranscriptionResult;
  /** Token text lookup of the model that produced the result, when it has one. */
  tokenText: TranscriptionModel['tokenText'];
}

/**
 * Refuses an upload before its body is read when every model it could name is saturated: the
 * answer would be 429 anyway, and a flood of large uploads must not fill memory first.
 */
export function refuseWhenSaturated(context: ServerContext): void {
  const ids = context.models.ids();
  if (ids.every((id) => context.admission.isFull(id)))
    throw context.admission.overloaded(ids[0] as string);
}

/** Waits for a slot on the model, decodes the upload and runs `work` with both. */
async function withModelAndAudio<T>(
  context: ServerContext,
  request: AudioRequest,
  work: (model: TranscriptionModel, audio: LoadedAudio) => Promise<T>,
): Promise<{ modelId: string; value: T }> {
  const modelId = context.models.resolve(request.model);
  const release = await context.admission.acquire(modelId, request.signal);
  try {
    const { audio: audioConfig } = context.config;
    const audio = await loadAudio(request.upload.data, {
      ...(request.raw ? { raw: request.raw } : {}),
      maxDurationS: audioConfig.maxDurationS,
      timeoutS: audioConfig.decodeTimeoutS,
      ffmpegPath: audioConfig.ffmpegPath,
      strictTruncation: audioConfig.strictTruncation,
      signal: request.signal,
    });
    request.signal.throwIfAborted();
    const value = await context.models.use(modelId, (model) => {
      request.onStart?.(model);
      return work(model, audio);
    });
    return { modelId, value };
  } finally {
    release();
  }
}

/** Transcribes (or translates) an uploaded file. */
export async function transcribeUpload(
  context: ServerContext,
  request: AudioRequest,
  options: Omit<TranscribeOptions, 'signal'>,
): Promise<TranscriptionOutcome> {
  const { modelId, value } = await withModelAndAudio(context, request, async (model, audio) => {
    const result = await model.transcribe(audio, { ...options, signal: request.signal });
    return { result, tokenText: model.tokenText?.bind(model) };
  });
  context.metrics.addAudioSeconds(modelId, options.task ?? 'transcribe', value.result.durationS);
  return { modelId, ...value };
}

/** Detects the spoken language from the first 30 seconds of an uploaded file. */
export async function detectUploadLanguage(
  context: ServerContext,
  request: AudioRequest,
): Promise<{ modelId: string; detection: LanguageDetection }> {
  const { modelId, value } = await withModelAndAudio(context, request, async (model, audio) => {
    const first = audio.samples.subarray(0, WHISPER_N_SAMPLES);
    const detection = await model.detectLanguage(
      { samples: first, sampleRate: audio.sampleRate },
      { signal: request.signal },
    );
    return { detection, seconds: first.length / audio.sampleRate };
  });
  context.metrics.addAudioSeconds(modelId, 'detect-language', value.seconds);
  return { modelId, detection: value.detection };
}
