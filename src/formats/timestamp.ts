/** Subtitle time stamps, formatted as OpenAI's `format_timestamp`. */

/** Python's `round()`: halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const difference = value - floor;
  if (Math.abs(difference - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(value);
}

export function formatTimestamp(
  seconds: number,
  options: { alwaysIncludeHours?: boolean; decimalMarker?: string } = {},
): string {
  let milliseconds = roundHalfEven(Math.max(0, seconds) * 1000);
  const hours = Math.floor(milliseconds / 3_600_000);
  milliseconds -= hours * 3_600_000;
  const minutes = Math.floor(milliseconds / 60_000);
  milliseconds -= minutes * 60_000;
  const wholeSeconds = Math.floor(milliseconds / 1000);
  milliseconds -= wholeSeconds * 1000;
  const hoursPart =
    options.alwaysIncludeHours || hours > 0 ? `${String(hours).padStart(2, '0')}:` : '';
  return `${hoursPart}${String(minutes).padStart(2, '0')}:${String(wholeSeconds).padStart(2, '0')}${options.decimalMarker ?? '.'}${String(milliseconds).padStart(3, '0')}`;
}
