export { resultCsvLine, resultsCsvHeader, resultsCsvStream, type ResultRow } from './results-csv.js';
export { zipStream, type ZipEntrySource } from './pdf-zip.js';
export { sanitizeEntryName, UniqueEntryNames } from './zip-entry-name.js';
