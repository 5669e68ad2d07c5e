/**
 * Server-sent events: `data: <json>` messages on a stream a Fastify reply can send. Writing
 * after the client has gone is a no-op, so producers need not check.
 */
import { PassThrough } from 'node:stream';

export class EventStream {
  readonly stream = new PassThrough();
  private ended = false;

  constructor() {
    // The client may go away at any moment; the producer just stops being heard.
    this.stream.on('error', () => {});
    this.stream.on('close', () => {
      this.ended = true;
    });
  }

  send(event: Record<string, unknown>): void {
    if (this.ended) return;
    this.stream.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.end();
  }
}

export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Proxies such as nginx would otherwise hold events back until the response ends.
  'x-accel-buffering': 'no',
};
