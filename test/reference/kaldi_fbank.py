"""Reference Kaldi filter bank features for Earshot's tests, written from Kaldi's
feature-window.cc, mel-computations.cc and feature-fbank.cc in numpy (float64; Kaldi itself
computes in float32).

Per frame: extract (snip_edges, or centred frames with reflection at the ends), remove the DC
offset, raw log energy, pre-emphasis, window, zero-pad to a power of two, |X|^2, mel banks that
are triangles in Kaldi's mel scale 1127 ln(1 + f/700) over bins 0 .. N/2 - 1, log floored at
float32 epsilon.

Usage: python3 kaldi_fbank.py SAMPLES.f32 OUT.npz
"""
import sys

import numpy as np

EPS = np.finfo(np.float32).eps


def mel(f):
    return 1127.0 * np.log(1.0 + f / 700.0)


def mel_banks(num_bins, padded, sr, low, high):
    nyquist = 0.5 * sr
    high = high if high > 0 else nyquist + high
    bin_width = sr / padded
    mel_low, mel_high = mel(low), mel(high)
    delta = (mel_high - mel_low) / (num_bins + 1)
    banks = np.zeros((num_bins, padded // 2 + 1))
    for b in range(num_bins):
        left, centre, right = mel_low + b * delta, mel_low + (b + 1) * delta, mel_low + (b + 2) * delta
        for i in range(padded // 2):
            m = mel(bin_width * i)
            if left < m < right:
                banks[b, i] = (m - left) / (centre - left) if m <= centre else (right - m) / (right - centre)
    return banks


def window(kind, n):
    a = 2 * np.pi / (n - 1)
    i = np.arange(n)
    if kind == "povey":
        return (0.5 - 0.5 * np.cos(a * i)) ** 0.85
    if kind == "hamming":
        return 0.54 - 0.46 * np.cos(a * i)
    if kind == "hanning":
        return 0.5 - 0.5 * np.cos(a * i)
    raise ValueError(kind)


def fbank(x, sr=16000, num_bins=23, win="povey", snip_edges=True, use_energy=False, energy_floor=0.0,
          low=20.0, high=0.0, preemph=0.97):
    size = int(sr * 0.001 * 25 + 1e-9)
    shift = int(sr * 0.001 * 10 + 1e-9)
    padded = 1 << int(np.ceil(np.log2(size)))
    n = len(x)
    if snip_edges:
        frames = 0 if n < size else 1 + (n - size) // shift
        starts = [t * shift for t in range(frames)]
    else:
        frames = (n + shift // 2) // shift
        starts = [t * shift + shift // 2 - size // 2 for t in range(frames)]
    banks = mel_banks(num_bins, padded, sr, low, high)
    w = window(win, size)
    out = []
    for start in starts:
        idx = np.arange(start, start + size)
        while np.any((idx < 0) | (idx >= n)):
            idx = np.where(idx < 0, -idx - 1, idx)
            idx = np.where(idx >= n, 2 * n - 1 - idx, idx)
        f = x[idx].astype(np.float64)
        f = f - f.mean()
        log_energy = np.log(max(np.dot(f, f), EPS))
        if energy_floor > 0:
            log_energy = max(log_energy, np.log(energy_floor))
        f = np.concatenate([[f[0] * (1 - preemph)], f[1:] - preemph * f[:-1]])
        f = f * w
        spectrum = np.abs(np.fft.rfft(f, padded)) ** 2
        row = np.log(np.maximum(banks @ spectrum, EPS))
        out.append(np.concatenate([[log_energy], row]) if use_energy else row)
    return np.array(out)


def main():
    samples_path, out_path = sys.argv[1:3]
    jfk = np.fromfile(samples_path, dtype="<f4").astype(np.float64)
    # Kaldi reads 16-bit integers; one second from 0.5 s, scaled the same way.
    x = jfk[8000:24000] * 32768.0
    out = {
        "fbank_default": fbank(x),
        "fbank_speaker": fbank(x, num_bins=80, win="hamming", snip_edges=False, use_energy=True,
                               energy_floor=1.0, low=20.0, high=-400.0),
    }
    np.savez_compressed(out_path, **{k: v.astype("<f8") for k, v in out.items()})
    for name, values in out.items():
        print(f"{name}: {values.shape}")


if __name__ == "__main__":
    main()
