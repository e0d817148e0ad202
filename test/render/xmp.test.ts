import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDocumentXmpExtension, createRenderer, EKASARN_XMP_NAMESPACE } from '../../src/render/index.js';
import { catalog, run } from './helpers/pdf-tools.js';
import { sampleInput } from './helpers/sample-input.js';

/**
 * An independent reading of a packet with Python's XML parser: well-formedness, the values in our namespace, the
 * extension schemas declared, and how many pdfaExtension:schemas properties exist (PDF/A allows one).
 */
const PY_CHECK = String.raw`
import sys, json, xml.etree.ElementTree as ET
RDF='{http://www.w3.org/1999/02/22-rdf-syntax-ns#}'
EXT='{http://www.aiim.org/pdfa/ns/extension/}'
SCH='{http://www.aiim.org/pdfa/ns/schema#}'
PRP='{http://www.aiim.org/pdfa/ns/property#}'
AID='{http://www.aiim.org/pdfa/ns/id/}'
ns=sys.argv[1]
root=ET.fromstring(sys.stdin.buffer.read())
values={}; declared={}; schemas_count=0
for d in root.iter(RDF+'Description'):
    for child in d:
        if child.tag.startswith('{'+ns+'}'): values[child.tag[len(ns)+2:]]=child.text
        if child.tag==EXT+'schemas':
            schemas_count+=1
            for li in child.iter(RDF+'li'):
                uri=li.find(SCH+'namespaceURI')
                if uri is not None:
                    declared[uri.text]={'prefix':li.find(SCH+'prefix').text,
                      'props':[(p.find(PRP+'name').text,p.find(PRP+'valueType').text,p.find(PRP+'category').text) for p in li.iter(RDF+'li') if p.find(PRP+'name') is not None]}
part=[e.text for e in root.iter(AID+'part')]
print(json.dumps({'values':values,'declared':declared,'schemasCount':schemas_count,'part':part}))
`;

function pyRead(packet: string): any {
  return JSON.parse(execFileSync('python3', ['-c', PY_CHECK, EKASARN_XMP_NAMESPACE], { input: packet, encoding: 'utf8' }));
}

let dir: string;
let typstPacket: string;
let metadataInfo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ekasarn-xmp-test-'));
  const renderer = createRenderer();
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, renderer.render(sampleInput('factory-licence')));
  renderer.close();
  const ref = /\/Metadata (\d+) 0 R/.exec(catalog(file));
  if (!ref) throw new Error('catalog has no /Metadata');
  metadataInfo = run('qpdf', [`--show-object=${ref[1]}`, file]);
  typstPacket = run('qpdf', [`--show-object=${ref[1]}`, '--filtered-stream-data', file]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('XMP written by Typst', () => {
  it('is an uncompressed /Type /Metadata /Subtype /XML stream with an existing extension-schema bag', () => {
    expect(metadataInfo).toMatch(/\/Subtype \/XML/);
    expect(metadataInfo).toMatch(/\/Type \/Metadata/);
    expect(metadataInfo).not.toMatch(/\/Filter/);
    expect(typstPacket).toContain('<pdfaExtension:schemas><rdf:Bag>');
  });
});

describe('addDocumentXmpExtension', () => {
  const values = { documentType: 'factory-licence', documentFileName: 'data.json', version: '1' };

  it('adds declared values and keeps the packet well-formed PDF/A XMP (checked with Python’s XML parser)', () => {
    const before = pyRead(typstPacket);
    const out = addDocumentXmpExtension(typstPacket, values);
    const after = pyRead(out);
    expect(after.values).toEqual({ DocumentType: 'factory-licence', DocumentFileName: 'data.json', Version: '1' });
    expect(after.schemasCount).toBe(1); // merged into Typst's bag, not a second property
    expect(after.part).toEqual(['3']);
    expect(after.declared[EKASARN_XMP_NAMESPACE]).toEqual({
      prefix: 'eks',
      props: [
        ['DocumentType', 'Text', 'external'],
        ['DocumentFileName', 'Text', 'external'],
        ['Version', 'Text', 'external'],
      ],
    });
    // Typst's own declarations survive.
    for (const [uri, decl] of Object.entries<any>(before.declared)) expect(after.declared[uri]).toEqual(decl);
    expect(out.startsWith('<?xpacket begin=')).toBe(true);
    expect(out.trimEnd().endsWith('<?xpacket end="r"?>') || out.trimEnd().endsWith('<?xpacket end="w"?>')).toBe(true);
  });

  it('creates the extension bag when a packet has none', () => {
    const bare =
      '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" ' +
      'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>3</pdfaid:part></rdf:Description></rdf:RDF>' +
      '</x:xmpmeta><?xpacket end="w"?>';
    const after = pyRead(addDocumentXmpExtension(bare, values));
    expect(after.schemasCount).toBe(1);
    expect(after.values.DocumentType).toBe('factory-licence');
    expect(after.declared[EKASARN_XMP_NAMESPACE].props).toHaveLength(3);
  });

  it('escapes values', () => {
    const tricky = { documentType: 'a<b>&"c"</eks:DocumentType>', documentFileName: 'ข้อมูล.json', version: "1'" };
    const after = pyRead(addDocumentXmpExtension(typstPacket, tricky));
    expect(after.values).toEqual({ DocumentType: tricky.documentType, DocumentFileName: 'ข้อมูล.json', Version: "1'" });
  });

  it('refuses what it cannot handle', () => {
    const once = addDocumentXmpExtension(typstPacket, values);
    expect(() => addDocumentXmpExtension(once, values)).toThrow(/already carries/);
    expect(() => addDocumentXmpExtension('<html/>', values)).toThrow(/no <x:xmpmeta>/);
    expect(() => addDocumentXmpExtension(typstPacket, { ...values, version: '' })).toThrow(/xmp version/);
    expect(() => addDocumentXmpExtension(typstPacket, { ...values, documentType: 'a\u0001' })).toThrow(/XML cannot carry/);
  });
});
