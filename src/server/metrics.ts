/**
 * Prometheus metrics of one server: requests and their latency by route, audio seconds
 * processed, queue depth and active requests per model, model load times, WebSocket connections,
 * sessions and error events, and the process's own metrics (memory, CPU, event loop lag). Each
 * server has its own registry, so several servers in one process (tests, benchmarks) never mix
 * their numbers.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'earshot_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'earshot_http_request_duration_seconds',
    help: 'Time from request start to the end of the response, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly audio = new Counter({
    name: 'earshot_audio_seconds_processed_total',
    help: 'Seconds of audio transcribed, translated or analysed, by model and task.',
    labelNames: ['model', 'task'] as const,
    registers: [this.registry],
  });
  private readonly queued = new Gauge({
    name: 'earshot_model_queue_depth',
    help: 'Requests waiting for a busy model.',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly active = new Gauge({
    name: 'earshot_model_active_requests',
    help: 'Requests a model is working on.',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly loads = new Histogram({
    name: 'earshot_model_load_seconds',
    help: 'Time to load a model, by model and outcome.',
    labelNames: ['model', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  private readonly sockets = new Gauge({
    name: 'earshot_websocket_connections',
    help: 'WebSocket connections open (or being opened), by route.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  private readonly sessions = new Counter({
    name: 'earshot_websocket_sessions_total',
    help: 'WebSocket sessions started (realtime transcription, live stream), by route.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  private readonly socketErrors = new Counter({
    name: 'earshot_websocket_errors_total',
    help: 'Error events sent on WebSocket sessions, by route and error code.',
    labelNames: ['route', 'code'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'earshot_' });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  addAudioSeconds(model: string, task: string, seconds: number): void {
    this.audio.inc({ model, task }, seconds);
  }

  setModelLoad(model: string, active: number, queued: number): void {
    this.active.set({ model }, active);
    this.queued.set({ model }, queued);
  }

  observeModelLoad(model: string, ok: boolean, seconds: number): void {
    this.loads.observe({ model, outcome: ok ? 'ok' : 'failed' }, seconds);
  }

  /** A WebSocket connection opened (+1) or closed (−1) on `route`. */
  addSocket(route: string, delta: 1 | -1): void {
    this.sockets.inc({ route }, delta);
  }

  countSession(route: string): void {
    this.sessions.inc({ route });
  }

  countSocketError(route: string, code: string): void {
    this.socketErrors.inc({ route, code });
  }

  /** The exposition text and its content type, for `GET /metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
