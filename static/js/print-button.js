// A button with data-action="print" prints the page (no inline onclick: the Content-Security-Policy forbids it).
document.querySelectorAll("[data-action=print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
