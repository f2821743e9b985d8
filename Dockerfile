# Kanaria runtime: `kanaria serve` in one container next to ECS (task-role credentials).
# Build: docker build -t kanaria .   Run: mount /etc/kanaria/runtime.yaml (and its secret files).

# Dependencies from the lockfile with npm, production only. The image runs on the base image's
# Bun, so the `bun` package's binaries (optional dependencies, ~100 MB) stay out. No lifecycle
# scripts: the compiler bundle `npm pack` builds only speeds up `kanaria compile`'s cold start.
# Nothing reads tsconfig.json at run time (the .tsx files name their JSX runtime).
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM oven/bun:1.4.5-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY compiler ./compiler
COPY runtime ./runtime
COPY schema ./schema
RUN useradd --system --uid 10001 --home-dir /var/lib/kanaria kanaria \
 && mkdir -p /var/lib/kanaria /etc/kanaria && chown kanaria /var/lib/kanaria
USER kanaria
VOLUME ["/var/lib/kanaria"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD bun -e "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# runtime.yaml must set server.address to 0.0.0.0:8080 (inside a container 127.0.0.1 is not
# reachable from outside), server.tokenFile, and may set store.path under /var/lib/kanaria.
CMD ["bun", "bin/kanaria.ts", "serve", "--config", "/etc/kanaria/runtime.yaml", "--data", "/var/lib/kanaria"]
