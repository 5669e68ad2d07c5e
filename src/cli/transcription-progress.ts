/**
 * Transcription progress for a person: on a terminal a bar per file redrawn in place (audio
 * seconds done, speed as a multiple of real time, time left); elsewhere one line when a file is
 * done, so redirected output stays readable.
 */
import type { TranscriptionProgress } from '../asr/types.js';
import { formatDuration } from './download-progress.js';

type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

const BAR_WIDTH = 24;

export interface FileProgress {
  update(progress: TranscriptionProgress): void;
  /** Ends the bar (or prints the summary line). */
  done(totalS: number): void;
  fail(): void;
}

export function transcriptionProgress(
  output: Output,
  name: string,
  now: () => number = () => performance.now(),
): FileProgress {
  const started = now();
  const tty = output.isTTY === true;
  let drawn = false;
  const speed = (doneS: number) => {
    const elapsedS = (now() - started) / 1000;
    return elapsedS > 0 ? doneS / elapsedS : 0;
  };
  const describe = ({ doneS, totalS }: TranscriptionProgress) => {
    const fraction = totalS > 0 ? Math.min(1, doneS / totalS) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const rate = speed(doneS);
    const parts = [
      `${Math.floor(fraction * 100)}%`.padStart(4),
      `${formatDuration(doneS)} / ${formatDuration(totalS)}`,
      rate > 0 ? `${rate.toFixed(1)}× real time` : '',
      rate > 0 && doneS < totalS ? `ETA ${formatDuration((totalS - doneS) / rate)}` : '',
    ].filter(Boolean);
    const tail = ` [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${parts.join('  ')}`;
    const room = Math.max(8, (output.columns ?? 80) - tail.length - 1);
    return `${name.length > room ? `…${name.slice(name.length - room + 1)}` : name}${tail}`;
  };
  return {
    update(progress) {
      if (!tty) return;
      output.write(`\r\x1b[2K${describe(progress)}`);
      drawn = true;
    },
    done(totalS) {
      if (tty) {
        output.write(`\r\x1b[2K${describe({ doneS: totalS, totalS })}\n`);
        return;
      }
      const elapsedS = (now() - started) / 1000;
      output.write(
        `${name}: ${formatDuration(totalS)} of audio in ${elapsedS.toFixed(1)} s (${speed(totalS).toFixed(1)}× real time)\n`,
      );
    },
    fail() {
      if (drawn) output.write('\n');
    },
  };
}
