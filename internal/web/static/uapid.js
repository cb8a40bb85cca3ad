// uapid web UI enhancements. Every page works without this file; it only
// makes the login form report a failed login on the page itself instead of
// showing the API's JSON answer.
(function () {
  "use strict";
  var messages = {
    invalid_login: "The login is invalid.",
    too_many_failures: "Too many failed logins. Try again later.",
    account_suspended: "This account is suspended."
  };
  var form = document.getElementById("login-form");
  if (!form || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var box = document.getElementById("login-error");
  function show(text) {
    box.textContent = text;
    box.hidden = false;
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    body.set("login_only", "1");
    fetch("/login/", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (resp) { return resp.json(); })
      .then(function (reply) {
        if (reply.status === 1 && typeof reply.redirect === "string" && reply.redirect.indexOf("/cpsess") === 0) {
          window.location.assign(reply.redirect);
          return;
        }
        show(messages[reply.message] || "The login failed.");
      })
      .catch(function () { show("The server could not be reached."); });
  });
})();
