/**
 * @peculiar/x509 relies on decorator metadata, so reflect-metadata must be loaded before it; and it is pointed at
 * the platform WebCrypto explicitly. Import x509 through this module only.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
