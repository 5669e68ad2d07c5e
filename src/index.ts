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
export { VERSION } from './version.js';
