import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Sarabun (OFL, from Google Fonts via npm): the open relative of the official TH Sarabun. */
const SARABUN_FILES = [
  '@expo-google-fonts/sarabun/400Regular/Sarabun_400Regular.ttf',
  '@expo-google-fonts/sarabun/700Bold/Sarabun_700Bold.ttf',
  '@expo-google-fonts/sarabun/400Regular_Italic/Sarabun_400Regular_Italic.ttf',
  '@expo-google-fonts/sarabun/700Bold_Italic/Sarabun_700Bold_Italic.ttf',
];

/** Laksaman (Debian fonts-tlwg-laksaman-ttf) is derived from TH Sarabun New: a fallback when it is installed. */
const LAKSAMAN_DIR = '/usr/share/fonts/truetype/tlwg/';
const LAKSAMAN_FILES = ['Laksaman.ttf', 'Laksaman-Bold.ttf', 'Laksaman-Italic.ttf', 'Laksaman-BoldItalic.ttf'];

export interface LoadedFonts {
  blobs: Buffer[];
  /** Font files actually loaded, for diagnostics. */
  files: string[];
}

/** Reads the fonts the templates name. Sarabun is required (throws when missing); Laksaman is optional. */
export function loadDefaultFonts(): LoadedFonts {
  const files: string[] = [];
  for (const spec of SARABUN_FILES) {
    let path: string;
    try {
      path = require.resolve(spec);
    } catch {
      throw new Error(`font ${spec} not found: is @expo-google-fonts/sarabun installed?`);
    }
    files.push(path);
  }
  for (const name of LAKSAMAN_FILES) {
    if (existsSync(LAKSAMAN_DIR + name)) files.push(LAKSAMAN_DIR + name);
  }
  return { blobs: files.map((f) => readFileSync(f)), files };
}
