/**
 * Every request a page makes, with its body, so a test can prove what left the browser (the privacy promise of the
 * verify page: the PDF never does, only an id and two digests).
 */
import type { Page } from 'playwright-core';

export interface LoggedRequest {
  method: string;
  url: string;
  resourceType: string;
  /** The raw request body, or null when there is none. */
  body: Buffer | null;
}

export function recordRequests(page: Page): LoggedRequest[] {
  const log: LoggedRequest[] = [];
  page.on('request', (req) => {
    log.push({ method: req.method(), url: req.url(), resourceType: req.resourceType(), body: req.postDataBuffer() });
  });
  return log;
}
