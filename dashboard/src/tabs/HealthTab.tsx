import { useApi } from '../lib/api.js';
import { useLoad } from '../lib/useLoad.js';
import { Badge, Mono } from '../ui/bits.js';
import { formatTime } from '../ui/format.js';
import { RefreshControls } from '../ui/forms.js';
import { LoadView } from '../ui/Status.js';

function Dep({ name, ok, detail }: { name: string; ok: boolean; detail?: string | undefined }) {
  return (
    <tr>
      <td>{name}</td>
      <td>
        <Badge value={ok ? 'ok' : 'fail'}>{ok ? 'up' : 'DOWN'}</Badge>
      </td>
      <td className="text-cell">{detail ?? ''}</td>
    </tr>
  );
}

export function HealthTab() {
  const { client } = useApi();
  const [loaded, reload, busy] = useLoad('health', () => client.health());
  return (
    <section aria-label="Health">
      <div className="toolbar">
        <h2>Health</h2>
        <RefreshControls busy={busy} onRefresh={reload} />
      </div>
      <LoadView loaded={loaded} what="health">
        {(h) => (
          <>
            <div className={h.status === 'ok' ? 'banner banner-ok' : 'banner banner-bad'} data-testid="health-status">
              Overall: {h.status === 'ok' ? 'OK' : 'DEGRADED'}
            </div>
            <div className="health-grid">
              <div className="card">
                <h3>Dependencies</h3>
                <table className="grid">
                  <tbody>
                    <Dep name="Kafka" ok={h.kafka.ok} detail={h.kafka.detail} />
                    <Dep name="Schema registry" ok={h.schema_registry.ok} detail={h.schema_registry.detail} />
                    <Dep name="Audit database" ok={h.audit_db} />
                  </tbody>
                </table>
              </div>
              <div className="card">
                <h3>Signing</h3>
                <dl className="facts">
                  <dt>Signing key</dt>
                  <dd>
                    <Badge value={h.signing_key.status} tone={h.signing_key.status === 'active' ? 'good' : 'bad'} />
                  </dd>
                  <dt>Key ID</dt>
                  <dd>
                    <Mono value={h.signing_key.keyId} wrap />
                  </dd>
                  <dt>Trust root version</dt>
                  <dd data-testid="trust-root-version">{h.trust_root_version}</dd>
                  <dt>Runtime</dt>
                  <dd>
                    <Mono value={h.runtime_version} wrap />
                  </dd>
                </dl>
              </div>
            </div>
            <div className="card">
              <h3>
                Decision worker{' '}
                <Badge value={h.worker.alive ? 'ok' : 'fail'}>{h.worker.alive ? 'alive' : 'NOT ALIVE'}</Badge>
              </h3>
              {h.worker.instances.length === 0 ? (
                <div className="empty">No worker instance has reported a heartbeat.</div>
              ) : (
                <table className="grid" data-testid="worker-instances">
                  <thead>
                    <tr>
                      <th>Instance</th>
                      <th>Status</th>
                      <th>Last seen</th>
                      <th>Signer key</th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.worker.instances.map((i) => (
                      <tr key={i.instanceId}>
                        <td>
                          <Mono value={i.instanceId} />
                        </td>
                        <td>
                          <Badge value={i.status} />
                        </td>
                        <td className="nowrap">{formatTime(i.lastSeen)}</td>
                        <td>
                          <Mono value={i.signerKeyId} short />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </>
        )}
      </LoadView>
    </section>
  );
}
