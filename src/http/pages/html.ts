/** Escapes text for HTML element content and quoted attribute values. Every dynamic value goes through it. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type Lang = 'th' | 'en';

export function pickLang(query: unknown): Lang {
  return (query as { lang?: string } | undefined)?.lang === 'en' ? 'en' : 'th';
}

/** The page frame shared by public pages: Thai first, a language switch that works without JavaScript. */
export function layout(opts: { lang: Lang; title: string; body: string; switchHref: string }): string {
  const other = opts.lang === 'th' ? 'English' : 'ภาษาไทย';
  return `<!doctype html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<style>
  :root { color-scheme: light; }
  body { font-family: "Sarabun", "Laksaman", "Noto Sans Thai", system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; line-height: 1.6; font-size: 18px; }
  header { background: #0b3d91; color: #fff; padding: 0.75rem 1.25rem; display: flex; justify-content: space-between; align-items: center; }
  header a { color: #fff; }
  main { max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; }
  .card { background: #fff; border-radius: 8px; padding: 1.25rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  .verdict { display: flex; gap: .75rem; align-items: center; font-size: 1.5rem; font-weight: 700; padding: .75rem 1rem; border-radius: 6px; margin-bottom: 1rem; }
  .verdict.ok { background: #e6f4ea; color: #0d5223; border: 2px solid #137333; }
  .verdict.warn { background: #fef7e0; color: #6b4e00; border: 2px solid #b06000; }
  .verdict.bad { background: #fce8e6; color: #8a1c12; border: 2px solid #c5221f; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; margin: 0; }
  dt { font-weight: 600; color: #3c4043; }
  dd { margin: 0; }
  a:focus, button:focus { outline: 3px solid #f9ab00; outline-offset: 2px; }
  .muted { color: #4d5156; font-size: .95rem; }
</style>
</head>
<body>
<header><strong>ekasarn · เอกสาร</strong><a href="${esc(opts.switchHref)}" lang="${opts.lang === 'th' ? 'en' : 'th'}">${other}</a></header>
<main>
${opts.body}
</main>
</body>
</html>`;
}
