// Small behaviours, kept out of the HTML so the Content-Security-Policy needs no
// 'unsafe-inline' scripts.
(function () {
  "use strict";
  // Send the CSRF token with every htmx request.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    var token = input ? input.value : match ? decodeURIComponent(match[1]) : null;
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });
  // <select data-autosubmit> submits its form when changed.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-autosubmit]")) {
      target.form.requestSubmit();
    }
  });
})();
