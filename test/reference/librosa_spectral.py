"""Reference STFT, mel spectrogram, dB conversion, MFCC and frame features for Earshot's tests.

Written from librosa 0.10's definitions (stft, filters.mel, feature.melspectrogram,
power_to_db, amplitude_to_db, feature.mfcc, feature.rms, feature.zero_crossing_rate,
feature.spectral_centroid/bandwidth/rolloff/flatness) in numpy only, float64 throughout; librosa
itself is not needed. Spectral flux is Earshot's definition (squared distance between
consecutive L2-normalised magnitude spectra).

Usage: python3 librosa_spectral.py SAMPLES.f32 OUT.npz
  SAMPLES.f32  16 kHz mono float32 little-endian samples (test/golden/jfk-16k.f32)
"""
import sys

import numpy as np

SR = 16000


def window(name, n):
    """scipy.signal.get_window(name, n, fftbins=True): the periodic form."""
    phase = 2 * np.pi * np.arange(n) / n
    if name == "hann":
        return 0.5 - 0.5 * np.cos(phase)
    if name == "hamming":
        return 0.54 - 0.46 * np.cos(phase)
    raise ValueError(name)


def stft(y, n_fft, hop, win_length=None, win="hann", center=True, pad_mode="constant"):
    win_length = win_length or n_fft
    w = np.zeros(n_fft)
    left = (n_fft - win_length) // 2
    w[left : left + win_length] = window(win, win_length)
    if center:
        y = np.pad(y, n_fft // 2, mode=pad_mode)
    n_frames = 1 + (len(y) - n_fft) // hop
    frames = np.stack([y[t * hop : t * hop + n_fft] for t in range(n_frames)])
    return np.fft.rfft(frames * w, axis=1)  # [frames, bins]


def hz_to_mel(f, htk):
    f = np.asanyarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-300) / min_log_hz) / logstep, mels)


def mel_to_hz(m, htk):
    m = np.asanyarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


