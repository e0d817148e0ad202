// The console's one small script. Every page works without it (plain forms, server-side checks); it adds inline
// validation as an officer leaves a field, loading type sources from files, and live batch progress.

interface FieldError {
  field: string;
  message: { th: string; en: string };
}

function csrfOf(form: HTMLFormElement): string {
  return (form.querySelector('input[name="_csrf"]') as HTMLInputElement | null)?.value ?? '';
}

function showErrors(form: HTMLFormElement, errors: FieldError[], only: Set<string>): void {
  for (const box of Array.from(form.querySelectorAll<HTMLElement>('.field[data-field]'))) {
    const name = box.dataset.field ?? '';
    if (!only.has(name)) continue;
    const mine = errors.filter((e) => e.field === name);
    const control = box.querySelector<HTMLElement>('input, select, textarea');
    const out = box.querySelector<HTMLElement>('.error');
    if (!control || !out) continue;
    if (mine.length) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
    out.replaceChildren(
      ...mine.flatMap((e, i) => {
        const th = document.createTextNode(e.message.th + ' ');
        const en = document.createElement('span');
        en.className = 'en';
        en.lang = 'en';
        en.textContent = e.message.en;
        return i ? [document.createElement('br'), th, en] : [th, en];
      }),
    );
  }
}

function inlineValidation(form: HTMLFormElement): void {
  const type = form.dataset.type;
  if (!type) return;
  const touched = new Set<string>();
  let seq = 0;
  const check = async () => {
    const mine = ++seq;
    const body = new URLSearchParams();
    for (const el of Array.from(form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input[name], select[name], textarea[name]'))) {
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') && !el.checked) continue;
      body.append(el.name, el.value);
    }
    try {
      const res = await fetch(`/console/api/validate/${encodeURIComponent(type)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrfOf(form), accept: 'application/json' },
        body,
        credentials: 'same-origin',
      });
      if (!res.ok || mine !== seq) return;
      const r = (await res.json()) as { errors: FieldError[] };
      showErrors(form, r.errors, touched);
    } catch {
      // Offline or signed out: the server checks again on submit.
    }
  };
  form.addEventListener('focusout', (ev) => {
    const name = (ev.target as HTMLInputElement | null)?.name;
    if (!name || name === '_csrf') return;
    touched.add(name);
    void check();
  });
  form.addEventListener('change', (ev) => {
    const name = (ev.target as HTMLInputElement | null)?.name;
    if (name && touched.has(name)) void check();
  });
  // After a refused submit, take the officer to the first field to fix.
  const first = form.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (first) first.focus();
}

function fileLoaders(): void {
  for (const input of Array.from(document.querySelectorAll<HTMLInputElement>('input[type=file][data-fills]'))) {
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      const target = document.getElementById(input.dataset.fills ?? '') as HTMLTextAreaElement | null;
      if (file && target) target.value = await file.text();
    });
  }
}

function batchProgress(): void {
  const box = document.getElementById('batch');
  if (!box || box.dataset.state === 'completed') return;
  const bar = document.getElementById('batch-progress') as HTMLProgressElement | null;
  const counts = document.getElementById('batch-counts');
  const links = document.getElementById('batch-links');
  const source = new EventSource(`/console/bulk/${encodeURIComponent(box.dataset.batch ?? '')}/events`);
  const update = (raw: string) => {
    const p = JSON.parse(raw) as { total: number; done: number; issued: number; existing: number; failed: number; state: string };
    if (bar) {
      bar.max = p.total || 1;
      bar.value = p.done;
      bar.textContent = `${p.done}/${p.total}`;
    }
    if (counts) {
      counts.textContent = `ดำเนินการแล้ว ${p.done.toLocaleString('th-TH')} จาก ${p.total.toLocaleString('th-TH')} แถว · ออกแล้ว ${p.issued} · มีอยู่แล้ว ${p.existing} · ผิดพลาด ${p.failed}`;
      const en = document.createElement('span');
      en.className = 'en';
      en.lang = 'en';
      en.textContent = ` ${p.done} of ${p.total} rows · issued ${p.issued} · existing ${p.existing} · errors ${p.failed}${p.state === 'completed' ? ' — completed' : ''}`;
      counts.append(en);
    }
    box.dataset.state = p.state;
  };
  source.addEventListener('progress', (e) => update((e as MessageEvent<string>).data));
  source.addEventListener('done', (e) => {
    update((e as MessageEvent<string>).data);
    source.close();
    if (links) links.hidden = false;
  });
}

const form = document.getElementById('issue-form') as HTMLFormElement | null;
if (form) inlineValidation(form);
fileLoaders();
batchProgress();
