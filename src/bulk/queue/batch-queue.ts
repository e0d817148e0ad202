/** Hands a batch's rows to processes that issue them: in-process on SQLite, pg-boss on PostgreSQL. */
export interface BatchQueue {
  /** Schedules every pending row of a batch (idempotent: enqueuing a batch twice does no harm). */
  enqueue(batchId: string, lastRow: number): Promise<void>;
  /** Starts taking jobs (and picks up batches left unfinished by a process that stopped). */
  start(): Promise<void>;
  stop(): Promise<void>;
}
