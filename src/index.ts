/**
 * Earshot's public API. Everything a program embedding Earshot needs is exported from here;
 * modules not re-exported are internal.
 */

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
export { ComplexFft, RealFft } from './dsp/fft.js';
export { integratedLoudness, peakDbfs, rmsDbfs } from './dsp/loudness.js';
export {
  hzToMel,
  MelFilterBank,
  type MelFilterBankOptions,
  type MelScale,
  melFilters,
  melToHz,
} from './dsp/mel.js';
export {
  forEachSpectrum,
  type PadMode,
  type Spectrogram,
  type StftOptions,
  spectrogram,
  stftFrameCount,
} from './dsp/stft.js';
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
  toEarshotError,
} from './errors.js';
export { createLogger, type Logger } from './logging.js';
export { checkContract, type ModelContract, type TensorSpec } from './models/contract.js';
export {
  type SessionLease,
  SessionPool,
  type SessionPoolOptions,
  sessionPoolOptions,
} from './models/session-pool.js';
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
  type SpeechChunk,
  type SpeechChunkOptions,
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
