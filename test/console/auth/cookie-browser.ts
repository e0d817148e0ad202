/**
 * A tiny stand-in for a browser over fetch: a cookie jar (per host, like browsers — ports share cookies; Path and
 * Max-Age honoured, no Domain/Secure logic needed on 127.0.0.1) and manual redirect following, so every hop between
 * the console and the identity provider is visible to the test.
 */
export interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookies: string[];
}

interface StoredCookie {
  value: string;
  path: string;
}

export class CookieBrowser {
  readonly jar = new Map<string, Map<string, StoredCookie>>();
  readonly hops: Hop[] = [];

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name)?.value;
  }

  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).hostname;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)!.set(name, { value, path: '/' });
  }

  #cookieHeader(url: URL): string {
    const cookies = this.jar.get(url.hostname);
    if (!cookies) return '';
    return [...cookies]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([n, c]) => `${n}=${c.value}`)
      .join('; ');
  }

  #store(url: URL, setCookies: string[]): void {
    if (!this.jar.has(url.hostname)) this.jar.set(url.hostname, new Map());
    const cookies = this.jar.get(url.hostname)!;
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = '/';
      let remove = false;
      for (const a of attrs) {
        const [k, v] = a.split('=');
        if (k!.toLowerCase() === 'path' && v) path = v;
        if (k!.toLowerCase() === 'max-age' && Number(v) <= 0) remove = true;
        if (k!.toLowerCase() === 'expires' && v && Date.parse(v) < Date.now()) remove = true;
      }
      if (remove) cookies.delete(name);
      else cookies.set(name, { value, path });
    }
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const cookie = this.#cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(target, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    this.#store(target, setCookies);
    this.hops.push({ url: target.href, status: res.status, location: res.headers.get('location'), setCookies });
    return res;
  }

  /** A request, then its redirects (as GET), up to 20; returns the last response and its URL. */
  async navigate(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<{ res: Response; url: string }> {
    let current = url;
    let res = await this.request(current, init);
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      await res.arrayBuffer();
      current = new URL(res.headers.get('location')!, current).href;
      res = await this.request(current);
    }
    return { res, url: current };
  }
}

/** The first form of an HTML page: absolute action and its inputs' current values. */
export function parseForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form on ${pageUrl}`);
  const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[1]!)?.[1];
    if (name) fields[name] = unescape(/\bvalue="([^"]*)"/.exec(input[1]!)?.[1] ?? '');
  }
  return { action: new URL(unescape(form[1]!), pageUrl).href, fields };
}

/**
 * Signs in through the console and the identity provider's own login form, as a browser would: start, the provider's
 * page, the form filled and posted, every redirect back. Returns where it ended (normally `${baseUrl}/console`).
 */
export async function signInOverHttp(browser: CookieBrowser, baseUrl: string, username: string, password: string): Promise<{ res: Response; url: string }> {
  const login = await browser.navigate(`${baseUrl}/console/login/start`);
  if (login.res.status !== 200) return login;
  const html = await login.res.text();
  const form = parseForm(html, login.url);
  let end = await browser.navigate(form.action, { form: { ...form.fields, username, password } });
  // When the provider still holds another account's session it first ends it with a page whose script submits a form
  // at once (oidc-provider's "Submitting Callback"); a browser runs that script, so submit it as the browser would.
  for (let i = 0; i < 3 && end.res.status === 200 && (end.res.headers.get('content-type') ?? '').includes('text/html'); i++) {
    const page = await end.res.text();
    if (!page.includes('document.forms[0].submit()')) return { res: new Response(page, { status: 200, headers: end.res.headers }), url: end.url };
    const auto = parseForm(page, end.url);
    end = await browser.navigate(auto.action, { form: auto.fields });
  }
  return end;
}
