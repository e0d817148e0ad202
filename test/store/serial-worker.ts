/**
 * Worker thread for the SQLite concurrency test: its own connection to the same database file, allocating serial
 * numbers in separate transactions while other workers do the same. Posts the numbers it received.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../src/store/db/open-database.js';
import { withTransaction } from '../../src/store/db/transaction.js';
import { nextSerialNumber } from '../../src/store/repos/serials.js';

const { dataDir, agencyId, typeId, year, count } = workerData as {
  dataDir: string;
  agencyId: string;
  typeId: string;
  year: number;
  count: number;
};

const opened = await openDatabase({ dataDir, migrate: false, busyTimeoutMs: 10_000 });
const numbers: number[] = [];
try {
  for (let i = 0; i < count; i++) {
    numbers.push(await withTransaction(opened.db, (trx) => nextSerialNumber(trx, agencyId, typeId, year)));
  }
} finally {
  await opened.close();
}
parentPort?.postMessage(numbers);
