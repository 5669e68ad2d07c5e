/**
 * Every route module the server mounts, in order. A feature adds its HTTP API by writing a
 * `RouteModule` and listing it here.
 */
import type { RouteModule } from '../types.js';
import { bazarrRoutes } from './bazarr.js';
import { openAiAudioRoutes } from './openai-audio.js';
import { openAiModelRoutes } from './openai-models.js';
import { openAiSpeechRoutes } from './openai-speech.js';
import { operationsRoutes } from './operations.js';
import { realtimeRoutes } from './realtime.js';
import { streamRoutes } from './stream.js';

export const ROUTE_MODULES: readonly RouteModule[] = [
  operationsRoutes,
  openAiModelRoutes,
  openAiAudioRoutes,
  openAiSpeechRoutes,
  bazarrRoutes,
  realtimeRoutes,
  streamRoutes,
];
