/**
 * A pitch and loudness plot as a standalone SVG document, written by hand: time on the x axis,
 * f0 in Hz on the left axis (a path broken where unvoiced), loudness in LUFS on the right axis,
 * tick labels, axis titles and a legend.
 */
import type { ProsodyAnalysis } from '../dsp/prosody/analyze.js';

export interface PlotOptions {
  title?: string;
  width?: number;
  height?: number;
}

const MARGIN = { left: 70, right: 80, top: 44, bottom: 52 };
const PITCH_COLOUR = '#c0392b';
const LOUDNESS_COLOUR = '#7f8c8d';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values spanning [low, high]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function ticks(low: number, high: number, count = 6): number[] {
  const span = high - low;
  if (!(span > 0)) return [low];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  // From the step at or below `low` to the one at or above `high`, so the axis covers the data.
  const values: number[] = [];
  const last = Math.ceil(high / step - 1e-9) * step;
  for (let v = Math.floor(low / step + 1e-9) * step; v <= last + step * 1e-9; v += step)
    values.push(Number(v.toPrecision(12)));
  return values;
}

function format(value: number): string {
  return Number.isInteger(value)
    ? String(value)
    : value.toFixed(Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value) || 1))));
}

export function pitchPlotSvg(analysis: ProsodyAnalysis, options: PlotOptions = {}): string {
  const width = options.width ?? 960;
  const height = options.height ?? 420;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const { times, f0, loudness } = analysis.tracks;
  const duration = Math.max(analysis.durationS, 1e-3);

  const voicedF0 = Array.from(f0).filter(Number.isFinite);
  const pitchTicks = ticks(
    voicedF0.length ? Math.max(0, Math.min(...voicedF0) * 0.9) : 50,
    voicedF0.length ? Math.max(...voicedF0) * 1.1 : 400,
    5,
  );
  const pitchLow = pitchTicks[0] as number;
  const pitchHigh = Math.max(pitchTicks.at(-1) as number, pitchLow + 1);
  const levels = Array.from(loudness).filter((v) => Number.isFinite(v) && v > -120);
  const loudLow = levels.length ? Math.max(-90, Math.min(...levels)) : -60;
  const loudTicks = ticks(
    Math.floor(loudLow / 10) * 10,
    levels.length ? Math.ceil(Math.max(...levels) / 10) * 10 : 0,
    5,
  );
  const loudMin = loudTicks[0] as number;
  const loudMax = Math.max(loudTicks.at(-1) as number, loudMin + 1);

  const x = (t: number) => MARGIN.left + (t / duration) * plotWidth;
  const yPitch = (hz: number) =>
    MARGIN.top + plotHeight * (1 - (hz - pitchLow) / (pitchHigh - pitchLow));
  const yLoud = (lufs: number) =>
    MARGIN.top +
    plotHeight * (1 - (Math.min(loudMax, Math.max(loudMin, lufs)) - loudMin) / (loudMax - loudMin));
  const point = (px: number, py: number) => `${px.toFixed(1)} ${py.toFixed(1)}`;

  let pitchPath = '';
  let drawing = false;
  for (let t = 0; t < times.length; t++) {
    const hz = f0[t] as number;
    if (!Number.isFinite(hz)) {
      drawing = false;
      continue;
    }
    pitchPath += `${drawing ? 'L' : 'M'}${point(x(times[t] as number), yPitch(hz))} `;
    drawing = true;
  }
  let loudPath = '';
  for (let t = 0; t < times.length; t++)
    loudPath += `${t === 0 ? 'M' : 'L'}${point(x(times[t] as number), yLoud(loudness[t] as number))} `;

  const bottom = MARGIN.top + plotHeight;
  const right = MARGIN.left + plotWidth;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<title>${escapeXml(options.title ?? 'Pitch and loudness')}</title>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(options.title ?? 'Pitch and loudness')}</text>`,
  );
  parts.push('<g id="grid" stroke="#e5e5e5">');
  for (const hz of pitchTicks)
    parts.push(
      `<line x1="${MARGIN.left}" x2="${right}" y1="${yPitch(hz).toFixed(1)}" y2="${yPitch(hz).toFixed(1)}"/>`,
    );
  parts.push('</g>');
  parts.push(
    `<path id="loudness" d="${loudPath.trim()}" fill="none" stroke="${LOUDNESS_COLOUR}" stroke-width="1.2"/>`,
  );
  parts.push(
    `<path id="pitch" d="${pitchPath.trim()}" fill="none" stroke="${PITCH_COLOUR}" stroke-width="2"/>`,
  );
  parts.push('<g id="axes" stroke="#333333" fill="#333333">');
  parts.push(`<line x1="${MARGIN.left}" y1="${bottom}" x2="${right}" y2="${bottom}"/>`);
  parts.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}"/>`);
  parts.push(`<line x1="${right}" y1="${MARGIN.top}" x2="${right}" y2="${bottom}"/>`);
  for (const t of ticks(0, analysis.durationS, 8).filter((t) => t <= analysis.durationS + 1e-9)) {
    const px = x(t).toFixed(1);
    parts.push(`<line x1="${px}" y1="${bottom}" x2="${px}" y2="${bottom + 5}"/>`);
    parts.push(
      `<text x="${px}" y="${bottom + 18}" text-anchor="middle" stroke="none">${format(t)}</text>`,
    );
  }
  for (const hz of pitchTicks) {
    const py = yPitch(hz).toFixed(1);
    parts.push(`<line x1="${MARGIN.left - 5}" y1="${py}" x2="${MARGIN.left}" y2="${py}"/>`);
    parts.push(
      `<text x="${MARGIN.left - 8}" y="${py}" dy="4" text-anchor="end" stroke="none">${format(hz)}</text>`,
    );
  }
  for (const lufs of loudTicks) {
    const py = yLoud(lufs).toFixed(1);
    parts.push(`<line x1="${right}" y1="${py}" x2="${right + 5}" y2="${py}"/>`);
    parts.push(`<text x="${right + 8}" y="${py}" dy="4" stroke="none">${format(lufs)}</text>`);
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 12}" text-anchor="middle" stroke="none">Time (s)</text>`,
  );
  parts.push(
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" stroke="none" fill="${PITCH_COLOUR}">Pitch (Hz)</text>`,
  );
  parts.push(
    `<text transform="translate(${width - 16} ${MARGIN.top + plotHeight / 2}) rotate(90)" text-anchor="middle" stroke="none" fill="${LOUDNESS_COLOUR}">Loudness (LUFS)</text>`,
  );
  parts.push('</g>');
  parts.push(
    `<g id="legend" stroke="none"><rect x="${MARGIN.left + 10}" y="${MARGIN.top + 8}" width="12" height="3" fill="${PITCH_COLOUR}"/><text x="${MARGIN.left + 28}" y="${MARGIN.top + 13}">f0 (pYIN)</text><rect x="${MARGIN.left + 110}" y="${MARGIN.top + 8}" width="12" height="3" fill="${LOUDNESS_COLOUR}"/><text x="${MARGIN.left + 128}" y="${MARGIN.top + 13}">loudness</text></g>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
