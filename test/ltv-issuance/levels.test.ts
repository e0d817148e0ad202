/**
 * PAdES B-T, B-LT and B-LTA documents issued by a whole instance (its built-in TSA, its development CA answering
 * OCSP in-process for the DSS and over HTTP for pdfsig), judged by independent tools: the shared pdf-check script
 * (pdfsig, openssl cms/ts -verify on every token, later revisions add only DSS/timestamps, qpdf), openssl ocsp on
 * every OCSP response in the DSS, and the revision count in the file. SQLite for every level; B-LT on PostgreSQL in levels-postgres.test.ts.
 */
import { describe } from 'vitest';
import { levelSuite } from './level-suite.js';

describe('PAdES levels issued by an instance [sqlite]', () => levelSuite('sqlite', ['B-T', 'B-LT', 'B-LTA']));
