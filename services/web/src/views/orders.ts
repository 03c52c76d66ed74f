import type { Order } from '../clients/storefront.js';
import { formatDate, REASON_TEXT, reasonText, STATUS_TEXT } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { price } from './catalog.js';
import { csrfField, type PageContent, type PageContext } from './layout.js';

const FINAL = new Set(['cancelled', 'shipped']);

export function jaegerLink(ctx: PageContext, orderId: string): string {
  const url = new URL('/search', ctx.jaegerUrl);
  url.searchParams.set('service', 'storefront');
  url.searchParams.set('tags', JSON.stringify({ 'order.id': orderId }));
  return url.toString();
}

function statusBadge(order: Order): SafeHtml {
  return html`<span class="status status-${order.status}" data-field="status"
    >${STATUS_TEXT[order.status] ?? order.status}</span
  >`;
}

export function orderPage(ctx: PageContext, order: Order, message?: string): PageContent {
  const latest = order.statusHistory.at(-1);
  const reason = order.status === 'cancelled' ? order.cancelReason : latest?.reason;
  const a = order.shippingAddress;
  const cancellable = !FINAL.has(order.status);
  return {
    title: `Order ${order.id.slice(0, 8)}`,
    main: html`<h1>Order <span class="order-id">${order.id}</span></h1>
      ${message ? html`<p class="form-message" role="alert">${message}</p>` : ''}
      <section
        class="order-status"
        id="order-status"
        data-order-id="${order.id}"
        data-status="${order.status}"
        data-live="${FINAL.has(order.status) || order.status === 'confirmed' ? 'no' : 'yes'}"
        data-reasons="${JSON.stringify(REASON_TEXT)}"
        data-statuses="${JSON.stringify(STATUS_TEXT)}"
      >
        <p role="status" aria-live="polite">
          Status: ${statusBadge(order)}
          <span class="reason" data-field="reason">${reasonText(reason)}</span>
        </p>
      </section>
      <table class="cart-table">
        <caption class="visually-hidden">
          Items in this order
        </caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          ${order.lines.map(
            (line) =>
              html`<tr>
                <th scope="row"><a href="/p/${line.productId}">${line.name}</a></th>
                <td>${line.quantity}</td>
                <td>${price(line.lineTotal, ctx)}</td>
              </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colspan="2">Total</th>
            <td>${price(order.total, ctx)}</td>
          </tr>
        </tfoot>
      </table>
      <div class="order-details">
        <section aria-labelledby="ship-heading">
          <h2 id="ship-heading">Shipping to</h2>
          <address>
            ${a.name}<br />${a.line1}<br />${a.line2 ? html`${a.line2}<br />` : ''}${a.postalCode}
            ${a.city}<br />${a.country}
          </address>
        </section>
        <section aria-labelledby="pay-heading">
          <h2 id="pay-heading">Payment</h2>
          <p>${order.payment.brand} ending in ${order.payment.last4}</p>
        </section>
      </div>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol class="history" data-field="history">
          ${order.statusHistory.map(
            (change) =>
              html`<li data-key="${change.status}:${change.reason}">
                <time datetime="${change.at}">${formatDate(change.at, ctx.locale)}</time> —
                ${STATUS_TEXT[change.status] ?? change.status}: ${reasonText(change.reason)}
              </li>`,
          )}
        </ol>
      </section>
      ${
        cancellable
          ? html`<form
              method="post"
              action="/orders/${order.id}/cancel"
              class="cancel-form"
              data-field="cancel"
            >
              ${csrfField(ctx)}
              <button type="submit">Cancel this order</button>
            </form>`
          : ''
      }
      ${ctx.localMode ? html`<p class="trace-link"><a href="${jaegerLink(ctx, order.id)}">See this order’s trace in Jaeger</a></p>` : ''}
      <p><a href="/orders">All your orders</a></p>`,
  };
}

export function orderListPage(
  ctx: PageContext,
  orders: Order[],
  next: string | undefined,
): PageContent {
  return {
    title: 'Your orders',
    main: html`<h1>Your orders</h1>
      ${
        orders.length === 0
          ? html`<p>No orders yet. <a href="/">Start shopping</a>.</p>`
          : html`<ul class="order-list">
              ${orders.map(
                (order) =>
                  html`<li>
                    <a href="/orders/${order.id}">Order ${order.id.slice(0, 8)}</a>
                    — ${formatDate(order.createdAt, ctx.locale)} — ${price(order.total, ctx)} —
                    ${statusBadge(order)}
                    ${order.status === 'cancelled' ? html`<span class="reason">${reasonText(order.cancelReason)}</span>` : ''}
                  </li>`,
              )}
            </ul>`
      }
      ${next ? html`<p><a href="${next}" rel="next">Older orders</a></p>` : ''}`,
  };
}
