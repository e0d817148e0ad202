import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isValidThaiId } from '../domain/thai-id.js';

// ajv-formats is CommonJS; under NodeNext its default import is the plugin function itself.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * One ajv instance for all document types: compiled validators are cached by ajv, and formats (date, thai-id) are
 * registered once. allErrors so an officer sees every bad field at once, not one per attempt.
 */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv, ['date', 'date-time', 'email', 'uri']);
  ajv.addFormat('thai-id', { type: 'string', validate: isValidThaiId });
  return ajv;
}
