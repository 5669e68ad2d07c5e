/** IEEE 754 half-precision conversion for fp16 model exports (inputs in, logits out). */

const floatView = new Float32Array(1);
const intView = new Uint32Array(floatView.buffer);

export function float32ToFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    floatView[0] = values[i] as number;
    const bits = intView[0] as number;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
    let mantissa = bits & 0x7fffff;
    if (exponent >= 31) {
      // Overflow becomes infinity; NaN stays NaN.
      out[i] = sign | 0x7c00 | (((bits >>> 23) & 0xff) === 0xff && mantissa ? 0x200 : 0);
    } else if (exponent <= 0) {
      if (exponent < -10) {
        out[i] = sign;
      } else {
        mantissa |= 0x800000;
        const shift = 14 - exponent;
        const rounded = (mantissa + (1 << (shift - 1)) - 1 + ((mantissa >>> shift) & 1)) >>> shift;
        out[i] = sign | rounded;
      }
    } else {
      const rounded = mantissa + 0xfff + ((mantissa >>> 13) & 1);
      if (rounded & 0x800000) {
        out[i] = exponent + 1 >= 31 ? sign | 0x7c00 : sign | ((exponent + 1) << 10);
      } else {
        out[i] = sign | (exponent << 10) | (rounded >>> 13);
      }
    }
  }
  return out;
}

export function float16ToFloat32(values: Uint16Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const bits = values[i] as number;
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (mantissa / 1024);
    else if (exponent === 31) out[i] = mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
  }
  return out;
}
