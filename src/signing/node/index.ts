/** Node-only signing helpers: identities and the development CA as files. */
export {
  checkBaseName,
  identityFilePaths,
  loadIdentityFiles,
  loadPemIdentityFiles,
  loadPkcs12IdentityFile,
  saveIdentityFiles,
  writeSecretFile,
  type IdentityFilePaths,
  type PemIdentityFiles,
} from './identity-files.js';
export { DEV_ROOT_CA_BASENAME, loadDevCa, saveDevCa } from './dev-ca-files.js';
