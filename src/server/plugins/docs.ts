/**
 * The OpenAPI document, generated from the route schemas, and Swagger UI at `/docs` (its assets
 * are served from the installed package: the page works with no internet access).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../../version.js';

export async function installDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    // Shared schemas (the WebSocket event types) appear in `components.schemas` under their $id.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json['$id'] === 'string' ? json['$id'] : `def-${index}`,
    },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Earshot speech API',
        description:
          "Local, private speech recognition and synthesis. OpenAI-compatible audio routes under `/v1` (transcriptions, translations, speech, voices), live transcription over WebSockets (`/v1/realtime` in OpenAI's protocol, `/v1/stream` in Earshot's live event protocol), the whisper-asr-webservice routes Bazarr uses (`/asr`, `/detect-language`), and operations routes (`/health`, `/ready`, `/metrics`). Errors under `/v1` use OpenAI's `{ error: { message, type, param, code } }` shape.",
        version: VERSION,
      },
      tags: [
        {
          name: 'OpenAI audio',
          description: 'OpenAI-compatible transcription, translation and speech synthesis.',
        },
        { name: 'OpenAI models', description: 'Models this server offers.' },
        { name: 'whisper-asr-webservice', description: 'The API Bazarr speaks.' },
        { name: 'Realtime', description: 'Live transcription over WebSockets.' },
        { name: 'Operations', description: 'Health, readiness and metrics.' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKeyHeader: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    staticCSP: true,
  });
}
