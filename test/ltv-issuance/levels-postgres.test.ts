/** PAdES B-LT issued by an instance on PostgreSQL, judged like the SQLite levels (see level-suite.ts). */
import { describe } from 'vitest';
import { dialectUnavailable } from '../helpers/databases.js';
import { levelSuite } from './level-suite.js';

const pgReason = dialectUnavailable('postgres');
(pgReason ? describe.skip : describe)(`PAdES B-LT issued by an instance [postgres]${pgReason ? ` — skipped: ${pgReason}` : ''}`, () =>
  levelSuite('postgres', ['B-LT']),
);
