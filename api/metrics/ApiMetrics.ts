import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome } from '../ports.js';

export interface LagSample {
  readonly component: string;
  readonly instanceId: string;
  readonly groupId: string;
  readonly topic: string;
  readonly lag: number;
}

/** Prometheus metrics of one API instance, in its own registry (tests build many apps in one process). */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;
  private readonly outcomes: Counter<'action'>;
  private readonly rejections: Counter<'code'>;
  private readonly replays: Counter;
  private readonly dropped: Counter<'kind'>;
  private readonly lag: Gauge<'component' | 'instance' | 'group' | 'topic'>;

  constructor(lagSource: () => readonly LagSample[] = () => []) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'parmana_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'parmana_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.outcomes = new Counter({
      name: 'parmana_outcomes_total',
      help: 'Decisions seen on the attestations topic, by action',
      labelNames: ['action'],
      registers: [this.registry],
    });
    this.rejections = new Counter({
      name: 'parmana_rejections_total',
      help: 'Rejections seen on the rejections topic, by code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.replays = new Counter({
      name: 'parmana_replay_violations_total',
      help: 'Requests refused because their executionId was already used (INV-013)',
      registers: [this.registry],
    });
    this.dropped = new Counter({
      name: 'parmana_api_records_dropped_total',
      help: 'API call and security event records that could not be produced',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.lag = new Gauge({
      name: 'parmana_consumer_lag',
      help: 'Consumer lag reported by the worker and sink heartbeats',
      labelNames: ['component', 'instance', 'group', 'topic'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of lagSource()) {
          this.set({ component: s.component, instance: s.instanceId, group: s.groupId, topic: s.topic }, s.lag);
        }
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  observeOutcome(o: Outcome): void {
    if (o.kind === 'decision') {
      this.outcomes.inc({ action: o.action });
      return;
    }
    this.rejections.inc({ code: o.code });
    if (o.code === 'INV-013') this.replays.inc();
  }

  recordDropped(kind: string): void {
    this.dropped.inc({ kind });
  }
}
