// API Shell enhancements. The page works without this file: choosing a
// function is a GET form, running is a POST form, and functions that change
// something ask for confirmation on the server's next page. This only
// submits the chooser when a function is picked and adds Copy buttons.
(function () {
  "use strict";
  var choose = document.getElementById("shell-choose");
  var select = document.getElementById("shell-call");
  if (choose && select) {
    select.addEventListener("change", function () {
      if (select.value) {
        choose.submit();
      }
    });
  }
  if (!navigator.clipboard) {
    return;
  }
  var figures = document.querySelectorAll("figure.snippet");
  Array.prototype.forEach.call(figures, function (fig) {
    var caption = fig.querySelector("figcaption");
    var code = fig.querySelector("code");
    if (!caption || !code) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed";
      });
    });
    caption.appendChild(button);
  });
})();
