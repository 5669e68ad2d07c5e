"""Reference log-mel spectrogram for Earshot's tests, written from OpenAI's whisper/audio.py.

It uses numpy only (float64 throughout) and Whisper's own mel filters from mel_filters.npz:
periodic Hann window of 400, hop 160, centred STFT with reflect padding, last frame dropped,
|X|^2, mel filters, log10 clamped at 1e-10, floor at max - 8, (x + 4) / 4.

Usage: python3 whisper_logmel.py SAMPLES.f32 MEL_FILTERS.npz N_MELS OUT.f32
  SAMPLES.f32  16 kHz mono float32 little-endian samples
  OUT.f32      float32 little-endian log-mel, mel-major [n_mels, n_frames]
"""
import sys

import numpy as np

N_FFT = 400
HOP = 160


def log_mel(samples: np.ndarray, filters: np.ndarray) -> np.ndarray:
    x = samples.astype(np.float64)
    padded = np.pad(x, N_FFT // 2, mode="reflect")
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann
    frames = np.stack([padded[t * HOP : t * HOP + N_FFT] * window for t in range(n_frames)])
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2  # [n_frames, 201]
    power = power[:-1]  # the last frame is dropped
    mel = filters.astype(np.float64) @ power.T  # [n_mels, n_frames]
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0


def main() -> None:
    samples_path, filters_path, n_mels, out_path = sys.argv[1:5]
    samples = np.fromfile(samples_path, dtype="<f4")
    filters = np.load(filters_path)[f"mel_{n_mels}"]
    result = log_mel(samples, filters).astype("<f4")
    result.tofile(out_path)
    print(f"{out_path}: {result.shape[0]} mels x {result.shape[1]} frames, max {result.max():.6f}")


if __name__ == "__main__":
    main()
