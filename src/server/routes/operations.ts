/**
 * Operations: `/health` (the process answers), `/ready` (every configured model loads),
 * `/metrics` (Prometheus), and `/` (a pointer to the documentation).
 */
import { Type } from 'typebox';
import type { RouteModule } from '../types.js';

const ModelReadiness = Type.Object({
  id: Type.String(),
  ready: Type.Boolean(),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

const Readiness = Type.Object({
  status: Type.Enum(['ready', 'unavailable']),
  models: Type.Array(ModelReadiness),
});

export const operationsRoutes: RouteModule = {
  name: 'operations',
  surface: 'operations',
  register: async (app, { context }) => {
    app.get(
      '/health',
      {
        config: { public: true },
        schema: {
          tags: ['Operations'],
          summary: 'Liveness: the server process answers',
          security: [],
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/ready',
      {
        config: { public: true },
        schema: {
          tags: ['Operations'],
          summary: 'Readiness: every configured model can be loaded (loading it if needed)',
          security: [],
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (_request, reply) => {
        const models = await context.models.check();
        const ready = models.every((model) => model.ready);
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? ('ready' as const) : ('unavailable' as const), models });
      },
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['Operations'],
          summary: 'Prometheus metrics',
          response: {
            200: {
              description: 'Prometheus text exposition format.',
              content: { 'text/plain': { schema: Type.String() } },
            },
          },
        },
      },
      async (_request, reply) => {
        const { contentType, body } = await context.metrics.render();
        return reply.type(contentType).send(body);
      },
    );

    app.get('/', { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
      reply.redirect('/docs'),
    );
  },
};
