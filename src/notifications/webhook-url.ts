import { AppError } from '../domain/errors.js';

export const MAX_WEBHOOK_URL_LENGTH = 2000;

export interface WebhookUrlOptions {
  /** Accept plain http:// (development and tests only: deliveries carry a bearer-grade HMAC over the wire). */
  allowHttp?: boolean;
  /**
   * Accept loopback, private, link-local and `localhost` hosts. Defaults to `allowHttp`: a production registry should
   * not be made to POST into its own network (SSRF). Only literal addresses are recognised here; a public name that
   * resolves to a private address is not caught (that needs a check at connect time).
   */
  allowPrivateHosts?: boolean;
}

const invalidUrl = (problem: string, th: string, en: string, field = 'url') =>
  new AppError('validation_failed', 422, { th: 'ข้อมูลไม่ถูกต้อง', en: 'The request is invalid' }, [{ field, problem, message: { th, en } }]);

function isPrivateIpv4(host: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

function isPrivateHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isPrivateIpv4(h)) return true;
  if (h.startsWith('[') && h.endsWith(']')) {
    const v6 = h.slice(1, -1);
    if (v6 === '::1' || v6 === '::') return true;
    if (/^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6)) return true;
    // IPv4-mapped (::ffff:7f00:1 after WHATWG normalisation, or dotted).
    const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(v6);
    if (mapped) {
      if (mapped[1]) return isPrivateIpv4(mapped[1]);
      const hi = parseInt(mapped[2]!, 16);
      const lo = parseInt(mapped[3]!, 16);
      return isPrivateIpv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
  }
  return false;
}

/**
 * Checks a subscriber's endpoint and returns it normalised (WHATWG URL serialisation). Throws a 422 AppError whose
 * details name the field `url` and say what was expected.
 */
export function validateWebhookUrl(url: unknown, opts: WebhookUrlOptions = {}): string {
  if (typeof url !== 'string' || url.trim() === '') {
    throw invalidUrl('required', 'ต้องระบุ URL ของผู้รับ (https://…)', 'url must be a non-empty string (https://…)');
  }
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    throw invalidUrl('too_long', `URL ต้องยาวไม่เกิน ${MAX_WEBHOOK_URL_LENGTH} ตัวอักษร`, `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl('format', 'URL ไม่ถูกต้อง ต้องเป็น URL เต็ม เช่น https://example.go.th/hooks', 'url must be an absolute URL, e.g. https://example.go.th/hooks');
  }
  const allowHttp = opts.allowHttp === true;
  if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:')) {
    throw invalidUrl(
      'scheme',
      allowHttp ? 'URL ต้องขึ้นต้นด้วย https:// หรือ http://' : 'URL ต้องขึ้นต้นด้วย https://',
      allowHttp ? 'url must use https:// or http://' : 'url must use https:// (plain http is allowed only in development)',
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalidUrl('credentials', 'URL ต้องไม่มีชื่อผู้ใช้หรือรหัสผ่าน (ใช้ลายเซ็น HMAC ตรวจผู้ส่งแทน)', 'url must not contain a user name or password (receivers authenticate us by the HMAC signature)');
  }
  if (parsed.hash !== '') {
    throw invalidUrl('fragment', 'URL ต้องไม่มีส่วน #', 'url must not contain a #fragment');
  }
  if (!(opts.allowPrivateHosts ?? allowHttp) && isPrivateHost(parsed.hostname)) {
    throw invalidUrl('private_host', 'URL ต้องชี้ไปยังเครื่องที่เข้าถึงได้จากอินเทอร์เน็ต ไม่ใช่เครือข่ายภายใน', 'url must point to a public host, not a loopback, private or link-local address');
  }
  const normalised = parsed.toString();
  if (normalised.length > MAX_WEBHOOK_URL_LENGTH) {
    throw invalidUrl('too_long', `URL ต้องยาวไม่เกิน ${MAX_WEBHOOK_URL_LENGTH} ตัวอักษร`, `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  return normalised;
}
