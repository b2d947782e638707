import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { parseJsonStrict } from '../core/canonical/parseJsonStrict.js';
import { isParmanaError, ParmanaError } from '../core/errors/ParmanaError.js';
import type { AppDeps } from './AppDeps.js';
import { registerAuth } from './auth/authHook.js';
import { registerErrorHandling } from './errors/errorHandler.js';
import { auditRoutes } from './routes/auditRoutes.js';
import { executeRoutes } from './routes/executeRoutes.js';
import { logRoutes } from './routes/logRoutes.js';
import { opsRoutes } from './routes/opsRoutes.js';
import { overrideRoutes } from './routes/overrideRoutes.js';
import { ReadTampering, testHookRoutes } from './routes/testHookRoutes.js';
import { verifyRoutes } from './routes/verifyRoutes.js';
import fastifyStatic from '@fastify/static';

/** Builds the API (not listening): `parmana api` listens on it, route tests use `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log,
    // Every call is recorded on the API-call topic; per-request log lines would only duplicate it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.settings.bodyLimit,
    genReqId: () => randomUUID(),
    // Unknown fields are refused (not silently stripped) and nothing is coerced except query strings.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    return503OnClosing: true,
  });

  // Strict JSON: duplicate keys are refused with CAN-003 instead of the last one silently winning.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonStrict(body as string));
    } catch (err) {
      done(
        isParmanaError(err) && err.code !== 'CAN-004' ? err : new ParmanaError('API-005', { cause: err }),
        undefined,
      );
    }
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      // upgrade-insecure-requests would send a plain-HTTP local dashboard's own calls to https and break them.
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(cors, {
    origin: deps.settings.corsOrigin,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'traceparent'],
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Parmana Stream API',
        version: '1',
        description: 'Signed governance decisions over a Kafka pipeline, and the audit trail behind them.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });

  registerErrorHandling(app);
  registerAuth(app, deps);

  app.addHook('onResponse', (req, reply, done) => {
    const seconds = reply.elapsedTime / 1000;
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.observeRequest(req.method, route, reply.statusCode, seconds);
    deps.events.apiCall({
      requestId: req.id,
      method: req.method,
      route,
      status: reply.statusCode,
      keyName: req.apiKey?.name ?? null,
      latencyMs: seconds * 1000,
    });
    done();
  });

  await app.register(executeRoutes(deps));
  await app.register(verifyRoutes(deps));
  await app.register(overrideRoutes(deps));
  const tampering = new ReadTampering();
  await app.register(auditRoutes(deps, tampering));
  await app.register(logRoutes(deps));
  if (deps.settings.testHooks === true) await app.register(testHookRoutes(deps, tampering));
  await app.register(opsRoutes(deps));
  if (deps.settings.dashboardDir !== undefined) {
    await app.register(fastifyStatic, { root: deps.settings.dashboardDir, prefix: '/dashboard/' });
    app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/dashboard/'));
  }
  return app;
}
