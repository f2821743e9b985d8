// PostgreSQL schema migrations, applied in order on open (postgres-store.ts). Append new entries;
// never edit a shipped one. The same tables and columns as SQLite (migrations.ts), so the row
// mapping is shared (rows.ts); times are epoch milliseconds in BIGINT, JSON is TEXT.
import { POSTGRES_LEASE_MIGRATION } from "./lease-sql.ts";

export const PG_MIGRATIONS: string[] = [
  `CREATE TABLE deployments (
     id TEXT PRIMARY KEY,
     app TEXT NOT NULL,
     service_key TEXT NOT NULL,
     digest TEXT NOT NULL,
     graph TEXT NOT NULL,
     state TEXT NOT NULL,
     current_node TEXT,
     failed_node TEXT,
     cancel_requested BOOLEAN NOT NULL DEFAULT false,
     error TEXT,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     started_at BIGINT,
     finished_at BIGINT,
     redeploy_of TEXT
   );
   CREATE INDEX deployments_state ON deployments (state);
   CREATE INDEX deployments_created ON deployments (created_at DESC, id DESC);
   CREATE INDEX deployments_digest ON deployments (digest, created_at);
   -- One deployment at a time per service, across replicas; a digest once among those in flight.
   CREATE UNIQUE INDEX deployments_one_active_per_service ON deployments (service_key) WHERE state IN ('RUNNING', 'ROLLING_BACK');
   CREATE UNIQUE INDEX deployments_digest_in_flight ON deployments (digest) WHERE state IN ('QUEUED', 'RUNNING', 'ROLLING_BACK');
   CREATE TABLE nodes (
     deployment_id TEXT NOT NULL REFERENCES deployments (id),
     node_id TEXT NOT NULL,
     path TEXT NOT NULL,
     stage TEXT NOT NULL,
     ord INTEGER NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     started_at BIGINT,
     finished_at BIGINT,
     error TEXT,
     outputs TEXT,
     active_ms BIGINT NOT NULL DEFAULT 0,
     PRIMARY KEY (deployment_id, node_id)
   );
   CREATE TABLE journal (
     id BIGSERIAL PRIMARY KEY,
     deployment_id TEXT NOT NULL REFERENCES deployments (id),
     node_id TEXT NOT NULL,
     step TEXT NOT NULL,
     operation TEXT NOT NULL,
     intent TEXT NOT NULL,
     result TEXT,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 1,
     created_at BIGINT NOT NULL,
     finished_at BIGINT,
     UNIQUE (deployment_id, node_id, step)
   );
   CREATE TABLE events (
     id BIGSERIAL PRIMARY KEY,
     deployment_id TEXT NOT NULL REFERENCES deployments (id),
     at BIGINT NOT NULL,
     type TEXT NOT NULL,
     node_id TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX events_deployment ON events (deployment_id, id);`,
  // GitOps: the last commit handled per repository and per app (runtime/gitops/progress.ts).
  `CREATE TABLE gitops_state (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );`,
  // Deployment leases and write fencing (lease-sql.ts).
  POSTGRES_LEASE_MIGRATION,
];
