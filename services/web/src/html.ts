/**
 * Server-side templates as tagged template literals: every interpolated value is HTML-escaped
 * unless it is already {@link SafeHtml} (the output of another `html` template, or {@link trusted}
 * for markup that was escaped elsewhere, such as search's highlights). Arrays are joined.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Value = SafeHtml | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * Markup taken as it is. Only for text another component already escaped: search's
 * `highlight` is HTML-escaped by search with `<mark>` added, and is checked again here so that
 * nothing but `<mark>` and `</mark>` can pass as a tag.
 */
export function trustedHighlight(markup: string): SafeHtml {
  const withoutMarks = markup.replace(/<\/?mark>/g, '');
  return /[<>]/.test(withoutMarks) ? new SafeHtml(escapeHtml(markup)) : new SafeHtml(markup);
}
