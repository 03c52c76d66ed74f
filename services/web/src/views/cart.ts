import type { Cart } from '../clients/storefront.js';
import { html, type SafeHtml } from '../html.js';
import { price } from './catalog.js';
import { field, formMessage, type FormState } from './forms.js';
import { csrfField, type PageContent, type PageContext } from './layout.js';

export function cartPage(ctx: PageContext, cart: Cart | undefined, message?: string): PageContent {
  const items = cart?.items ?? [];
  return {
    title: 'Your cart',
    main: html`<h1>Your cart</h1>
      ${message ? html`<p class="form-message" role="alert">${message}</p>` : ''}
      ${
        items.length === 0
          ? html`<p>Your cart is empty. <a href="/">Continue shopping</a>.</p>`
          : html`<table class="cart-table">
                <caption class="visually-hidden">
                  Items in your cart
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col">Unit price</th>
                    <th scope="col">Quantity</th>
                    <th scope="col">Total</th>
                  </tr>
                </thead>
                <tbody>
                  ${items.map(
                    (line) =>
                      html`<tr>
                        <th scope="row">
                          <a href="/p/${line.productId}">${line.name}</a
                          >${line.available < line.quantity ? html`<br /><span class="warning">Only ${line.available} in stock</span>` : ''}
                        </th>
                        <td>${price(line.unitPrice, ctx)}</td>
                        <td>
                          <form
                            method="post"
                            action="/cart/items/${line.productId}"
                            class="quantity-form"
                            data-autosubmit
                          >
                            ${csrfField(ctx)}
                            <label for="qty-${line.productId}" class="visually-hidden"
                              >Quantity of ${line.name}</label
                            >
                            <input
                              id="qty-${line.productId}"
                              name="quantity"
                              type="number"
                              min="0"
                              max="99"
                              value="${line.quantity}"
                              inputmode="numeric"
                              required
                            />
                            <button type="submit">Update</button>
                            <button type="submit" name="remove" value="1" class="link-button">
                              Remove <span class="visually-hidden">${line.name}</span>
                            </button>
                          </form>
                        </td>
                        <td>${price(line.lineTotal, ctx)}</td>
                      </tr>`,
                  )}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colspan="3">Total</th>
                    <td class="cart-total">${price(cart!.total, ctx)}</td>
                  </tr>
                </tfoot>
              </table>
              ${cart!.missing.length ? html`<p class="warning">${cart!.missing.length} item(s) are no longer sold and are left out of the total.</p>` : ''}
              <p><a class="button" href="/checkout">Checkout</a></p>`
      }`,
  };
}

export const CHECKOUT_LABELS: Record<string, string> = {
  'shippingAddress.name': 'Full name',
  'shippingAddress.line1': 'Address',
  'shippingAddress.line2': 'Address line 2',
  'shippingAddress.city': 'City',
  'shippingAddress.postalCode': 'Postal code',
  'shippingAddress.country': 'Country',
  'payment.card.number': 'Card number',
  'payment.card.expMonth': 'Expiry month',
  'payment.card.expYear': 'Expiry year',
  'payment.card.cvc': 'Security code',
};

const TEST_CARDS = [
  ['4242 4242 4242 4242', 'is authorized'],
  ['4000 0000 0000 0002', 'is declined'],
  ['4000 0000 0000 9995', 'fails for insufficient funds'],
];

export function checkoutPage(
  ctx: PageContext,
  cart: Cart,
  form: FormState,
  key: string,
): PageContent {
  const f = (name: string, options = {}) => field(form, name, CHECKOUT_LABELS[name]!, options);
  const testCards: SafeHtml = ctx.localMode
    ? html`<div class="test-cards" id="test-cards">
        <h3>Test cards (local mode)</h3>
        <p>The built-in test provider takes any future expiry date and any three-digit code.</p>
        <ul>
          ${TEST_CARDS.map(([number, what]) => html`<li><code>${number}</code> ${what}</li>`)}
        </ul>
      </div>`
    : html``;
  return {
    title: 'Checkout',
    main: html`<h1>Checkout</h1>
      <p>
        ${cart.items.length === 1 ? '1 item' : `${cart.items.length} items`}, total
        <strong>${price(cart.total, ctx)}</strong>. <a href="/cart">Edit cart</a>
      </p>
      ${formMessage(form)}
      <form
        method="post"
        action="/checkout"
        class="checkout-form"
        data-enhance="checkout"
        novalidate
      >
        ${csrfField(ctx)}
        <input type="hidden" name="key" value="${key}" />
        <fieldset>
          <legend>Shipping address</legend>
          ${f('shippingAddress.name', { autocomplete: 'shipping name', maxlength: 200 })}
          ${f('shippingAddress.line1', { autocomplete: 'shipping address-line1', maxlength: 200 })}
          ${f('shippingAddress.line2', { autocomplete: 'shipping address-line2', required: false, maxlength: 200 })}
          ${f('shippingAddress.city', { autocomplete: 'shipping address-level2', maxlength: 100 })}
          ${f('shippingAddress.postalCode', { autocomplete: 'shipping postal-code', maxlength: 20 })}
          ${f('shippingAddress.country', { autocomplete: 'shipping country', maxlength: 2, hint: 'Two-letter code, such as FR or DE' })}
        </fieldset>
        <fieldset>
          <legend>Card</legend>
          ${testCards}
          ${f('payment.card.number', { autocomplete: 'cc-number', inputmode: 'numeric', maxlength: 32, secret: true })}
          ${f('payment.card.expMonth', { autocomplete: 'cc-exp-month', inputmode: 'numeric', maxlength: 2, hint: 'MM' })}
          ${f('payment.card.expYear', { autocomplete: 'cc-exp-year', inputmode: 'numeric', maxlength: 4, hint: 'YYYY' })}
          ${f('payment.card.cvc', { autocomplete: 'cc-csc', inputmode: 'numeric', maxlength: 4, secret: true })}
        </fieldset>
        <button type="submit" class="primary">Place order</button>
      </form>`,
  };
}
