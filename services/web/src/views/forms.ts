import type { ApiProblem } from '../clients/storefront.js';
import { html, type SafeHtml } from '../html.js';

/**
 * A form as it is shown again after a refusal: what the shopper typed (never passwords or card
 * numbers) and the API's field errors (problem+json `errors[]`) as sentences by their fields.
 */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string[]>;
  /** What concerns no field of the form (a 409, a 503, an error on a field not shown). */
  message?: string;
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({
  values,
  errors: {},
});

function sentence(label: string, message: string): string {
  const text = `${label} ${message.replace(/\bNOT\b/g, 'not')}`.trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Turns a problem into a form state: each `errors[]` entry goes to the field of that name
 * (`shippingAddress.postalCode`), worded with the field's label; entries for fields the form
 * does not have, and problems without entries, become the form's message.
 */
export function formFromProblem(
  problem: ApiProblem,
  values: Record<string, string>,
  labels: Record<string, string>,
): FormState {
  const errors: Record<string, string[]> = {};
  const general: string[] = [];
  for (const error of problem.errors ?? []) {
    // Validation errors name the part of the request first (`body.email`).
    const name = error.field.replace(/^(body|querystring|params|headers)\./, '');
    const label = labels[name];
    if (label) (errors[name] ??= []).push(sentence(label, error.message));
    else general.push(sentence(name, error.message));
  }
  if (general.length === 0 && Object.keys(errors).length === 0) {
    general.push(problem.detail ? sentence('', problem.detail) : sentence('', problem.title));
  }
  return { values, errors, message: general.length > 0 ? general.join(' ') : undefined };
}

export const idOf = (name: string) => `f-${name.replace(/[^\w-]/g, '-')}`;

export interface FieldOptions {
  type?: string;
  autocomplete?: string;
  required?: boolean;
  inputmode?: string;
  maxlength?: number;
  hint?: string;
  /** Never shown again after a refusal (passwords, card numbers). */
  secret?: boolean;
}

export function field(
  form: FormState,
  name: string,
  label: string,
  options: FieldOptions = {},
): SafeHtml {
  const id = idOf(name);
  const errors = form.errors[name] ?? [];
  const described = [options.hint ? `${id}-hint` : '', errors.length ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
    <label for="${id}"
      >${label}${options.required === false ? html` <span class="optional">(optional)</span>` : ''}</label
    >
    ${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}
    <input
      id="${id}"
      name="${name}"
      type="${options.type ?? 'text'}"
      ${options.secret ? '' : html`value="${form.values[name] ?? ''}"`}
      ${options.autocomplete ? html`autocomplete="${options.autocomplete}"` : ''}
      ${options.inputmode ? html`inputmode="${options.inputmode}"` : ''}
      ${options.maxlength ? html`maxlength="${options.maxlength}"` : ''}
      ${options.required === false ? '' : html`required`}
      ${errors.length ? html`aria-invalid="true"` : ''}
      ${described ? html`aria-describedby="${described}"` : ''}
    />
    ${errors.length ? html`<p class="field-error" id="${id}-error">${errors.join(' ')}</p>` : ''}
  </div>`;
}

/** The form's message, announced to screen readers when the page shows it. */
export function formMessage(form: FormState): SafeHtml {
  const count = Object.values(form.errors).flat().length;
  if (!form.message && count === 0) return html``;
  return html`<div class="form-message" role="alert">
    ${form.message ? html`<p>${form.message}</p>` : ''}
    ${count > 0 ? html`<p>Please correct ${count === 1 ? 'the field' : `the ${count} fields`} marked below.</p>` : ''}
  </div>`;
}
