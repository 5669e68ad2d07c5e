/**
 * How `earshot live` shows a session. On a terminal, finished segments are printed as lines of
 * bright text and the segment being heard is redrawn in place: confirmed words bright, draft
 * words dim grey. Elsewhere (a pipe, a file) only finished segments are written, one per line,
 * without colour. Both render from the shared transcript reducer.
 */
import type { LiveEvent } from '../stream/events.js';
import {
  emptyTranscript,
  type LiveTranscript,
  reduceTranscript,
  transcriptText,
} from '../stream/transcript.js';

const BRIGHT = '\x1b[1;97m';
const DRAFT = '\x1b[2;90m';
const RESET = '\x1b[0m';
const CLEAR_LINE = '\r\x1b[2K';

export interface TranscriptView {
  update(event: LiveEvent): void;
  /** The session is over: leaves the output on a fresh line. */
  finish(): void;
}

type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function transcriptView(out: Output): TranscriptView {
  return out.isTTY ? new TerminalView(out) : new LinesView(out);
}

/** Finished segments, one per line: for pipes and files. */
class LinesView implements TranscriptView {
  constructor(private readonly out: Output) {}

  update(event: LiveEvent): void {
    if (event.type === 'final' && event.text.trim().length > 0) {
      this.out.write(`${event.text.trim()}\n`);
    }
  }

  finish(): void {}
}

class TerminalView implements TranscriptView {
  private state: LiveTranscript = emptyTranscript;
  private shownLine = false;

  constructor(private readonly out: Output) {}

  update(event: LiveEvent): void {
    this.state = reduceTranscript(this.state, event);
    if (event.type === 'final') {
      this.clear();
      if (event.text.trim().length > 0) this.out.write(`${BRIGHT}${event.text.trim()}${RESET}\n`);
      // The reducer keeps the final text; the open line starts afresh after a printed segment.
      this.state = { ...this.state, finalText: '' };
    }
    if (
      event.type === 'final' ||
      event.type === 'token' ||
      event.type === 'confirm' ||
      event.type === 'diff' ||
      event.type === 'backtrack'
    ) {
      this.redraw();
    }
  }

  finish(): void {
    this.clear();
  }

  private redraw(): void {
    const { confirmed, draft } = transcriptText(this.state);
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    // Only the end of a long segment fits on the line; the start scrolls off to the left.
    const overflow = confirmed.length + draft.length - width;
    const shownConfirmed =
      overflow > 0 ? confirmed.slice(Math.min(confirmed.length, overflow)) : confirmed;
    const shownDraft =
      overflow > confirmed.length ? draft.slice(overflow - confirmed.length) : draft;
    this.out.write(`${CLEAR_LINE}${BRIGHT}${shownConfirmed}${RESET}${DRAFT}${shownDraft}${RESET}`);
    this.shownLine = confirmed.length + draft.length > 0;
  }

  private clear(): void {
    if (this.shownLine) this.out.write(CLEAR_LINE);
    this.shownLine = false;
  }
}
