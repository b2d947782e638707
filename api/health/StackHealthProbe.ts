import type { KafkaAdmin as Admin } from '../../kafka/createKafkaAdmin.js';
import type { TrustRoot } from '../../core/trust/TrustRoot.js';
import type { DependencyHealth, HealthResponse } from '../contract.js';
import type { AuditReader, HealthProbe } from '../ports.js';
import type { Heartbeat } from './HeartbeatListener.js';
import { signingKeyStatus } from './signingKeyStatus.js';

/** What the probe reads from a heartbeat (api/health/HeartbeatListener.ts supplies them). */
export type HeartbeatView = Pick<
  Heartbeat,
  'component' | 'instanceId' | 'at' | 'intervalMs' | 'status' | 'signerKeyId'
>;

export interface StackHealthProbeOptions {
  readonly admin: Admin;
  readonly registryUrl: string;
  readonly audit: AuditReader;
  readonly heartbeats: () => readonly HeartbeatView[];
  readonly listenerReady: () => boolean;
  readonly trustRoot: () => TrustRoot;
  readonly runtimeVersion: string;
  readonly now: () => Date;
  readonly timeoutMs?: number;
}

/** A worker counts as alive while its last heartbeat is younger than three intervals and it has not stopped. */
export function isAlive(beat: HeartbeatView, now: Date): boolean {
  return beat.status !== 'stopped' && now.getTime() - Date.parse(beat.at) <= 3 * beat.intervalMs;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** Checks each dependency in parallel with a short timeout, so /health answers even when one of them hangs. */
export class StackHealthProbe implements HealthProbe {
  private readonly timeoutMs: number;

  constructor(private readonly o: StackHealthProbeOptions) {
    this.timeoutMs = o.timeoutMs ?? 2_000;
  }

  private async kafka(): Promise<DependencyHealth> {
    try {
      const cluster = await withTimeout(this.o.admin.describeCluster(), this.timeoutMs, 'kafka');
      return { ok: cluster.brokers.length > 0, detail: `${cluster.brokers.length} broker(s)` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  private async registry(): Promise<DependencyHealth> {
    try {
      const res = await fetch(`${this.o.registryUrl.replace(/\/$/, '')}/subjects`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return res.ok ? { ok: true } : { ok: false, detail: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  async health(): Promise<HealthResponse> {
    const now = this.o.now();
    const [kafka, registry, auditDb] = await Promise.all([
      this.kafka(),
      this.registry(),
      withTimeout(this.o.audit.ping(), this.timeoutMs, 'postgres').catch(() => false),
    ]);
    const workers = this.o.heartbeats().filter((b) => b.component === 'worker');
    const alive = workers.filter((b) => isAlive(b, now));
    const root = this.o.trustRoot();
    const { status: keyStatus, keyId } = signingKeyStatus(alive, root, now);
    const healthy = kafka.ok && registry.ok && auditDb && alive.length > 0 && keyStatus === 'active';
    return {
      status: healthy ? 'ok' : 'degraded',
      kafka,
      schema_registry: registry,
      audit_db: auditDb,
      worker: {
        alive: alive.length > 0,
        instances: workers.map((b) => ({
          instanceId: b.instanceId,
          status: isAlive(b, now) ? b.status : 'silent',
          lastSeen: b.at,
          signerKeyId: b.signerKeyId,
        })),
      },
      signing_key: { status: keyStatus, keyId },
      trust_root_version: root.version,
      runtime_version: this.o.runtimeVersion,
    };
  }

  async ready(): Promise<{ ready: boolean; reasons: readonly string[] }> {
    const reasons: string[] = [];
    if (!this.o.listenerReady()) reasons.push('outcome listener not assigned yet');
    const kafka = await this.kafka();
    if (!kafka.ok) reasons.push(`kafka: ${kafka.detail ?? 'down'}`);
    return { ready: reasons.length === 0, reasons };
  }
}
