// Injected by tests/test_html_browser.py before </body>: measures the rendered report with the browser's own layout
// and writes the result into the DOM (chromium --dump-dom prints it).
(function () {
  var root = document.documentElement, width = root.clientWidth, out = {
    innerWidth: window.innerWidth, clientWidth: width, scrollWidth: root.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth, overflowing: [], cut: [], labels: [], codes: 0
  };
  function name(el) {
    return el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? '.' + el.className : '') +
      ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  }
  var all = document.body.getElementsByTagName('*');
  for (var i = 0; i < all.length; i++) {
    var el = all[i], r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > width + 0.5 || r.left < -0.5) out.overflowing.push(name(el) + ' ' + Math.round(r.left) + '..' +
                                                                      Math.round(r.right));
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'hidden') out.cut.push(name(el));
  }
  var labels = document.querySelectorAll('.bar-label');
  for (var j = 0; j < labels.length; j++) {
    var label = labels[j], box = label.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(label);
    var text = range.getBoundingClientRect();
    out.labels.push(label.textContent);
    // the whole text is inside its box and inside the page: nothing clipped on either side
    if (text.left < box.left - 0.5 || text.right > box.right + 0.5 || text.left < -0.5 || text.right > width + 0.5 ||
        label.scrollWidth > label.clientWidth + 1) out.cut.push('label "' + label.textContent + '"');
  }
  out.codes = document.querySelectorAll('.message').length;
  // The report runs in an iframe of the width under test (srcdoc: same origin); the result goes to the parent page,
  // whose DOM chromium --dump-dom prints.
  var target = window.parent && window.parent !== window ? window.parent.document : document;
  var pre = target.createElement('pre');
  pre.id = 'measurements';
  pre.textContent = JSON.stringify(out);
  target.body.appendChild(pre);
})();
