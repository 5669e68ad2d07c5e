"""Reference YIN and pYIN for Earshot's tests, written from librosa 0.10's yin/pyin (and its
sequence.transition_local, transition_loop and viterbi) in numpy only, float64 throughout.

The Viterbi here is librosa's dense one over all 2 x n_pitch_bins states, so the test also
checks that Earshot's banded decoder finds the same path. scipy is not needed: the beta CDF of
integer parameters is a binomial sum, the Boltzmann pmf a truncated geometric law.

Usage: python3 librosa_pitch.py SAMPLES.f32 OUT.npz
"""
import sys
from math import comb

import numpy as np

TINY = np.finfo(np.float64).tiny


def frame(y, length, hop):
    n = 1 + (len(y) - length) // hop
    return np.stack([y[t * hop : t * hop + length] for t in range(n)], axis=1)  # [length, frames]


def cmnd(y_frames, frame_length, win_length, min_period, max_period):
    a = np.fft.rfft(y_frames, frame_length, axis=0)
    b = np.fft.rfft(y_frames[win_length:0:-1, :], frame_length, axis=0)
    acf = np.fft.irfft(a * b, frame_length, axis=0)[win_length:, :]
    acf[np.abs(acf) < 1e-6] = 0
    energy = np.cumsum(y_frames**2, axis=0)
    energy = energy[win_length:, :] - energy[:-win_length, :]
    energy[np.abs(energy) < 1e-6] = 0
    d = energy[:1, :] + energy - 2 * acf
    numerator = d[min_period : max_period + 1, :]
    tau = np.arange(1, max_period + 1)[:, None]
    cumulative_mean = np.cumsum(d[1 : max_period + 1, :], axis=0) / tau
    denominator = cumulative_mean[min_period - 1 : max_period, :]
    return numerator / (denominator + TINY)


def parabolic_shifts(x):
    shifts = np.zeros_like(x)
    for i in range(1, x.shape[0] - 1):
        a = x[i + 1] + x[i - 1] - 2 * x[i]
        b = (x[i + 1] - x[i - 1]) / 2
        shifts[i] = np.where(np.abs(b) >= np.abs(a), 0, -b / np.where(a == 0, 1, a))
    return shifts


def localmin(x):
    pad = np.pad(x, [(1, 1)] + [(0, 0)] * (x.ndim - 1), mode="edge")
    return (x < pad[:-2]) & (x <= pad[2:])


def setup(y, sr, fmin, fmax, frame_length):
    win_length = frame_length // 2
    hop = frame_length // 4
    y = np.pad(y, frame_length // 2)
    frames = frame(y, frame_length, hop)
    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frame_length - win_length - 1)
    yin_frames = cmnd(frames, frame_length, win_length, min_period, max_period)
    return yin_frames, parabolic_shifts(yin_frames), min_period, hop


def yin(y, sr, fmin, fmax, frame_length, threshold=0.1):
    yin_frames, shifts, min_period, _ = setup(y, sr, fmin, fmax, frame_length)
    is_trough = localmin(yin_frames) & (yin_frames < threshold)
    global_min = np.argmin(yin_frames, axis=0)
    period = np.argmax(is_trough, axis=0)
    none = ~np.any(is_trough, axis=0)
    period[none] = global_min[none]
    cols = np.arange(yin_frames.shape[1])
    return sr / (min_period + period + shifts[period, cols])


def beta_cdf(x, a, b):
    n = a + b - 1
    return sum(comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(a, n + 1))


def boltzmann_pmf(k, lam, n):
    with np.errstate(divide="ignore", invalid="ignore"):
        fact = (1 - np.exp(-lam)) / (1 - np.exp(-lam * n))
        p = fact * np.exp(-lam * k)
    return np.where((k >= 0) & (k < n) & (n > 0), p, 0.0)


