import type { Bilingual } from '../../domain/document-type.js';
import { esc, layout, type Lang } from '../../http/pages/html.js';

/** Why a sign-in failed, as `/console/login?error=<code>`: only these codes are shown, never text from the URL. */
export const LOGIN_ERRORS = {
  expired: {
    th: 'การเข้าสู่ระบบใช้เวลานานเกินไปหรือถูกเริ่มจากหน้าอื่น กรุณาเริ่มใหม่อีกครั้ง',
    en: 'The sign-in took too long or was not started from this page. Please start again.',
  },
  provider: {
    th: 'ผู้ให้บริการยืนยันตัวตนไม่ยืนยันการเข้าสู่ระบบ กรุณาลองใหม่',
    en: 'The identity provider did not confirm the sign-in. Please try again.',
  },
  unavailable: {
    th: 'ติดต่อผู้ให้บริการยืนยันตัวตนไม่ได้ในขณะนี้ กรุณาลองใหม่ภายหลัง',
    en: 'The identity provider cannot be reached right now. Please try again later.',
  },
  session: {
    th: 'การเข้าสู่ระบบของท่านสิ้นสุดแล้ว กรุณาเข้าสู่ระบบอีกครั้ง',
    en: 'Your session has ended. Please sign in again.',
  },
  not_configured: {
    th: 'ระบบยังไม่ได้ตั้งค่าผู้ให้บริการยืนยันตัวตน (EKASARN_OIDC_ISSUER) กรุณาติดต่อผู้ดูแลระบบ',
    en: 'No identity provider is configured (EKASARN_OIDC_ISSUER). Please contact the system administrator.',
  },
} satisfies Record<string, Bilingual>;

export type LoginErrorCode = keyof typeof LOGIN_ERRORS;

export function isLoginErrorCode(v: unknown): v is LoginErrorCode {
  return typeof v === 'string' && Object.hasOwn(LOGIN_ERRORS, v);
}

function page(lang: Lang, path: string, title: string, body: string): string {
  return layout({ lang, title, body, switchHref: `${path}${path.includes('?') ? '&' : '?'}lang=${lang === 'th' ? 'en' : 'th'}` });
}

/** Both languages, Thai first, whatever the page language (officers share screens and forward screenshots). */
function both(t: Bilingual): string {
  return `<span lang="th">${esc(t.th)}</span><br><span lang="en" class="muted">${esc(t.en)}</span>`;
}

export function loginPage(opts: { lang: Lang; providerName: string | null; error: LoginErrorCode | null }): string {
  const notice = opts.error ? `<p class="notice warn" role="alert" id="login-error">${both(LOGIN_ERRORS[opts.error])}</p>` : '';
  const button = opts.providerName
    ? `<p class="actions"><a class="button" id="sign-in" href="/console/login/start">เข้าสู่ระบบด้วย ${esc(opts.providerName)} / Sign in with ${esc(opts.providerName)}</a></p>`
    : '';
  const body = `<div class="card">
  <h1>${both({ th: 'เข้าสู่ระบบสำหรับเจ้าหน้าที่', en: 'Officer sign-in' })}</h1>
  ${notice}
  <p>${both({
    th: 'ใช้บัญชีที่หน่วยงานของท่านลงทะเบียนไว้ หากยังไม่มีสิทธิ์ โปรดติดต่อผู้ดูแลระบบของหน่วยงาน',
    en: 'Use the account your agency registered. If you have no access yet, ask your agency administrator.',
  })}</p>
  ${button}
</div>`;
  return page(opts.lang, '/console/login', 'เข้าสู่ระบบ / Sign in — ekasarn', body);
}

/** A sign-in the console refuses (unknown person, disabled account): status 403, with what to do next. */
export function refusedPage(lang: Lang, reason: 'unregistered' | 'disabled'): string {
  const text: Bilingual =
    reason === 'unregistered'
      ? {
          th: 'บัญชีของท่านยังไม่ได้ลงทะเบียนกับหน่วยงานใดในระบบนี้ โปรดติดต่อผู้ดูแลระบบของหน่วยงานเพื่อขอสิทธิ์',
          en: 'Your account is not registered with this agency. Ask your agency administrator to give you access.',
        }
      : {
          th: 'บัญชีของท่านถูกระงับการใช้งาน โปรดติดต่อผู้ดูแลระบบของหน่วยงาน',
          en: 'Your account has been disabled. Please contact your agency administrator.',
        };
  const body = `<div class="card">
  <h1>${both({ th: 'ไม่สามารถเข้าสู่ระบบได้', en: 'You cannot sign in' })}</h1>
  <p class="notice warn" role="alert" id="refused">${both(text)}</p>
  <p class="actions"><a class="button secondary" href="/console/login">กลับไปหน้าเข้าสู่ระบบ / Back to sign-in</a></p>
</div>`;
  return page(lang, '/console/login', 'ไม่สามารถเข้าสู่ระบบ / Sign-in refused — ekasarn', body);
}

export function rateLimitedPage(lang: Lang, retryAfterSeconds: number): string {
  const body = `<div class="card">
  <h1>${both({ th: 'มีการพยายามเข้าสู่ระบบมากเกินไป', en: 'Too many sign-in attempts' })}</h1>
  <p class="notice warn" role="alert">${both({
    th: `กรุณารอประมาณ ${retryAfterSeconds} วินาทีแล้วลองใหม่`,
    en: `Please wait about ${retryAfterSeconds} seconds and try again.`,
  })}</p>
</div>`;
  return page(lang, '/console/login', 'ลองใหม่ภายหลัง / Try again later — ekasarn', body);
}

/** An AppError on one of the sign-in routes (e.g. a CSRF failure on logout), shown as a page. */
export function errorPage(lang: Lang, text: Bilingual): string {
  const body = `<div class="card">
  <h1>${both({ th: 'ทำรายการไม่สำเร็จ', en: 'That did not work' })}</h1>
  <p class="notice warn" role="alert">${both(text)}</p>
  <p class="actions"><a class="button secondary" href="/console">กลับ / Back</a></p>
</div>`;
  return page(lang, '/console', 'ekasarn', body);
}
