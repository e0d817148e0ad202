/** The two database engines the registry runs on. SQLite is the default (one file); PostgreSQL for several nodes. */
export type DialectName = 'sqlite' | 'postgres';
