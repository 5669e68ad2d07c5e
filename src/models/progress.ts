/**
 * Download progress as events, so each surface renders it its own way: the CLI draws a bar per
 * file on a terminal and prints lines otherwise, a server logs.
 */
import type { Logger } from '../logging.js';

export type DownloadEvent =
  | {
      type: 'start';
      model: string;
      file: string;
      /** Size when known. */
      totalBytes: number | null;
      /** Bytes already on disk from an interrupted download. */
      resumedFrom: number;
    }
  | {
      type: 'progress';
      model: string;
      file: string;
      receivedBytes: number;
      totalBytes: number | null;
    }
  | {
      type: 'retry';
      model: string;
      file: string;
      attempt: number;
      receivedBytes: number;
      reason: string;
    }
  | { type: 'waiting'; model: string; file: string; holder: string }
  | {
      type: 'done';
      model: string;
      file: string;
      totalBytes: number;
      /** How the file was checked against the hub's metadata. */
      verified: 'sha256' | 'git-sha1' | 'size' | 'none';
    };

export type DownloadListener = (event: DownloadEvent) => void;

/** Progress as structured log lines (for servers): start, retries and completion, not every chunk. */
export function logDownloads(logger: Logger): DownloadListener {
  return (event) => {
    const { type, ...fields } = event;
    if (type === 'progress') return;
    if (type === 'retry') logger.warn(fields, 'model download interrupted, resuming');
    else if (type === 'waiting') logger.info(fields, 'waiting for another download of this file');
    else
      logger.info(fields, type === 'start' ? 'model download started' : 'model download finished');
  };
}
