/**
 * Earshot's public API. Everything a program embedding Earshot needs is exported from here;
 * modules not re-exported are internal.
 */

export { languageName, toLanguageCode, WHISPER_LANGUAGES } from './asr/languages.js';
export { type OpenModelOptions, openTranscriptionModel } from './asr/load-model.js';
export { transcribeSpeechWithVad, type VadTranscribeOptions } from './asr/speech-only.js';
export { WhisperTokenizer } from './asr/tokenizer/whisper-tokenizer.js';
export { transcribeWhisper } from './asr/transcribe.js';
export type {
  LanguageDetection,
  TranscribeOptions,
  TranscriptionModel,
  TranscriptionProgress,
  TranscriptionResult,
  TranscriptionSegment,
  TranscriptionTask,
  TranscriptionWord,
} from './asr/types.js';
export { WhisperModel } from './asr/whisper/whisper-model.js';
export { WorkerTranscriptionModel } from './asr/worker/worker-model.js';
export {
  AUDIO_OUTPUT_FORMATS,
  type AudioOutputFormat,
  audioOutputFormats,
  type EncodeAudioOptions,
  encodeAudio,
  encodeAudioStream,
  isAudioOutputFormat,
} from './audio/encode.js';
export {
  type AudioInput,
  type AudioSourceInfo,
  type LoadAudioOptions,
  type LoadedAudio,
  loadAudio,
  type PcmAudio,
  type RawPcmFormat,
} from './audio/load.js';
export { Resampler, type ResamplerOptions, resample } from './audio/resample.js';
export { encodeWav } from './audio/wav.js';
export {
  type Config,
  type ConfigSource,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  maskSecrets,
  settings,
} from './config/index.js';
export { amplitudeToDb, type DbOptions, dbToAmplitude, dbToPower, powerToDb } from './dsp/db.js';
export {
  type KaldiFbankOptions,
  type KaldiWindow,
  kaldiFbank,
  kaldiMel,
} from './dsp/fbank.js';
export {
  type FrameFeatureOptions,
  type FrameFeatures,
  frameFeatures,
} from './dsp/features/frame.js';
export { ComplexFft, fastFftLength, RealFft } from './dsp/fft.js';
export { integratedLoudness, kWeighted, peakDbfs, rmsDbfs } from './dsp/loudness.js';
export type { FeatureMatrix } from './dsp/matrix.js';
export {
  type DenseFilterMatrix,
  hzToMel,
  MelFilterBank,
  type MelFilterBankOptions,
  type MelScale,
  melFilters,
  melToHz,
} from './dsp/mel.js';
export {
  type MelSpectrogramOptions,
  melSpectrogram,
  type SpectrumOptions,
} from './dsp/mel-spectrogram.js';
export {
  type CepstrumOptions,
  cepstrum,
  DctII,
  type MfccOptions,
  mfcc,
} from './dsp/mfcc.js';
export type { PitchFrameOptions } from './dsp/pitch/frames.js';
export { type PyinOptions, pyin, pyinPitchBins } from './dsp/pitch/pyin.js';
export { frameTimes, type PitchTrack, type YinOptions, yin } from './dsp/pitch/yin.js';
export {
  analyzeProsody,
  type ProsodyAnalysis,
  type ProsodyOptions,
  type ProsodyTracks,
} from './dsp/prosody/analyze.js';
export type {
  ContourFunctionals,
  ProsodyFunctionals,
  Spread,
} from './dsp/prosody/functionals.js';
export {
  type ComplexSpectrogram,
  forEachSpectrum,
  type PadMode,
  type Spectrogram,
  type StftOptions,
  spectrogram,
  stft,
  stftFrameCount,
} from './dsp/stft.js';
export { type TimeStretchOptions, timeStretch } from './dsp/time-stretch.js';
export {
  type FormantOptions,
  type FormantTracks,
  formantTracks,
} from './dsp/voice-quality/formants.js';
export { type HnrOptions, harmonicsToNoise } from './dsp/voice-quality/hnr.js';
export { type Perturbation, perturbation } from './dsp/voice-quality/perturbation.js';
export {
  type GlottalPulses,
  glottalPulses,
  type PitchContour,
} from './dsp/voice-quality/pulses.js';
export {
  type SpeakingRate,
  type SyllableOptions,
  speakingRate,
} from './dsp/voice-quality/speaking-rate.js';
export {
  type LogMelOptions,
  logMelSpectrogram,
  logMelWindows,
  type MelSpectrogram,
  WHISPER_HOP_LENGTH,
  WHISPER_N_FFT,
  WHISPER_N_FRAMES,
  WHISPER_N_SAMPLES,
  WHISPER_SAMPLE_RATE,
  whisperMelFilters,
} from './dsp/whisper-mel.js';
export { createWindow, type WindowName } from './dsp/window.js';
export {
  AudioDecodeError,
  AudioEncodeError,
  ConfigError,
  EarshotError,
  type ErrorCode,
  ExternalToolError,
  errorCatalogue,
  InvalidRequestError,
  ModelError,
  SignalError,
  SpeechError,
  toEarshotError,
} from './errors.js';
export { type SubtitleCue, type SubtitleOptions, subtitleCues } from './formats/subtitles.js';
export {
  isTranscriptFormat,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  transcriptWriters,
  verboseJson,
  type WriteOptions,
  writeTranscript,
} from './formats/writers.js';
export { createLogger, type Logger } from './logging.js';
export type { CachedModel } from './models/cache-layout.js';
export { checkContract, type ModelContract, type TensorSpec } from './models/contract.js';
export { DTYPE_SUFFIXES, DTYPES, type Dtype, parseDtype } from './models/dtypes.js';
export {
  guessKind,
  MODEL_KIND_NAMES,
  MODEL_KINDS,
  type ModelFileSpec,
  type ModelFiles,
  type ModelKind,
  type ModelKindSpec,
  type ModelRole,
} from './models/model-kinds.js';
export { type ModelRef, parseModelRef } from './models/model-ref.js';
export { acquireModelSession, contractFor } from './models/model-sessions.js';
export {
  ModelStore,
  type ModelStoreOptions,
  modelStoreOptions,
  type ResolvedModel,
  type ResolveOptions,
  resolveModel,
} from './models/model-store.js';
export { type DownloadEvent, type DownloadListener, logDownloads } from './models/progress.js';
export {
  type SessionLease,
  SessionPool,
  type SessionPoolOptions,
  sessionPoolOptions,
} from './models/session-pool.js';
export { KOKORO_CONTRACT, PIPER_CONTRACT } from './models/tts-contracts.js';
export { WHISPER_DECODER_CONTRACT, WHISPER_ENCODER_CONTRACT } from './models/whisper-contracts.js';
export { Admission, type AdmissionOptions, type AdmissionState } from './server/admission.js';
export {
  type BuildServerOptions,
  buildServer,
  type EarshotServer,
} from './server/app.js';
export { type Clock, systemClock } from './server/clock.js';
export { type HttpError, toHttpError } from './server/http-errors.js';
export { ServerMetrics } from './server/metrics.js';
export { type StoreModelLoaderOptions, storeModelLoader } from './server/model-loader.js';
export {
  DEFAULT_MODEL_ALIASES,
  type ModelInfo,
  type ModelLease,
  type ModelLoadEvent,
  type ModelLoader,
  type ModelReadiness,
  ModelRegistry,
  type ModelRegistryOptions,
} from './server/model-registry.js';
export {
  CLIENT_EVENT_SCHEMAS as REALTIME_CLIENT_EVENT_SCHEMAS,
  type ClientEvent as RealtimeClientEvent,
  parseClientEvent as parseRealtimeClientEvent,
} from './server/realtime/client-events.js';
export {
  RealtimeSession,
  type RealtimeSessionOptions,
} from './server/realtime/realtime-session.js';
export {
  type RealtimeServerEvent,
  RealtimeServerEventSchema,
} from './server/realtime/server-events.js';
export { ROUTE_MODULES } from './server/routes/index.js';
export { registerSocketRoute, type SocketRouteOptions } from './server/routes/socket-route.js';
export { CLOSE_CODES, SocketChannel, type SocketProtocol } from './server/socket-channel.js';
export { type ClosableSession, SocketSessions } from './server/socket-sessions.js';
export { AdmittedModel } from './server/stream/admitted-model.js';
export {
  DEFAULT_STREAM_RATE,
  parseStreamControl,
  resolveStreamSettings,
  STREAM_CONTROL_SCHEMAS,
  type StreamConfigure,
  StreamConfigureSchema,
  type StreamControl,
  StreamEndSchema,
  type StreamOptions,
  StreamQuerySchema,
  type StreamSettings,
} from './server/stream/stream-options.js';
export { StreamSession, type StreamSessionOptions } from './server/stream/stream-session.js';
export type {
  ErrorSurface,
  RouteModule,
  ServerContext,
  ServerDependencies,
  Upload,
} from './server/types.js';
export type { EndpointDetector, EndpointEvent } from './stream/endpoints.js';
export {
  ALIGNMENT_ID_PATTERN,
  alignmentId,
  type BacktrackEvent,
  type ConfirmEvent,
  type DiffEvent,
  type ErrorEvent,
  type FinalEvent,
  LIVE_EVENT_VERSION,
  type LiveEvent,
  LiveEventSchema,
  type LiveEventType,
  type LiveToken,
  liveEventJsonSchema,
  type SessionEvent,
  type SpeechStartedEvent,
  type SpeechStoppedEvent,
  type TokenEvent,
  type WindowEvent,
} from './stream/events.js';
export {
  LIVE_TIMING_DEFAULTS,
  type LiveOptions,
  type LivePassConfig,
  type LiveStats,
  type LiveTiming,
} from './stream/live-options.js';
export {
  type LatencyClock,
  type LatencySummary,
  type LiveMetrics,
  liveMetrics,
  type PassStats,
} from './stream/metrics.js';
export type { PcmFormat } from './stream/pcm-decoder.js';
export { liveTranscription } from './stream/pipeline.js';
export { AudioPush, type PacedAudioOptions, pacedAudio, pcmAudio } from './stream/sources.js';
export {
  emptyTranscript,
  type LiveTranscript,
  reduceTranscript,
  transcriptText,
} from './stream/transcript.js';
export { type VadEndpointOptions, vadEndpoints } from './stream/vad-endpoints.js';
export {
  ESPEAK_RATE,
  ESPEAK_SAMPLE_RATE,
  type EspeakModelOptions,
  EspeakSpeechModel,
} from './tts/espeak/engine.js';
export {
  type EspeakPhonemeOptions,
  espeakPhonemes,
  type PhonemePiece,
} from './tts/espeak/phonemes.js';
export { type EspeakRunResult, EspeakRuntime, sharedEspeakRuntime } from './tts/espeak/runtime.js';
export {
  KOKORO_DEFAULT_VOICE,
  KOKORO_REPO,
  KOKORO_SAMPLE_RATE,
  type KokoroModelOptions,
  KokoroSpeechModel,
} from './tts/kokoro/engine.js';
export { kokoroPhonemes } from './tts/kokoro/phonemize.js';
export {
  PIPER_DEFAULT_VOICE,
  PIPER_VOICES_REPO,
  type PiperModelOptions,
  PiperSpeechModel,
} from './tts/piper/engine.js';
export { piperPhonemeIds, piperPhonemes } from './tts/piper/phoneme-ids.js';
export { type PiperVoiceConfig, parsePiperVoiceConfig } from './tts/piper/voice-config.js';
export {
  createSpeechModel,
  OPENAI_SPEECH_MODELS,
  type SpeechEngineContext,
  type SpeechEngineDefinition,
  speechEngines,
  speechModelNames,
} from './tts/registry.js';
export type {
  SpeechModel,
  SpeechModelCallOptions,
  SpeechModelResult,
  SpeechVoice,
  SpeechWarning,
} from './tts/speech-model.js';
export {
  checkSpeechFormat,
  DEFAULT_MAX_INPUT_CHARS,
  type EncodedSpeechOptions,
  planSpeech,
  SPEECH_SPEED_RANGE,
  type SpeechChunk,
  type SpeechOptions,
  type SpeechPlan,
  type SpeechResult,
  speakPlan,
  synthesize,
  synthesizeEncoded,
  synthesizeStream,
} from './tts/synthesize.js';
export type { Abbreviation, LanguageRules } from './tts/text/language.js';
export { languageRules, normalizeText, textLanguages } from './tts/text/normalize.js';
export { type PrepareTextOptions, prepareText } from './tts/text/prepare.js';
export { type ChunkPiece, ChunkTimeline } from './vad/chunk-timeline.js';
export {
  packagedSileroPath,
  SILERO_VERSIONS,
  SileroVad,
  type SileroVadOptions,
  type SileroVersion,
  sileroContract,
  sileroVadFromConfig,
} from './vad/silero.js';
export {
  chunkAudio,
  planSpeechChunks,
  type TranscriptionChunk,
  type TranscriptionChunkOptions,
} from './vad/speech-chunks.js';
export {
  type SpeechProbabilities,
  type SpeechTimestamp,
  type SpeechTimestampsOptions,
  segmentProbabilities,
  speechProbabilities,
  speechTimestamps,
} from './vad/speech-timestamps.js';
export {
  type BatchChunkTranscriber,
  type ChunkSegment,
  type ChunkTranscriber,
  type ChunkTranscript,
  type ChunkWord,
  type SpeechOnlyOptions,
  type SpeechOnlyTranscript,
  transcribeSpeechOnly,
} from './vad/transcribe-speech-only.js';
export {
  type VadEvent,
  VadIterator,
  type VadIteratorOptions,
  vadEvents,
} from './vad/vad-iterator.js';
export { modelRateFor, type VadFrameScorer, type VadModel } from './vad/vad-model.js';
export { SILERO_DEFAULTS, type VadOptions, vadOptionsFromConfig } from './vad/vad-options.js';
export { VERSION } from './version.js';
