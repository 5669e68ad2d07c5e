/**
 * `GET /v1/stream`: Earshot's live transcription over a WebSocket (see `stream/stream-session.ts`):
 * binary pcm16 audio in, the live event protocol out, unchanged. The control messages and every
 * live event are published in the OpenAPI document's components.
 */
import type { FastifyInstance } from 'fastify';
import { LIVE_EVENT_VERSION, LiveEventSchema } from '../../stream/events.js';
import {
  resolveStreamSettings,
  STREAM_CONTROL_SCHEMAS,
  type StreamOptions,
  StreamQuerySchema,
} from '../stream/stream-options.js';
import { StreamSession } from '../stream/stream-session.js';
import type { RouteModule } from '../types.js';
import { errorResponses } from './openai-schemas.js';
import { registerSocketRoute } from './socket-route.js';

const DESCRIPTION = `A WebSocket (send \`Upgrade: websocket\`; a plain GET gets 426) carrying Earshot's live transcription: fast draft words, confirmed or corrected by an accurate pass, and finals.

**Audio**: binary messages of 16-bit little-endian mono PCM, 16 kHz unless \`sample_rate\` says otherwise (resampled to 16 kHz as it arrives); each message holds whole samples (an even number of bytes).

**Control messages** (JSON text): an optional first \`stream.configure\` with the same options as the query string (unknown keys are refused), and \`stream.end\`: the last utterance is transcribed to its final, the session ends and the socket closes with 1000.

**Events**: every live event (protocol version ${LIVE_EVENT_VERSION}) as one JSON text message, exactly as \`earshot live --json\` prints them: \`session\` (started, ended), \`speech_started\`, \`speech_stopped\`, \`token\`, \`confirm\`, \`diff\`, \`backtrack\`, \`final\`, \`window\`, \`error\`. Their schemas are in this document's components (\`live.event.*\`) and in \`schema/live-event.schema.json\`. The session starts with the first audio message (or \`stream.configure\`, or \`stream.end\`).

**Errors**: a refused message (bad JSON, an unknown type, a text message where audio is expected, an odd byte count, an invalid option, audio past \`server.streamMaxAudioS\`, a message after \`stream.end\`) gets an \`error\` event (\`source: "source"\`, \`fatal: false\`) and the session goes on. A model that cannot be opened gets a fatal \`error\` event and the socket closes with 1011. Before the upgrade: 400 (bad query), 401 (API key), 404 (unknown model), 429 (too many sockets or rate limit).

**Close codes**: 1000 after \`stream.end\`, 1001 when the server shuts down (the last utterance gets its final first), 1009 for a message over the limit, 1011 on a failure.`;

/** The message type a schema describes (its `type` literal). */
function messageType(schema: { properties: { type: unknown } }): string {
  return (schema.properties.type as { const: string }).const;
}

/** Publishes the control messages and live events under `components.schemas`. */
function addEventSchemas(app: FastifyInstance): void {
  for (const schema of STREAM_CONTROL_SCHEMAS)
    app.addSchema({ ...schema, $id: `stream.client.${messageType(schema)}` });
  for (const schema of LiveEventSchema.anyOf)
    app.addSchema({ ...schema, $id: `live.event.${messageType(schema)}` });
}

export const streamRoutes: RouteModule = {
  name: 'stream',
  surface: 'openai',
  register: async (app, { context }) => {
    addEventSchemas(app);
    registerSocketRoute(app, context, {
      url: '/v1/stream',
      schema: {
        tags: ['Realtime'],
        summary: 'Live transcription over a WebSocket (Earshot live event protocol)',
        description: DESCRIPTION,
        querystring: StreamQuerySchema,
        response: {
          101: { description: 'Switching Protocols: the session starts.', type: 'null' },
          426: errorResponses[400],
          ...errorResponses,
        },
      },
      // Unknown models and languages are refused before the upgrade.
      check: (request) => {
        resolveStreamSettings(request.query as StreamOptions, context);
      },
      protocol: (channel, request) => {
        const { api_key: _key, ...query } = request.query as StreamOptions & { api_key?: string };
        return new StreamSession({
          context,
          query,
          send: (event) => channel.send(event),
          close: (code, reason) => channel.close(code, reason),
        });
      },
    });
  },
};
