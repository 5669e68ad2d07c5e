/**
 * Renders model download events for a person: on a terminal, one bar per file redrawn in place
 * (bytes, speed, time left); otherwise plain lines at the start, every 10 % and at the end, so
 * logs and CI output stay readable.
 */
import type { DownloadEvent, DownloadListener } from '../models/progress.js';

export interface ProgressOptions {
  /** Milliseconds clock (injectable for tests). */
  now?: () => number;
  /** Terminal width when the stream does not say. */
  columns?: number;
}

type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

interface FileState {
  total: number | null;
  received: number;
  /** Recent (time, bytes) samples for the speed over the last few seconds. */
  samples: { at: number; bytes: number }[];
  lastDecile: number;
}

const SPEED_WINDOW_MS = 5000;
const BAR_WIDTH = 24;

function speedOf(state: FileState): number {
  const first = state.samples[0];
  const last = state.samples.at(-1);
  if (!first || !last || last.at <= first.at) return 0;
  return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
}

/** A listener that draws bars on a TTY and prints lines elsewhere. */
export function downloadProgress(output: Output, options: ProgressOptions = {}): DownloadListener {
  const now = options.now ?? (() => performance.now());
  const files = new Map<string, FileState>();
  const tty = output.isTTY === true;
  let barOpen = false;

  const endBar = () => {
    if (barOpen) output.write('\n');
    barOpen = false;
  };
  const line = (text: string) => {
    endBar();
    output.write(`${text}\n`);
  };

  const describe = (file: string, state: FileState): string => {
    const speed = speedOf(state);
    const parts = [
      state.total
        ? `${Math.floor((100 * state.received) / state.total)}%`.padStart(tty ? 4 : 0)
        : '',
      state.total
        ? `${formatBytes(state.received)} / ${formatBytes(state.total)}`
        : formatBytes(state.received),
      speed > 0 ? `${formatBytes(speed)}/s` : '',
      state.total && speed > 0
        ? `ETA ${formatDuration((state.total - state.received) / speed)}`
        : '',
    ].filter((part) => part !== '');
    if (!tty) return `${file}: ${parts.join(', ')}`;
    const fraction = state.total ? Math.min(1, state.received / state.total) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
    const tail = ` ${bar} ${parts.join('  ')}`;
    const columns = output.columns ?? options.columns ?? 80;
    const room = Math.max(8, columns - tail.length - 1);
    const name = file.length > room ? `…${file.slice(file.length - room + 1)}` : file;
    return `${name}${tail}`;
  };

  const handle = (event: DownloadEvent): void => {
    switch (event.type) {
      case 'start': {
        const at = now();
        files.set(event.file, {
          total: event.totalBytes,
          received: event.resumedFrom,
          samples: [{ at, bytes: event.resumedFrom }],
          lastDecile: 0,
        });
        const size = event.totalBytes === null ? '' : ` (${formatBytes(event.totalBytes)})`;
        const resumed =
          event.resumedFrom > 0 ? `, resuming at ${formatBytes(event.resumedFrom)}` : '';
        if (!tty) line(`downloading ${event.model}: ${event.file}${size}${resumed}`);
        else if (resumed) line(`${event.file}: resuming at ${formatBytes(event.resumedFrom)}`);
        return;
      }
      case 'progress': {
        const state = files.get(event.file);
        if (!state) return;
        const at = now();
        state.received = event.receivedBytes;
        state.total = event.totalBytes ?? state.total;
        state.samples.push({ at, bytes: event.receivedBytes });
        while (state.samples.length > 2 && at - (state.samples[0]?.at ?? at) > SPEED_WINDOW_MS) {
          state.samples.shift();
        }
        if (tty) {
          output.write(`\r\x1b[2K${describe(event.file, state)}`);
          barOpen = true;
          return;
        }
        const decile = state.total ? Math.floor((10 * state.received) / state.total) : 0;
        if (decile > state.lastDecile && decile < 10) {
          state.lastDecile = decile;
          line(describe(event.file, state));
        }
        return;
      }
      case 'retry':
        line(
          `${event.file}: connection lost after ${formatBytes(event.receivedBytes)} (${event.reason}); resuming, attempt ${event.attempt}`,
        );
        return;
      case 'waiting':
        line(`${event.file}: waiting for ${event.holder}, which is downloading it`);
        return;
      case 'done': {
        const state = files.get(event.file);
        files.delete(event.file);
        const verified =
          event.verified === 'none' ? 'not verifiable' : `${event.verified} verified`;
        if (tty && state) {
          state.received = event.totalBytes;
          output.write(`\r\x1b[2K${describe(event.file, state)}  ✓ ${verified}\n`);
          barOpen = false;
          return;
        }
        line(`${event.file}: done, ${formatBytes(event.totalBytes)}, ${verified}`);
        return;
      }
    }
  };
  return handle;
}
