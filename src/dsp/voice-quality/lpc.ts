/**
 * Linear prediction by Burg's method (as Praat's formant analysis uses) and the complex roots of
 * its polynomial (Aberth–Ehrlich iteration): the two steps of LPC formant estimation.
 */

export interface ComplexRoots {
  re: Float64Array;
  im: Float64Array;
}

/**
 * Roots of zⁿ + c₁zⁿ⁻¹ + … + cₙ (pass `[1, c₁, …, cₙ]`), by simultaneous Aberth–Ehrlich
 * iteration from points spread on a circle; converges for the well-separated roots of LPC
 * polynomials in a few dozen steps.
 */
export function polynomialRoots(coefficients: Float64Array): ComplexRoots {
  const n = coefficients.length - 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  if (n < 1) return { re, im };
  let radius = 0;
  for (let k = 1; k <= n; k++)
    radius = Math.max(radius, Math.abs(coefficients[k] as number) ** (1 / k));
  radius = Math.max(radius, 1e-3);
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * i) / n + 0.4;
    re[i] = radius * Math.cos(angle);
    im[i] = radius * Math.sin(angle);
  }
  for (let iteration = 0; iteration < 500; iteration++) {
    let largestStep = 0;
    for (let i = 0; i < n; i++) {
      const zr = re[i] as number;
      const zi = im[i] as number;
      // Horner for p(z) and p'(z).
      let pr = 1;
      let pi = 0;
      let dr = 0;
      let di = 0;
      for (let k = 1; k <= n; k++) {
        const ndr = dr * zr - di * zi + pr;
        const ndi = dr * zi + di * zr + pi;
        dr = ndr;
        di = ndi;
        const npr = pr * zr - pi * zi + (coefficients[k] as number);
        const npi = pr * zi + pi * zr;
        pr = npr;
        pi = npi;
      }
      const dd = dr * dr + di * di;
      if (dd === 0) continue;
      // Newton step N = p/p'.
      const nr = (pr * dr + pi * di) / dd;
      const ni = (pi * dr - pr * di) / dd;
      // Σ 1/(z − zⱼ) over the other roots.
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const ar = zr - (re[j] as number);
        const ai = zi - (im[j] as number);
        const aa = ar * ar + ai * ai;
        if (aa === 0) continue;
        sr += ar / aa;
        si -= ai / aa;
      }
      // w = N / (1 − N·S)
      const br = 1 - (nr * sr - ni * si);
      const bi = -(nr * si + ni * sr);
      const bb = br * br + bi * bi;
      if (bb === 0) continue;
      const wr = (nr * br + ni * bi) / bb;
      const wi = (ni * br - nr * bi) / bb;
      re[i] = zr - wr;
      im[i] = zi - wi;
      largestStep = Math.max(largestStep, Math.hypot(wr, wi) / Math.max(1, Math.hypot(zr, zi)));
    }
    if (largestStep < 1e-14) break;
  }
  return { re, im };
}

/** Burg's method: prediction polynomial `[1, a₁, …, a_p]` minimising forward and backward errors. */
export function burg(frame: Float64Array, order: number): Float64Array | null {
  const n = frame.length;
  const forward = Float64Array.from(frame);
  const backward = Float64Array.from(frame);
  const a = new Float64Array(order + 1);
  const previous = new Float64Array(order + 1);
  a[0] = 1;
  let energy = 0;
  for (let i = 0; i < n; i++) energy += (frame[i] as number) ** 2;
  if (!(energy > 0)) return null;
  for (let m = 1; m <= order; m++) {
    let numerator = 0;
    let denominator = 0;
    for (let i = m; i < n; i++) {
      const f = forward[i] as number;
      const b = backward[i - 1] as number;
      numerator += f * b;
      denominator += f * f + b * b;
    }
    if (!(denominator > 0)) return null;
    const k = (-2 * numerator) / denominator;
    previous.set(a);
    for (let j = 1; j < m; j++) a[j] = (previous[j] as number) + k * (previous[m - j] as number);
    a[m] = k;
    for (let i = n - 1; i >= m; i--) {
      const f = forward[i] as number;
      const b = backward[i - 1] as number;
      forward[i] = f + k * b;
      backward[i] = b + k * f;
    }
  }
  return a;
}
