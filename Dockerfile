# Image of the product's processes (worker, sinks, log writer and monitor, api); docker-compose.yml picks the
# command.
# The build stage compiles node-rdkafka (librdkafka) against Debian's libraries: gcc, make and python3 come with the
# full image, the -dev packages below give librdkafka TLS, SASL, zstd, lz4 and zlib.
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libssl3 zlib1g libzstd1 liblz4-1 libsasl2-2 libcurl4 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# Heap limits of the long-running processes (ops/runtime/serviceNodeFlags.ts explains them).
ENV NODE_OPTIONS="--max-semi-space-size=16 --max-old-space-size=192" MALLOC_ARENA_MAX=2
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/schemas ./schemas
COPY --from=build /app/ops/migrations ./ops/migrations
# The audit dashboard (static files), served by `parmana api` at /dashboard/.
COPY --from=build /app/dashboard/dist ./dashboard/dist
COPY --from=build /app/package.json ./
# The log monitor's state (its last verified checkpoint) lives in a volume mounted here, writable by `node`.
RUN mkdir -p /var/lib/parmana-monitor && chown node:node /var/lib/parmana-monitor
USER node
ENTRYPOINT ["node", "bin/parmana.js"]
