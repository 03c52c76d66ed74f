/* global document, window, EventSource */
// Bazaar web shop: small enhancements. Every page works without this file; it only adds
// suggestions while typing, adding to the cart without leaving the page, auto-submitting
// filters and quantities, and the order page's live status.

// As-you-type suggestions for the search box (a native datalist, so it stays accessible).
const search = document.querySelector('input[data-suggest]');
if (search) {
  const list = document.getElementById(search.getAttribute('list'));
  let timer;
  let last = '';
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = search.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      try {
        const url = `${search.dataset.suggest}?q=${encodeURIComponent(q)}`;
        const response = await fetch(url, { headers: { accept: 'application/json' } });
        if (!response.ok) return;
        const { items } = await response.json();
        list.replaceChildren(
          ...items.map((item) =>
            Object.assign(document.createElement('option'), { value: item.name }),
          ),
        );
        list.dataset.for = q;
      } catch {
        // Suggestions are a nicety: the search itself still works.
      }
    }, 150);
  });
}

// Sorting and cart quantities apply as soon as they change.
for (const form of document.querySelectorAll('form[data-autosubmit]')) {
  for (const control of form.querySelectorAll('select, input[type="number"]')) {
    control.addEventListener('change', () => form.requestSubmit());
  }
}

// Add to cart without leaving the product page.
for (const form of document.querySelectorAll('form[data-enhance="add-to-cart"]')) {
  const status = form.querySelector('[role="status"]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { accept: 'application/json' },
      });
      const answer = await response.json();
      if (response.ok) {
        status.replaceChildren(
          `Added. Your cart has ${answer.count} ${answer.count === 1 ? 'item' : 'items'}. `,
          Object.assign(document.createElement('a'), { href: '/cart', textContent: 'View cart' }),
        );
      } else {
        status.textContent = answer.message ?? 'The cart could not be changed.';
      }
    } catch {
      status.textContent = 'The cart could not be reached; please try again.';
    } finally {
      button.disabled = false;
    }
  });
}

// One checkout at a time: the button says what is happening and cannot be pressed twice.
for (const form of document.querySelectorAll('form[data-enhance="checkout"]')) {
  form.addEventListener('submit', () => {
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    button.textContent = 'Placing order…';
  });
}

// The order page follows the order's status through its event stream until it settles.
const order = document.querySelector('[data-order-id][data-live="yes"]');
if (order && 'EventSource' in window) {
  const reasons = JSON.parse(order.dataset.reasons ?? '{}');
  const statuses = JSON.parse(order.dataset.statuses ?? '{}');
  const badge = order.querySelector('[data-field="status"]');
  const reason = order.querySelector('[data-field="reason"]');
  const history = document.querySelector('[data-field="history"]');
  const events = new EventSource(`/orders/${order.dataset.orderId}/events`);
  const settle = () => events.close();
  let settled = false;
  // The server ends the stream once the order settles; do not reconnect then.
  events.addEventListener('error', () => settled && settle());
  events.addEventListener('status', (event) => {
    const change = JSON.parse(event.data);
    order.dataset.status = change.status;
    badge.textContent = statuses[change.status] ?? change.status;
    badge.className = `status status-${change.status}`;
    reason.textContent = reasons[change.reason] ?? change.reason.replaceAll('_', ' ');
    const key = `${change.status}:${change.reason}`;
    if (history && ![...history.children].some((li) => li.dataset.key === key)) {
      const item = document.createElement('li');
      item.dataset.key = key;
      // Written as the server writes the rows above it (src/format.ts DATE_OPTIONS).
      const at = new Date(change.at).toLocaleString(document.documentElement.lang || undefined, {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'UTC',
        timeZoneName: 'short',
      });
      const time = Object.assign(document.createElement('time'), {
        dateTime: change.at,
        textContent: at,
      });
      item.append(time, ` — ${badge.textContent}: ${reason.textContent}`);
      history.append(item);
    }
    if (change.status === 'cancelled' || change.status === 'shipped') {
      document.querySelector('[data-field="cancel"]')?.remove();
    }
    settled = ['confirmed', 'cancelled', 'shipped'].includes(change.status);
  });
  window.addEventListener('pagehide', settle);
}
