// Schema migrations, applied in order on open. Append new entries; never edit a shipped one.
import { SQLITE_LEASE_MIGRATION } from "./lease-sql.ts";

export const MIGRATIONS: string[] = [
  `CREATE TABLE deployments (
     id TEXT PRIMARY KEY,
     app TEXT NOT NULL,
     service_key TEXT NOT NULL,
     digest TEXT NOT NULL UNIQUE,
     graph TEXT NOT NULL,
     state TEXT NOT NULL,
     current_node TEXT,
     failed_node TEXT,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     started_at INTEGER,
     finished_at INTEGER
   );
   CREATE INDEX deployments_state ON deployments(state);
   CREATE INDEX deployments_service ON deployments(service_key, state);
   CREATE TABLE nodes (
     deployment_id TEXT NOT NULL REFERENCES deployments(id),
     node_id TEXT NOT NULL,
     path TEXT NOT NULL,
     stage TEXT NOT NULL,
     ord INTEGER NOT NULL,
     state TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     started_at INTEGER,
     finished_at INTEGER,
     error TEXT,
     outputs TEXT,
     PRIMARY KEY (deployment_id, node_id)
   );
   CREATE TABLE journal (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     deployment_id TEXT NOT NULL REFERENCES deployments(id),
     node_id TEXT NOT NULL,
     step TEXT NOT NULL,
     operation TEXT NOT NULL,
     intent TEXT NOT NULL,
     result TEXT,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 1,
     created_at INTEGER NOT NULL,
     finished_at INTEGER,
     UNIQUE (deployment_id, node_id, step)
   );
   CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     deployment_id TEXT NOT NULL REFERENCES deployments(id),
     at INTEGER NOT NULL,
     type TEXT NOT NULL,
     node_id TEXT,
     data TEXT NOT NULL
   );
   CREATE INDEX events_deployment ON events(deployment_id, id);`,
  // Deployment time a node has run while a runtime ran it: its timeout counts this, not downtime.
  `ALTER TABLE nodes ADD COLUMN active_ms INTEGER NOT NULL DEFAULT 0;`,
  // Redeploys: a digest is unique only among deployments in flight (checked by the store), so the
  // last good config can be deployed again; SQLite drops a UNIQUE only by rebuilding the table.
  // migrate() turns foreign keys off around it; nodes/journal/events point at the new table.
  `CREATE TABLE deployments_v3 (
     id TEXT PRIMARY KEY,
     app TEXT NOT NULL,
     service_key TEXT NOT NULL,
     digest TEXT NOT NULL,
     graph TEXT NOT NULL,
     state TEXT NOT NULL,
     current_node TEXT,
     failed_node TEXT,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     started_at INTEGER,
     finished_at INTEGER,
     redeploy_of TEXT
   );
   INSERT INTO deployments_v3 (id, app, service_key, digest, graph, state, current_node, failed_node, cancel_requested, error, created_at, updated_at, started_at, finished_at)
     SELECT id, app, service_key, digest, graph, state, current_node, failed_node, cancel_requested, error, created_at, updated_at, started_at, finished_at FROM deployments;
   DROP TABLE deployments;
   ALTER TABLE deployments_v3 RENAME TO deployments;
   CREATE INDEX deployments_state ON deployments(state);
   CREATE INDEX deployments_service ON deployments(service_key, state);
   CREATE INDEX deployments_digest ON deployments(digest, created_at);`,
  // The database keeps one deployment RUNNING / ROLLING_BACK per service and a digest once among
  // those in flight (the same indexes as PostgreSQL's, postgres-migrations.ts).
  `CREATE UNIQUE INDEX deployments_one_active_per_service ON deployments(service_key) WHERE state IN ('RUNNING', 'ROLLING_BACK');
   CREATE UNIQUE INDEX deployments_digest_in_flight ON deployments(digest) WHERE state IN ('QUEUED', 'RUNNING', 'ROLLING_BACK');`,
  // GitOps: the last commit handled per repository and per app (runtime/gitops/progress.ts).
  `CREATE TABLE gitops_state (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // Deployment leases and write fencing (lease-sql.ts): the same code path as on PostgreSQL.
  SQLITE_LEASE_MIGRATION,
];
