/**
 * `GET /v1/realtime?intent=transcription`: OpenAI's realtime transcription protocol over a
 * WebSocket (see `realtime/realtime-session.ts`). The event schemas are published in the OpenAPI
 * document's components, named by event type.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { CLIENT_EVENT_SCHEMAS } from '../realtime/client-events.js';
import { RealtimeSession } from '../realtime/realtime-session.js';
import { SERVER_EVENT_SCHEMAS } from '../realtime/server-events.js';
import type { RouteModule } from '../types.js';
import { errorResponses } from './openai-schemas.js';
import { registerSocketRoute } from './socket-route.js';

const Query = Type.Object({
  intent: Type.Literal('transcription', {
    description: 'Only transcription sessions are offered (no spoken responses).',
  }),
  model: Type.Optional(
    Type.String({
      description:
        'The first transcription model (a session may change it); default the server default.',
    }),
  ),
  api_key: Type.Optional(
    Type.String({
      description:
        'An API key, for clients that cannot set headers; the subprotocol `openai-insecure-api-key.KEY` works too.',
    }),
  ),
});

/** The event type a schema describes (its `type` literal). */
function eventType(schema: { properties: { type: unknown } }): string {
  return (schema.properties.type as { const: string }).const;
}

const DESCRIPTION = `A WebSocket (send \`Upgrade: websocket\`; a plain GET gets 426) speaking OpenAI's realtime **transcription** protocol, in its beta and GA shapes.

**Audio**: 16-bit little-endian mono PCM at 24 kHz, base64 in \`input_audio_buffer.append\` (at most 21 MiB per message).

**Client events**: ${CLIENT_EVENT_SCHEMAS.map((schema) => `\`${eventType(schema)}\``).join(', ')}.

**Server events**: ${SERVER_EVENT_SCHEMAS.map((schema) => `\`${eventType(schema)}\``).join(', ')}. Their schemas are in this document's components (\`realtime.client.*\`, \`realtime.server.*\`).

**Turns**: with \`turn_detection\` \`server_vad\` (the default: threshold 0.5, prefix padding 300 ms, silence 500 ms), Silero VAD finds each turn: \`speech_started\`, \`speech_stopped\` and \`committed\` follow, then the turn is transcribed (\`delta\` per decoded segment, then \`completed\` or \`failed\`). With \`turn_detection: null\` the client commits. Times (\`audio_start_ms\`, \`audio_end_ms\`) count from the session's first appended audio.

**Errors**: a refused client event (bad JSON, an unknown type, bad base64, an odd byte count, a full buffer, an invalid setting) gets an \`error\` event and the session goes on. Before the upgrade: 400 (bad query), 401 (API key), 404 (unknown \`model\`), 429 (too many sockets or rate limit).

**Close codes**: 1001 when the server shuts down (committed turns are finished first), 1009 for a message over the limit, 1011 on an internal failure.`;

/** Publishes the event schemas under `components.schemas` of the OpenAPI document. */
function addEventSchemas(app: FastifyInstance): void {
  for (const schema of CLIENT_EVENT_SCHEMAS)
    app.addSchema({ ...schema, $id: `realtime.client.${eventType(schema)}` });
  for (const schema of SERVER_EVENT_SCHEMAS)
    app.addSchema({ ...schema, $id: `realtime.server.${eventType(schema)}` });
}

export const realtimeRoutes: RouteModule = {
  name: 'realtime',
  surface: 'openai',
  register: async (app, { context }) => {
    addEventSchemas(app);
    registerSocketRoute(app, context, {
      url: '/v1/realtime',
      schema: {
        tags: ['Realtime'],
        summary: 'Realtime transcription over a WebSocket (OpenAI realtime protocol)',
        description: DESCRIPTION,
        querystring: Query,
        response: {
          101: { description: 'Switching Protocols: the session starts.', type: 'null' },
          426: errorResponses[400],
          ...errorResponses,
        },
      },
      check: (request) => {
        const { model } = request.query as { model?: string };
        if (model) context.models.resolve(model);
      },
      protocol: (channel, request) =>
        new RealtimeSession({
          context,
          send: (event) => channel.send(event),
          model: (request.query as { model?: string }).model ?? null,
        }),
    });
  },
};
