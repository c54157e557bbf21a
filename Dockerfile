# The platform (every context in one process). Build: docker build -t ledgerdesk .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY scripts scripts
COPY bench bench
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# /app stays root-owned (the code is read-only to the process); PGlite's data and the generated JWT secret
# live in /data, a volume owned by the user the platform runs as.
ENV NODE_ENV=production PORT=4000 LEDGERDESK_DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The launchers only (compiled CLIs are in dist/): `npm run token` and `npm run ledgerdesk` work in the image.
COPY --from=build /app/scripts/*.mjs scripts/
VOLUME /data
EXPOSE 4000
USER node
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/apps/platform/main.js"]
