// The demo shop's own code: a cart and a consent choice in sessionStorage, a small single-page
// "About us" section, and the calls a real shop makes to the tracker: ut.consent, ut.ecommerce,
// ut.track and ut.beforeSend. The tracker itself is /t.js from the collector.
(function () {
  var PRODUCT = { item_id: 'SKU-TRAIL-42', item_name: 'Trail running shoe', item_brand: 'Trailhead',
                  item_category: 'Shoes', price: 49.9 };
  var page = document.body.dataset.page;
  var $ = function (id) { return document.getElementById(id); };
  var load = function (key, fallback) { return JSON.parse(sessionStorage.getItem(key) || fallback); };
  var save = function (key, value) { sessionStorage.setItem(key, JSON.stringify(value)); };
  var cart = load('shop_cart', '[]');
  var total = function (items) {
    return Math.round(items.reduce(function (sum, i) { return sum + i.price * i.quantity; }, 0) * 100) / 100;
  };
  var payload = function (items, extra) {
    var p = { currency: 'EUR', value: total(items), items: items };
    for (var k in extra) p[k] = extra[k];
    return p;
  };

  // Keep order numbers out of the analytics: they are in the thank-you page's URL.
  ut.beforeSend = function (event) {
    event.url = event.url.replace(/[?&]order=[^&#]*/, '');
    return event;
  };

  // The consent banner: the choice lives in this tab's sessionStorage, and is handed to the
  // tracker on every page (data-require-consent: the tracker sends nothing until then).
  var choose = function (choice) {
    save('shop_consent', choice);
    $('consent').hidden = true;
    ut.consent(choice);
  };
  var stored = sessionStorage.getItem('shop_consent');
  if (stored) ut.consent(JSON.parse(stored));
  else $('consent').hidden = false;
  $('accept-all').onclick = function () { choose({ analytics: true, marketing: true }); };
  $('accept-analytics').onclick = function () { choose({ analytics: true, marketing: false }); };
  $('decline').onclick = function () { choose({ analytics: false, marketing: false }); };

  if (page == 'home') {
    var show = function () {
      var about = location.pathname == '/about';
      $('about-section').hidden = !about;
      $('home-section').hidden = about;
    };
    // A single-page navigation: the tracker sees pushState and popstate and counts a pageview.
    var go = function (path) {
      return function (ev) {
        ev.preventDefault();
        history.pushState({}, '', path);
        show();
      };
    };
    $('about-link').onclick = go('/about');
    $('home-link').onclick = go('/');
    addEventListener('popstate', show);
    show();
    $('newsletter').onclick = function () {
      ut.track('newsletter_signup', { list: 'weekly' });
      $('newsletter-done').hidden = false;
    };
  }
  if (page == 'product') {
    ut.ecommerce('view_item', payload([{ item_id: PRODUCT.item_id, item_name: PRODUCT.item_name, price: PRODUCT.price, quantity: 1 }]));
    $('add-to-cart').onclick = function () {
      var line = { item_id: PRODUCT.item_id, item_name: PRODUCT.item_name, item_brand: PRODUCT.item_brand,
                   item_category: PRODUCT.item_category, price: PRODUCT.price, quantity: 2 };
      cart.push(line);
      save('shop_cart', cart);
      ut.ecommerce('add_to_cart', payload([line]));
      $('added').hidden = false;
    };
  }
  if (page == 'cart') {
    cart.forEach(function (i) {
      var li = document.createElement('li');
      li.textContent = i.quantity + ' × ' + i.item_name + ' — €' + (i.price * i.quantity).toFixed(2);
      $('cart-items').appendChild(li);
    });
    $('cart-total').textContent = '€' + total(cart).toFixed(2);
    ut.ecommerce('view_cart', payload(cart));
  }
  if (page == 'checkout') {
    ut.ecommerce('begin_checkout', payload(cart));
    $('checkout-form').addEventListener('submit', function () {
      var order = 'ORD-' + Date.now().toString(36).toUpperCase();
      $('order-id').value = order;
      save('shop_last_order', { order_id: order, items: cart });
      ut.ecommerce('add_payment_info', payload(cart, { payment_type: 'card' }));
    });
  }
  if (page == 'thank-you') {
    // A reload of this page sends the purchase again: the collector counts each order_id once.
    var last = load('shop_last_order', 'null');
    var order = new URLSearchParams(location.search).get('order');
    if (last && last.order_id == order) {
      $('order-number').textContent = order;
      ut.ecommerce('purchase', payload(last.items, { order_id: order, tax: 15.93, shipping: 0 }));
      sessionStorage.removeItem('shop_cart');
    }
  }
})();
