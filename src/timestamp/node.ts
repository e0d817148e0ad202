/** RFC 3161 time-stamping — Node-only pieces: the HTTP(S) client and the HTTP server of the built-in TSA. */
export { createTsaClient, type TimestampResult, type TsaClient, type TsaClientOptions } from './client/tsa-client.js';
export { createTsaHttpServer, createTsaRequestHandler, type TsaHttpOptions, type TsaHttpReply, type TsaRequestHandler, type TsaRequestHeaders } from './server.js';
