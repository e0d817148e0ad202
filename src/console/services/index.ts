/** Console services: plain functions over the database that check the acting officer's roles and agency themselves. */
export * from './acting-officer.js';
export * from './drafts.js';
export * from './search.js';
export * from './audit.js';
export * from './api-keys.js';
export * from './agencies.js';
export { invalidInput, inputError } from './input-problems.js';
export { bangkokDayRange } from './bangkok-days.js';
