import { html } from '../html.js';
import type { PageContent } from './layout.js';

export function notFoundPage(): PageContent {
  return {
    title: 'Page not found',
    main: html`<h1>Page not found</h1>
      <p>There is nothing here — the link may be old, or the page belongs to someone else.</p>
      <p><a href="/">Back to the shop</a> or search above.</p>`,
  };
}

export function errorPage(status: number, retryAfter?: number): PageContent {
  if (status === 503) {
    return {
      title: 'Unavailable for a moment',
      main: html`<h1>Unavailable for a moment</h1>
        <p>
          Part of the shop is not answering right
          now${retryAfter ? html`; please try again in ${retryAfter} seconds` : ''}. Nothing was
          lost.
        </p>
        <p><a href="/">Back to the shop</a></p>`,
    };
  }
  if (status === 403) {
    return {
      title: 'Form expired',
      main: html`<h1>This form has expired</h1>
        <p>
          For your safety we only accept forms sent from this site's pages. Go back, reload the page
          and try again.
        </p>`,
    };
  }
  if (status >= 400 && status < 500) {
    return {
      title: 'Bad request',
      main: html`<h1>We could not read that request</h1>
        <p><a href="/">Back to the shop</a></p>`,
    };
  }
  return {
    title: 'Something went wrong',
    main: html`<h1>Something went wrong</h1>
      <p>We are sorry; the problem has been logged. <a href="/">Back to the shop</a></p>`,
  };
}
