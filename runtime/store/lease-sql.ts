// Deployment leases and fencing, in SQL, for both stores. A running deployment is owned by one
// replica through its row in `leases` (owner, token, expiry in database-clock ms). Taking over an
// expired lease increments the token, so a token names one tenure. The runtime writes the token
// it holds into the `fence` column of every row it inserts or updates for the deployment
// (deployments, nodes, journal, events); a trigger rejects the write when that token is not the
// deployment's current, unexpired one. So the database, not the replica's belief, decides: a
// replica that was paused past its lease can never write for a deployment another took over,
// and it learns so from the rejection. Writes without a fence (a submission, a cancel or an
// approval from any replica, tools) are not checked.
//
// Expiry uses the database's clock (one clock for every replica; no skew between hosts).

/** In an error's message: a write the database refused because its fencing token is stale. */
export const FENCE_REJECTED = "kanaria-fence";

/** Rows the fence trigger guards: table, and the column naming the deployment. */
const FENCED: Array<[table: string, deployment: string]> = [
  ["deployments", "id"],
  ["nodes", "deployment_id"],
  ["journal", "deployment_id"],
  ["events", "deployment_id"],
];

const SQLITE_NOW = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

/** SQLite migration: the leases table, fence columns and their triggers (one per table and event). */
export const SQLITE_LEASE_MIGRATION = [
  `CREATE TABLE leases (
     deployment_id TEXT PRIMARY KEY REFERENCES deployments(id),
     owner TEXT NOT NULL,
     token INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );`,
  ...FENCED.map(([t]) => `ALTER TABLE ${t} ADD COLUMN fence INTEGER;`),
  ...FENCED.flatMap(([t, dep]) =>
    ["INSERT", "UPDATE"].map(
      (ev) => `CREATE TRIGGER ${t}_fence_${ev.toLowerCase()} BEFORE ${ev} ON ${t}
     WHEN NEW.fence IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM leases WHERE deployment_id = NEW.${dep} AND token = NEW.fence AND expires_at > ${SQLITE_NOW})
     BEGIN SELECT RAISE(ABORT, '${FENCE_REJECTED}: the fencing token is no longer the deployment''s current lease'); END;`,
    ),
  ),
].join("\n");

/**
 * PostgreSQL migration. The trigger locks the lease row it checks (FOR SHARE), so a write and a
 * takeover of the same lease are serialized: a write that passed the check commits before the
 * takeover does, and one after the takeover sees the new token and is refused.
 */
export const POSTGRES_LEASE_MIGRATION = [
  `CREATE OR REPLACE FUNCTION kanaria_now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS
     $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;`,
  `CREATE TABLE leases (
     deployment_id TEXT PRIMARY KEY REFERENCES deployments(id),
     owner TEXT NOT NULL,
     token BIGINT NOT NULL,
     expires_at BIGINT NOT NULL
   );`,
  ...FENCED.map(([t]) => `ALTER TABLE ${t} ADD COLUMN fence BIGINT;`),
  `CREATE OR REPLACE FUNCTION kanaria_fence_check() RETURNS trigger LANGUAGE plpgsql AS $$
   -- TG_ARGV[0]: the column naming the deployment (id, or deployment_id).
   DECLARE dep text := to_jsonb(NEW) ->> TG_ARGV[0];
   BEGIN
     IF NEW.fence IS NULL THEN RETURN NEW; END IF;
     PERFORM 1 FROM leases WHERE deployment_id = dep AND token = NEW.fence AND expires_at > kanaria_now_ms() FOR SHARE;
     IF NOT FOUND THEN
       RAISE EXCEPTION '${FENCE_REJECTED}: token % is no longer the current lease of deployment %', NEW.fence, dep USING ERRCODE = 'P0001';
     END IF;
     RETURN NEW;
   END $$;`,
  ...FENCED.map(([t, dep]) => `CREATE TRIGGER ${t}_fence BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION kanaria_fence_check('${dep}');`),
].join("\n");

// The statements, per dialect: `?` placeholders for SQLite, `$n` for PostgreSQL.
function statements(now: string, p: (n: number) => string) {
  return {
    /** Takes the lease when there is none or it expired: token + 1. Returns the token, or no row. */
    acquire: `INSERT INTO leases (deployment_id, owner, token, expires_at) VALUES (${p(1)}, ${p(2)}, 1, ${now} + ${p(3)})
       ON CONFLICT (deployment_id) DO UPDATE SET owner = excluded.owner, token = leases.token + 1, expires_at = excluded.expires_at
       WHERE leases.expires_at <= ${now}
       RETURNING token`,
    /** Extends a lease still held (same owner and token, not expired). */
    renew: `UPDATE leases SET expires_at = ${now} + ${p(1)} WHERE deployment_id = ${p(2)} AND owner = ${p(3)} AND token = ${p(4)} AND expires_at > ${now} RETURNING deployment_id`,
    /** Gives the lease up (finished, or shutting down): another replica may take it at once. */
    release: `UPDATE leases SET expires_at = 0 WHERE deployment_id = ${p(1)} AND owner = ${p(2)} AND token = ${p(3)}`,
    /** In-flight deployments nobody holds: never leased, or the lease expired. */
    orphans: `SELECT d.id FROM deployments d LEFT JOIN leases l ON l.deployment_id = d.id
       WHERE d.state IN ('RUNNING', 'ROLLING_BACK') AND (l.deployment_id IS NULL OR l.expires_at <= ${now})
       ORDER BY d.created_at LIMIT ${p(1)}`,
    /** Who holds a deployment now (null: nobody, or expired). */
    holder: `SELECT owner, token, expires_at - ${now} AS remaining_ms FROM leases WHERE deployment_id = ${p(1)} AND expires_at > ${now}`,
  };
}

export const SQLITE_LEASE_SQL = statements(SQLITE_NOW, () => "?");
export const POSTGRES_LEASE_SQL = {
  ...statements("kanaria_now_ms()", (n) => `$${n}`),
  /** renew for every lease of one owner at once: one round trip per renewal round. */
  renewMany: `UPDATE leases SET expires_at = kanaria_now_ms() + $1 FROM unnest($2::text[], $3::bigint[]) AS h(id, token)
     WHERE leases.deployment_id = h.id AND leases.token = h.token AND leases.owner = $4 AND leases.expires_at > kanaria_now_ms()
     RETURNING leases.deployment_id`,
};

/** Whether an error is the fence trigger refusing a write. */
export function isFenceRejection(e: unknown): boolean {
  return String((e as { message?: unknown })?.message ?? e).includes(FENCE_REJECTED);
}
