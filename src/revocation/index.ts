/** Revocation: browser-safe checking (./check) and the Node-side development CA publication (./ca). */
export * from './check/index.js';
