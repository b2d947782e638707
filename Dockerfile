# Image of the product's processes (worker, sinks, log writer and monitor, api); docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
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
