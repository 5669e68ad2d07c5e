/** Numerically stable log-softmax family over Float32Array logits (−Infinity allowed). */

export function logSumExp(values: ArrayLike<number>, from = 0, to = values.length): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) if ((values[i] as number) > max) max = values[i] as number;
  if (max === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.exp((values[i] as number) - max);
  return max + Math.log(sum);
}

/** log-softmax of `logits` into a new Float64Array. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const normaliser = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] as number) - normaliser;
  return out;
}

export function argmax(values: ArrayLike<number>, from = 0, to = values.length): number {
  let best = from;
  for (let i = from + 1; i < to; i++)
    if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Indices of the `k` largest values, largest first (ties broken by lower index). */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === Number.NEGATIVE_INFINITY) continue;
    if (best.length < k || value > (values[best[best.length - 1] as number] as number)) {
      let position = best.length;
      while (position > 0 && (values[best[position - 1] as number] as number) < value) position--;
      best.splice(position, 0, i);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/** A small seeded generator (mulberry32), so sampling is reproducible when a seed is given. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws an index from softmax(logits / temperature). */
export function sample(
  logits: ArrayLike<number>,
  temperature: number,
  random: () => number,
): number {
  const scaled = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) scaled[i] = (logits[i] as number) / temperature;
  const normaliser = logSumExp(scaled);
  let threshold = random();
  for (let i = 0; i < scaled.length; i++) {
    threshold -= Math.exp((scaled[i] as number) - normaliser);
    if (threshold <= 0) return i;
  }
  return argmax(scaled);
}
