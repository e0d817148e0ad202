/**
 * Adds an ETDA-style extension to the XMP packet Typst writes.
 *
 * ETDA's e-Tax invoice (ขมธอ. 3-2560) marks its PDF/A-3 with three XMP properties — DocumentType, DocumentFileName and
 * Version — in its own namespace, and declares them with a PDF/A extension schema description, as PDF/A requires for
 * every property outside the predefined schemas (ISO 19005-1 §6.7.8, carried into parts 2 and 3). We do the same
 * for our namespace so a reader can learn, from metadata alone, which document type this is and which attachment
 * carries its data.
 *
 * Pure string transformation (no XML library, runs anywhere): Typst's packet is small and regular. The function
 * refuses inputs it does not understand rather than guessing.
 */

export const EKASARN_XMP_NAMESPACE = 'urn:ekasarn:pdfa:document:1.0#';
export const EKASARN_XMP_PREFIX = 'eks';

const NS_EXTENSION = 'http://www.aiim.org/pdfa/ns/extension/';
const NS_SCHEMA = 'http://www.aiim.org/pdfa/ns/schema#';
const NS_PROPERTY = 'http://www.aiim.org/pdfa/ns/property#';

export interface DocumentXmpValues {
  /** The document type id and nothing personal, e.g. "training-certificate". */
  documentType: string;
  /** Name of the associated file that carries the data, e.g. "data.json". */
  documentFileName: string;
  /** Version of the document type (type.json "version"), e.g. "1". */
  version: string;
}

const PROPERTIES: { name: keyof DocumentXmpValues; xmpName: string; description: string }[] = [
  { name: 'documentType', xmpName: 'DocumentType', description: 'Identifier of the document type' },
  { name: 'documentFileName', xmpName: 'DocumentFileName', description: 'Name of the embedded file carrying the document data' },
  { name: 'version', xmpName: 'Version', description: 'Version of the document type' },
];

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The `rdf:li` that declares our schema inside `pdfaExtension:schemas`. */
function schemaDescription(): string {
  const props = PROPERTIES.map(
    (p) =>
      '<rdf:li rdf:parseType="Resource">' +
      `<pdfaProperty:name>${p.xmpName}</pdfaProperty:name>` +
      '<pdfaProperty:valueType>Text</pdfaProperty:valueType>' +
      '<pdfaProperty:category>external</pdfaProperty:category>' +
      `<pdfaProperty:description>${escapeXml(p.description)}</pdfaProperty:description>` +
      '</rdf:li>',
  ).join('');
  return (
    `<rdf:li rdf:parseType="Resource" xmlns:pdfaSchema="${NS_SCHEMA}" xmlns:pdfaProperty="${NS_PROPERTY}">` +
    '<pdfaSchema:schema>ekasarn official document schema</pdfaSchema:schema>' +
    `<pdfaSchema:namespaceURI>${EKASARN_XMP_NAMESPACE}</pdfaSchema:namespaceURI>` +
    `<pdfaSchema:prefix>${EKASARN_XMP_PREFIX}</pdfaSchema:prefix>` +
    `<pdfaSchema:property><rdf:Seq>${props}</rdf:Seq></pdfaSchema:property>` +
    '</rdf:li>'
  );
}

function assertValue(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new TypeError(`xmp ${name}: expected a non-empty string of at most 200 characters`);
  }
  // XML 1.0 forbids most control characters even when escaped.
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(value)) {
    throw new TypeError(`xmp ${name}: contains characters XML cannot carry`);
  }
}

/**
 * Returns a new XMP packet: `packet` plus our extension schema description (merged into the existing
 * `pdfaExtension:schemas` bag, since PDF/A allows that property once) and a new `rdf:Description` with the values.
 * Throws if the packet is not an RDF/XMP packet, or already carries our namespace.
 */
export function addDocumentXmpExtension(packet: string, values: DocumentXmpValues): string {
  if (typeof packet !== 'string') throw new TypeError('xmp packet: expected a string');
  for (const p of PROPERTIES) assertValue(p.name, values?.[p.name]);
  if (packet.includes(EKASARN_XMP_NAMESPACE)) throw new Error('xmp packet already carries the ekasarn extension');
  const rdfEnd = packet.lastIndexOf('</rdf:RDF>');
  if (rdfEnd < 0 || !packet.includes('<rdf:RDF') || !packet.includes('<x:xmpmeta')) {
    throw new Error('xmp packet: no <x:xmpmeta><rdf:RDF> found');
  }

  let out = packet;
  const valueDescription =
    `<rdf:Description rdf:about="" xmlns:${EKASARN_XMP_PREFIX}="${EKASARN_XMP_NAMESPACE}">` +
    PROPERTIES.map((p) => `<${EKASARN_XMP_PREFIX}:${p.xmpName}>${escapeXml(values[p.name])}</${EKASARN_XMP_PREFIX}:${p.xmpName}>`).join('') +
    '</rdf:Description>';

  const bagClose = /<\/rdf:Bag>(\s*)<\/pdfaExtension:schemas>/.exec(out);
  const extensionPrefixBound = new RegExp(`xmlns:pdfaExtension=["']${NS_EXTENSION.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']`).test(out);
  let addition = valueDescription;
  if (bagClose && extensionPrefixBound) {
    // Merge into the bag Typst already wrote (it declares the xmpMM and pdf schemas there).
    out = out.slice(0, bagClose.index) + schemaDescription() + out.slice(bagClose.index);
  } else if (out.includes('pdfaExtension:schemas')) {
    throw new Error('xmp packet: pdfaExtension:schemas present in a form this function does not understand');
  } else {
    addition =
      `<rdf:Description rdf:about="" xmlns:pdfaExtension="${NS_EXTENSION}">` +
      `<pdfaExtension:schemas><rdf:Bag>${schemaDescription()}</rdf:Bag></pdfaExtension:schemas>` +
      '</rdf:Description>' +
      valueDescription;
  }
  const end = out.lastIndexOf('</rdf:RDF>');
  return out.slice(0, end) + addition + out.slice(end);
}
