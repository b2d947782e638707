import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../AppDeps.js';

/** Public operational routes: health, readiness, Prometheus metrics and the OpenAPI document. */
export function opsRoutes(deps: AppDeps): FastifyPluginAsync {
  return (app) => {
    app.get('/health', { schema: { summary: 'Dependencies, worker liveness, signing key and trust root' } }, () =>
      deps.health.health(),
    );
    app.get('/ready', { schema: { summary: 'Readiness for orchestrators: 200 or 503' } }, async (_req, reply) => {
      const r = await deps.health.ready();
      return reply.code(r.ready ? 200 : 503).send(r);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    });
    app.get('/trust-root', { schema: { summary: 'The signed trust root and its public keys (public)' } }, () =>
      deps.trustRootFiles(),
    );
    app.get('/docs/json', { schema: { hide: true } }, () => app.swagger());
    return Promise.resolve();
  };
}
