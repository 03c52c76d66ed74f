import { html } from '../html.js';
import { field, formMessage, type FormState } from './forms.js';
import { csrfField, type PageContent, type PageContext } from './layout.js';

export const ACCOUNT_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  password: 'Password',
};

export function signUpPage(ctx: PageContext, form: FormState, next: string): PageContent {
  return {
    title: 'Sign up',
    main: html`<h1>Create your account</h1>
      ${formMessage(form)}
      <form method="post" action="/signup" class="account-form">
        ${csrfField(ctx)}
        <input type="hidden" name="next" value="${next}" />
        ${field(form, 'name', 'Name', { autocomplete: 'name', maxlength: 100 })}
        ${field(form, 'email', 'Email', { type: 'email', autocomplete: 'email', maxlength: 254 })}
        ${field(form, 'password', 'Password', { type: 'password', autocomplete: 'new-password', secret: true, hint: '10 characters or more' })}
        <button type="submit" class="primary">Sign up</button>
      </form>
      <p>Have an account? <a href="/signin?next=${encodeURIComponent(next)}">Sign in</a>.</p>`,
  };
}

export function signInPage(ctx: PageContext, form: FormState, next: string): PageContent {
  return {
    title: 'Sign in',
    main: html`<h1>Sign in</h1>
      ${formMessage(form)}
      <form method="post" action="/signin" class="account-form">
        ${csrfField(ctx)}
        <input type="hidden" name="next" value="${next}" />
        ${field(form, 'email', 'Email', { type: 'email', autocomplete: 'email', maxlength: 254 })}
        ${field(form, 'password', 'Password', { type: 'password', autocomplete: 'current-password', secret: true })}
        <button type="submit" class="primary">Sign in</button>
      </form>
      <p>New here? <a href="/signup?next=${encodeURIComponent(next)}">Create an account</a>.</p>`,
  };
}