def triang(m):
    n = np.arange(1, (m + 1) // 2 + 1)
    if m % 2 == 0:
        w = (2 * n - 1.0) / m
        return np.r_[w, w[::-1]]
    w = 2 * n / (m + 1.0)
    return np.r_[w, w[-2::-1]]


def transition_local(n_states, width):
    transition = np.zeros((n_states, n_states))
    for i in range(n_states):
        row = np.zeros(n_states)
        lpad = (n_states - width) // 2
        row[lpad : lpad + width] = triang(width)
        row = np.roll(row, n_states // 2 + i + 1)
        row[min(n_states, i + width // 2 + 1) :] = 0
        row[: max(0, i - width // 2)] = 0
        transition[i] = row
    return transition / transition.sum(axis=1, keepdims=True)


def viterbi(prob, transition, p_init):
    n_states, n_steps = prob.shape
    log_trans = np.log(transition + TINY)
    log_prob = np.log(prob + TINY).T
    value = np.zeros((n_steps, n_states))
    ptr = np.zeros((n_steps, n_states), dtype=int)
    value[0] = log_prob[0] + np.log(p_init + TINY)
    for t in range(1, n_steps):
        trans_out = value[t - 1] + log_trans.T  # [to, from]
        ptr[t] = np.argmax(trans_out, axis=1)
        value[t] = log_prob[t] + trans_out[np.arange(n_states), ptr[t]]
    state = np.zeros(n_steps, dtype=int)
    state[-1] = np.argmax(value[-1])
    for t in range(n_steps - 2, -1, -1):
        state[t] = ptr[t + 1, state[t + 1]]
    return state


def pyin(y, sr, fmin, fmax, frame_length, n_thresholds=100, beta_parameters=(2, 18), boltzmann_parameter=2,
         resolution=0.1, max_transition_rate=35.92, switch_prob=0.01, no_trough_prob=0.01):
    yin_frames, shifts, min_period, hop = setup(y, sr, fmin, fmax, frame_length)
    thresholds = np.linspace(0, 1, n_thresholds + 1)
    beta_probs = np.diff([beta_cdf(t, *beta_parameters) for t in thresholds])
    n_bins_per_semitone = int(np.ceil(1.0 / resolution))
    n_pitch_bins = int(np.floor(12 * n_bins_per_semitone * np.log2(fmax / fmin))) + 1
    yin_probs = np.zeros_like(yin_frames)
    for i, yin_frame in enumerate(yin_frames.T):
        is_trough = localmin(yin_frame)
        is_trough[0] = yin_frame[0] < yin_frame[1]
        (trough_index,) = np.nonzero(is_trough)
        if len(trough_index) == 0:
            continue
        trough_heights = yin_frame[trough_index]
        trough_thresholds = np.less.outer(trough_heights, thresholds[1:])
        trough_positions = np.cumsum(trough_thresholds, axis=0) - 1
        n_troughs = np.count_nonzero(trough_thresholds, axis=0)
        trough_prior = boltzmann_pmf(trough_positions, boltzmann_parameter, n_troughs)
        trough_prior[~trough_thresholds] = 0
        probs = trough_prior.dot(beta_probs)
        global_min = np.argmin(trough_heights)
        n_thresholds_below_min = np.count_nonzero(~trough_thresholds[global_min, :])
        probs[global_min] += no_trough_prob * np.sum(beta_probs[:n_thresholds_below_min])
        yin_probs[trough_index, i] = probs
    yin_period, frame_index = np.nonzero(yin_probs)
    period_candidates = min_period + yin_period + shifts[yin_period, frame_index]
    f0_candidates = sr / period_candidates
    bin_index = 12 * n_bins_per_semitone * np.log2(f0_candidates / fmin)
    bin_index = np.clip(np.round(bin_index), 0, n_pitch_bins).astype(int)
    observation_probs = np.zeros((2 * n_pitch_bins, yin_frames.shape[1]))
    observation_probs[bin_index, frame_index] = yin_probs[yin_period, frame_index]
    voiced_prob = np.clip(np.sum(observation_probs[:n_pitch_bins, :], axis=0), 0, 1)
    observation_probs[n_pitch_bins:, :] = (1 - voiced_prob) / n_pitch_bins
    max_semitones_per_frame = round(max_transition_rate * 12 * hop / sr)
    transition_width = max_semitones_per_frame * n_bins_per_semitone + 1
    transition = transition_local(n_pitch_bins, transition_width)
    t_switch = np.array([[1 - switch_prob, switch_prob], [switch_prob, 1 - switch_prob]])
    transition = np.kron(t_switch, transition)
    p_init = np.zeros(2 * n_pitch_bins)
    p_init[n_pitch_bins:] = 1 / n_pitch_bins
    states = viterbi(observation_probs, transition, p_init)
    freqs = fmin * 2 ** (np.arange(n_pitch_bins) / (12 * n_bins_per_semitone))
    f0 = freqs[states % n_pitch_bins]
    voiced_flag = states < n_pitch_bins
    return f0, voiced_flag, voiced_prob


def main():
    samples_path, out_path = sys.argv[1:3]
    jfk = np.fromfile(samples_path, dtype="<f4").astype(np.float64)
    clip = jfk[: 4 * 16000]
    out = {}
    # Speech defaults at 16 kHz: fmin 50, fmax 600, frame 1486 (2048 at 22050 Hz scaled).
    out["yin_16k"] = yin(clip, 16000, 50.0, 600.0, 1486)
    f0, voiced, prob = pyin(clip, 16000, 50.0, 600.0, 1486)
    out["pyin_16k_f0"], out["pyin_16k_voiced"], out["pyin_16k_prob"] = f0, voiced, prob
    # The same samples read as 22050 Hz, librosa's own frame (2048) and its usual C2..C7 range.
    f0, voiced, prob = pyin(clip, 22050, 65.40639132514966, 2093.004522404789, 2048)
    out["pyin_22k_f0"], out["pyin_22k_voiced"], out["pyin_22k_prob"] = f0, voiced, prob
    np.savez_compressed(out_path, **{k: np.asarray(v, dtype="<f8") for k, v in out.items()})
    for name, values in out.items():
        print(f"{name}: {np.shape(values)} voiced={np.mean(values) if 'voiced' in name else ''}")


if __name__ == "__main__":
    main()
