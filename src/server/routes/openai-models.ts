/** `GET /v1/models` and `GET /v1/models/{id}`: the models (and aliases) this server offers. */
import { Type } from 'typebox';
import type { RouteModule } from '../types.js';
import { errorResponses, Model, ModelList } from './openai-schemas.js';

export const openAiModelRoutes: RouteModule = {
  name: 'openai-models',
  surface: 'openai',
  prefix: '/v1',
  register: async (app, { context }) => {
    const created = Math.floor(Date.now() / 1000);
    const model = (id: string) => ({
      id,
      object: 'model' as const,
      created,
      owned_by: 'earshot',
    });
    app.get(
      '/v1/models',
      {
        schema: {
          tags: ['OpenAI models'],
          summary: 'List the models and model aliases requests may name',
          response: { 200: ModelList, ...errorResponses },
        },
      },
      async () => ({ object: 'list' as const, data: context.models.names().map(model) }),
    );
    const retrieve = async (id: string) => {
      context.models.resolve(id); // throws model_not_found for names this server does not offer
      return model(id);
    };
    app.get(
      '/v1/models/:id',
      {
        schema: {
          tags: ['OpenAI models'],
          summary: 'Describe one model (ids containing "/" may be sent URL-encoded or as is)',
          params: Type.Object({ id: Type.String() }),
          response: { 200: Model, ...errorResponses },
        },
      },
      async (request) => retrieve(request.params.id),
    );
    app.get(
      '/v1/models/:owner/:name',
      {
        schema: {
          tags: ['OpenAI models'],
          summary: 'Describe one hub model, such as onnx-community/whisper-base',
          params: Type.Object({ owner: Type.String(), name: Type.String() }),
          response: { 200: Model, ...errorResponses },
        },
      },
      async (request) => retrieve(`${request.params.owner}/${request.params.name}`),
    );
  },
};
