import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ParmanaError } from '../../core/errors/ParmanaError.js';
import type { AppDeps } from '../AppDeps.js';
import type { Role } from '../contract.js';
import { allows, authenticate, type ApiKeyEntry } from './ApiKey.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: ApiKeyEntry | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route (admin always is); absent: the route is public. */
    roles?: readonly Role[];
    /** Which rate-limit bucket the route draws from. */
    rateBucket?: 'execute' | 'other';
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  return match?.[1];
}

/**
 * Authentication, role check and rate limit, in that order, before the body is even read. Rate limits are keyed on
 * the authenticated key's name, never on a header a client could forge.
 */
export function registerAuth(app: FastifyInstance, deps: AppDeps): void {
  const limiter = {
    execute: app.createRateLimit({
      max: deps.settings.rateLimit.execute,
      timeWindow: deps.settings.rateLimit.windowMs,
      keyGenerator: (req) => req.apiKey?.name ?? '',
    }),
    other: app.createRateLimit({
      max: deps.settings.rateLimit.other,
      timeWindow: deps.settings.rateLimit.windowMs,
      keyGenerator: (req) => req.apiKey?.name ?? '',
    }),
  };
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (req, reply) => {
    const roles = req.routeOptions.config.roles;
    if (roles === undefined) return;
    const secret = bearer(req);
    const key = secret === undefined ? undefined : authenticate(deps.keys, secret);
    const detail = { method: req.method, route: req.routeOptions.url ?? req.url, ip: req.ip };
    if (key === undefined) {
      deps.events.securityEvent({
        eventType: 'unauthorized_access',
        severity: 'high',
        executionId: null,
        code: 'API-001',
        detail: { ...detail, reason: secret === undefined ? 'missing key' : 'unknown key' },
        sourceId: req.id,
      });
      throw new ParmanaError('API-001');
    }
    req.apiKey = key;
    if (!allows(key, roles)) {
      deps.events.securityEvent({
        eventType: 'unauthorized_access',
        severity: 'medium',
        executionId: null,
        code: 'API-002',
        detail: { ...detail, reason: 'role', keyName: key.name, keyRoles: key.roles, required: roles },
        sourceId: req.id,
      });
      throw new ParmanaError('API-002', { detail: `needs ${roles.join(' or ')}` });
    }
    const check = await limiter[req.routeOptions.config.rateBucket ?? 'other'](req);
    // isAllowed only means "on the allow list"; the count decides.
    if (!check.isAllowed && check.isExceeded) {
      deps.events.securityEvent({
        eventType: 'rate_limit_exceeded',
        severity: 'medium',
        executionId: null,
        code: 'API-003',
        detail: { ...detail, keyName: key.name, max: check.max, windowMs: check.timeWindow },
        sourceId: req.id,
      });
      void reply.header('retry-after', String(check.ttlInSeconds));
      throw new ParmanaError('API-003', { detail: `${check.max} per ${check.timeWindow} ms` });
    }
  });
}
