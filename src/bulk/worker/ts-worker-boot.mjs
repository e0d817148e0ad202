// Starts a TypeScript worker when ekasarn runs from src/ (tests, `tsx`): registers tsx in this thread, then imports
// the worker module. The compiled build (dist/) starts the .js worker directly and never uses this file.
import { workerData } from 'node:worker_threads';
const { register } = await import('tsx/esm/api');
register();
await import(workerData.__entry);