def mel_filters(sr, n_fft, n_mels, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    fmax = sr / 2 if fmax is None else fmax
    fftfreqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels + 2), htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, len(fftfreqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == "slaney":
        enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    return weights


def power_to_db(s, ref=1.0, amin=1e-10, top_db=80.0):
    magnitude = np.abs(s)
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    log_spec = 10.0 * np.log10(np.maximum(amin, magnitude))
    log_spec -= 10.0 * np.log10(np.maximum(amin, ref_value))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def amplitude_to_db(s, ref=1.0, amin=1e-5, top_db=80.0):
    magnitude = np.abs(s)
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    return power_to_db(magnitude**2, ref=ref_value**2, amin=amin**2, top_db=top_db)


def dct_ortho(x, n_out):
    """scipy.fft.dct(x, type=2, norm='ortho', axis=-1)[..., :n_out]."""
    n = x.shape[-1]
    k = np.arange(n_out)[:, None]
    basis = np.cos(np.pi * k * (2 * np.arange(n)[None, :] + 1) / (2 * n))
    scale = np.where(k == 0, np.sqrt(1.0 / n), np.sqrt(2.0 / n))
    return x @ (basis * scale).T


def mfcc(log_mel, n_mfcc, lifter=0):
    m = dct_ortho(log_mel, n_mfcc)
    if lifter > 0:
        m *= 1 + (lifter / 2) * np.sin(np.pi * np.arange(1, 1 + n_mfcc) / lifter)
    return m


def frame(y, length, hop):
    n_frames = 1 + (len(y) - length) // hop
    return np.stack([y[t * hop : t * hop + length] for t in range(n_frames)])


def frame_features(y, n_fft=2048, hop=512):
    rms = np.sqrt(np.mean(frame(np.pad(y, n_fft // 2), n_fft, hop) ** 2, axis=1))
    framed = frame(np.pad(y, n_fft // 2, mode="edge"), n_fft, hop).copy()
    framed[np.abs(framed) <= 1e-10] = 0
    sign = np.signbit(framed)
    crossings = np.pad(sign[:, 1:] != sign[:, :-1], ((0, 0), (1, 0)))
    zcr = np.mean(crossings, axis=1)
    s = np.abs(stft(y, n_fft, hop))  # [frames, bins], magnitude
    freq = np.linspace(0, SR / 2, 1 + n_fft // 2)
    length = np.sum(s, axis=1, keepdims=True)
    length[length < np.finfo(np.float64).tiny] = 1.0
    s_norm = s / length
    centroid = np.sum(freq * s_norm, axis=1)
    bandwidth = np.sum(s_norm * np.abs(freq[None, :] - centroid[:, None]) ** 2, axis=1) ** 0.5
    total = np.cumsum(s, axis=1)
    ind = np.where(total < 0.85 * total[:, -1:], np.nan, 1.0)
    rolloff = np.nanmin(ind * freq[None, :], axis=1)
    s_thresh = np.maximum(1e-10, s**2)
    flatness = np.exp(np.mean(np.log(s_thresh), axis=1)) / np.mean(s_thresh, axis=1)
    norms = np.linalg.norm(s, axis=1, keepdims=True)
    unit = np.divide(s, norms, out=np.zeros_like(s), where=norms > 0)
    flux = np.concatenate([[0.0], np.sum((unit[1:] - unit[:-1]) ** 2, axis=1)])
    return dict(rms=rms, zcr=zcr, centroid=centroid, bandwidth=bandwidth, rolloff=rolloff, flatness=flatness, flux=flux)


def main():
    samples_path, out_path = sys.argv[1:3]
    jfk = np.fromfile(samples_path, dtype="<f4").astype(np.float64)
    short = jfk[16000 : 16000 + 1600]  # 0.1 s of speech
    clip = jfk[: int(2.5 * SR)]
    out = {}
    # STFT in three configurations.
    out["stft_a"] = stft(short, 512, 128)  # hann, centred, zero padding
    out["stft_b"] = stft(short, 512, 160, win_length=400, win="hamming", pad_mode="reflect")
    out["stft_c"] = stft(short, 256, 100, win_length=200, center=False)
    # Mel spectrograms in dB and MFCC.
    # a: librosa defaults (n_fft 2048, hop 512, 128 Slaney mels, Slaney norm), MFCC 20.
    mel_a = np.abs(stft(clip, 2048, 512)) ** 2 @ mel_filters(SR, 2048, 128).T
    out["logmel_a"] = power_to_db(mel_a)
    out["mfcc_a"] = mfcc(out["logmel_a"], 20)
    # b: speech front-end: n_fft 512, 25 ms Hamming window, 10 ms hop, 40 HTK mels without
    # normalisation over 20-7600 Hz, not centred; dB relative to the maximum; MFCC 13, lifter 22.
    spec_b = np.abs(stft(clip, 512, 160, win_length=400, win="hamming", center=False)) ** 2
    mel_b = spec_b @ mel_filters(SR, 512, 40, fmin=20, fmax=7600, htk=True, norm=None).T
    out["logmel_b"] = power_to_db(mel_b, ref=np.max, top_db=None)
    out["mfcc_b"] = mfcc(out["logmel_b"], 13, lifter=22)
    # Magnitude spectrum in dB relative to its maximum, floored 80 dB down.
    out["amplitude_db"] = amplitude_to_db(np.abs(out["stft_a"]), ref=np.max)
    for name, values in frame_features(clip).items():
        out[f"frame_{name}"] = values
    stored = {}
    for name, values in out.items():
        if np.iscomplexobj(values):
            stored[f"{name}_re"] = values.real.astype("<f4")
            stored[f"{name}_im"] = values.imag.astype("<f4")
        else:
            stored[name] = values.astype("<f8" if name.startswith("frame_") else "<f4")
    np.savez_compressed(out_path, **stored)
    for name, values in stored.items():
        print(f"{name}: {values.shape}")


if __name__ == "__main__":
    main()
