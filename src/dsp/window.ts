/** Analysis windows, as numpy/scipy/torch define them. */

export type WindowName = 'hann' | 'hamming' | 'povey' | 'rectangular';

/**
 * A window of `length` samples. `periodic` (the default, as in `torch.hann_window` and
 * `scipy.signal.get_window`) computes the window of length + 1 and drops the last sample, which
 * is what spectral analysis wants; `periodic: false` gives the symmetric form (`numpy.hanning`).
 */
export function createWindow(
  name: WindowName,
  length: number,
  options: { periodic?: boolean } = {},
): Float64Array {
  const periodic = options.periodic ?? true;
  const window = new Float64Array(length);
  if (length === 1) {
    window[0] = 1;
    return window;
  }
  const denominator = periodic ? length : length - 1;
  for (let i = 0; i < length; i++) {
    const phase = (2 * Math.PI * i) / denominator;
    switch (name) {
      case 'hann':
        window[i] = 0.5 - 0.5 * Math.cos(phase);
        break;
      case 'hamming':
        window[i] = 0.54 - 0.46 * Math.cos(phase);
        break;
      case 'povey':
        // Kaldi's window: a Hann window raised to 0.85, always symmetric.
        window[i] = (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1))) ** 0.85;
        break;
      case 'rectangular':
        window[i] = 1;
        break;
    }
  }
  return window;
}
