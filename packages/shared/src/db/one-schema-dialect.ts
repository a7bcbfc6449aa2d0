import {
  type DatabaseIntrospector,
  type Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/**
 * Kysely's migrator asks the introspector for every table of every schema, and Postgres's
 * introspector calls has_schema_privilege() on each schema it finds: a schema another process
 * drops meanwhile (tests isolate by schema and drop theirs when done) fails that whole query
 * with "schema … does not exist". A database bound to one schema looks only at that schema.
 * Tables come without their columns: the migrator, the only user, needs names.
 */
class OneSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #schema: string;

  constructor(db: Kysely<unknown>, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname = ${this.#schema}`.execute(this.#db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; kind: string }>`
      SELECT c.relname AS name, c.relkind AS kind FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
      WHERE ns.nspname = ${this.#schema} AND c.relkind IN ('r', 'v', 'm', 'p', 'f')`.execute(this.#db);
    return rows.map((r) => ({
      name: r.name,
      schema: this.#schema,
      isView: r.kind === 'v' || r.kind === 'm',
      isForeign: r.kind === 'f',
      columns: [],
    }));
  }
}

/** PostgreSQL through node-pg, with the introspection of one schema (see OneSchemaIntrospector). */
export class OneSchemaPostgresDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OneSchemaIntrospector(db, this.#schema);
  }
}
