export {
  type ConfigSource,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  maskSecrets,
} from './load.js';
export { type Config, LOG_LEVELS, type Setting, settings } from './settings.js';
