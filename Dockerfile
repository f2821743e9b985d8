# Kanaria runtime: `kanaria serve` in one container next to ECS (task-role credentials).
FROM oven/bun:1.4.5-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Bun and Deno come from npm as devDependencies; the image runs on the base image's bun.
RUN npm ci --omit=dev 2>/dev/null || bun install --production --frozen-lockfile
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
# runtime.yaml should set server.address (0.0.0.0:8080 in a container), server.tokenFile and
# store.path (under /var/lib/kanaria).
CMD ["bun", "bin/kanaria.ts", "serve", "--config", "/etc/kanaria/runtime.yaml", "--data", "/var/lib/kanaria"]
